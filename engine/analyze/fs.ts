/**
 * The small file-system surface the analyser reads through, so tests can hand it an in-memory tree
 * (including files that cannot be read) and the CLI hands it the real disk.
 *
 * Paths are absolute-ish strings built by the analyser with `/` joins from the root it was given.
 * Implementations throw errors carrying a Node-style `code` (`ENOENT`, `EACCES`, ...) for failures.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type EntryKind = 'file' | 'dir' | 'other';

export interface FsEntry {
  kind: EntryKind;
  size: number;
}

export interface AnalyzeFs {
  /** Like `lstat`: symbolic links are `other`, never followed. */
  stat(p: string): Promise<FsEntry>;
  readdir(p: string): Promise<string[]>;
  readFile(p: string): Promise<Uint8Array>;
}

export class FsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function errorCode(err: unknown): string {
  if (err !== null && typeof err === 'object' && 'code' in err && typeof err.code === 'string')
    return err.code;
  return 'EIO';
}

/** The real disk. */
export const nodeFs: AnalyzeFs = {
  async stat(p) {
    const s = await lstat(p);
    return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other', size: s.size };
  },
  async readdir(p) {
    return readdir(p);
  },
  async readFile(p) {
    return readFile(p);
  },
};

export function joinPath(root: string, rel: string): string {
  if (rel === '' || rel === '.') return root;
  return root.endsWith('/') ? `${root}${rel}` : `${root}/${rel}`;
}

/** A file in a memory tree: text, bytes, or an error code every read of it fails with. */
export type MemoryEntry = string | Uint8Array | { error: string };

/**
 * An in-memory tree rooted at `root`. Keys are `/`-separated paths relative to the root; directories
 * are implied by the files under them (an empty directory can be given as a key ending in `/`, and a
 * directory whose listing fails as such a key mapped to `{ error }`).
 */
export function memoryFs(root: string, files: Readonly<Record<string, MemoryEntry>>): AnalyzeFs {
  const entries = new Map<string, MemoryEntry>();
  const dirs = new Map<string, Set<string>>([['', new Set()]]);
  const dirErrors = new Map<string, string>();
  for (const [key, value] of Object.entries(files)) {
    const isDir = key.endsWith('/');
    const rel = key.replace(/\/+$/, '');
    const parts = rel.split('/').filter((x) => x !== '');
    for (let i = 0; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const here = parts.slice(0, i + 1).join('/');
      dirs.get(parent)?.add(parts[i]!);
      if (i < parts.length - 1 || isDir) {
        if (!dirs.has(here)) dirs.set(here, new Set());
      }
    }
    if (!isDir) entries.set(parts.join('/'), value);
    else if (typeof value === 'object' && 'error' in value) dirErrors.set(parts.join('/'), value.error);
  }
  const relOf = (p: string): string | undefined => {
    const r = path.posix.relative(root, p);
    return r.startsWith('..') ? undefined : r;
  };
  const notFound = (p: string): FsError => new FsError('ENOENT', `no such file or directory: ${p}`);
  return {
    stat(p) {
      const rel = relOf(p);
      if (rel === undefined) return Promise.reject(notFound(p));
      if (dirs.has(rel)) return Promise.resolve({ kind: 'dir', size: 0 });
      const e = entries.get(rel);
      if (e === undefined) return Promise.reject(notFound(p));
      const size = typeof e === 'string' ? Buffer.byteLength(e) : e instanceof Uint8Array ? e.length : 0;
      return Promise.resolve({ kind: 'file', size });
    },
    readdir(p) {
      const rel = relOf(p);
      const d = rel === undefined ? undefined : dirs.get(rel);
      if (d === undefined) return Promise.reject(notFound(p));
      const err = dirErrors.get(rel ?? '');
      if (err !== undefined) return Promise.reject(new FsError(err, `${err}: ${p}`));
      return Promise.resolve([...d].sort());
    },
    readFile(p) {
      const rel = relOf(p);
      const e = rel === undefined ? undefined : entries.get(rel);
      if (e === undefined) return Promise.reject(notFound(p));
      if (typeof e === 'string') return Promise.resolve(new TextEncoder().encode(e));
      if (e instanceof Uint8Array) return Promise.resolve(e);
      return Promise.reject(new FsError(e.error, `${e.error}: ${p}`));
    },
  };
}
