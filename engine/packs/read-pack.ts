/**
 * Reads a pack folder (`compositions/<pack>/`) into memory: `composition.yaml` plus the files compile may
 * inline (`templates/**`, `programs/<name>/**`). The only I/O in the composition path; compile stays pure.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TextSource } from '../compose/source.ts';

export const COMPOSITION_FILE = 'composition.yaml';
const INLINED_DIRS = ['templates', 'programs'];
/** Never part of a program: caches, virtualenvs, editor and VCS litter. */
const SKIPPED = /(^|\/)(__pycache__|\.[^/]*|node_modules|venv)(\/|$)|\.pyc$/;

export interface Pack extends TextSource {
  /** The folder the pack was read from. */
  root: string;
}

/** Reads `dir`. File names in the result (and in problems) are relative to `dir`. */
export async function readPack(dir: string): Promise<Pack> {
  const text = await readFile(join(dir, COMPOSITION_FILE), 'utf8');
  const files: Record<string, string> = {};
  for (const top of INLINED_DIRS) {
    for (const path of await listFiles(dir, top)) files[path] = await readFile(join(dir, path), 'utf8');
  }
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(files).sort()) sorted[key] = files[key] as string;
  return { root: dir, file: COMPOSITION_FILE, text, files: sorted };
}

/** Regular files under `dir/relative`, as `/`-separated paths relative to `dir`; symlinks are skipped. */
async function listFiles(dir: string, relative: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(dir, relative), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = `${relative}/${entry.name}`;
    if (SKIPPED.test(path)) continue;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, path)));
    else if (entry.isFile() && (await lstat(join(dir, path))).isFile()) out.push(path);
  }
  return out;
}
