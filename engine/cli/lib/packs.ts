/**
 * Finding and loading compositions for the CLI: a pack folder, a composition file, or the pack whose
 * claim API matches a claim. Problems found by compile point at files the user can open.
 */
import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Problem } from '../../api/problem.ts';
import { compile } from '../../compose/compile.ts';
import type { CompiledComposition } from '../../compose/compiled.ts';
import type { CompositionSource } from '../../compose/source.ts';
import { COMPOSITION_FILE, readPack } from '../../packs/index.ts';
import type { CliIo } from '../context.ts';
import { CliError, UsageError } from '../context.ts';
import { absolutePath, displayPath, pathKind, readUserFile } from './files.ts';

/** The packs that ship with kubify. */
export const BUILTIN_PACKS_DIR = fileURLToPath(new URL('../../../compositions/', import.meta.url));

export interface LoadedComposition {
  /** The pack folder or composition file, as shown to the user. */
  display: string;
  /** Absolute pack folder; undefined for a single composition file. */
  root?: string;
  source: CompositionSource;
}

export interface CompiledPack {
  loaded: LoadedComposition;
  compiled?: CompiledComposition;
  /** Compile problems with `file` as the user can open it. */
  problems: Problem[];
}

/**
 * Loads a pack folder, a pack's `composition.yaml` or a single composition file (templates inline).
 * Throws a UsageError naming the path when it does not exist or is a folder without `composition.yaml`.
 */
export async function loadComposition(io: CliIo, path: string): Promise<LoadedComposition> {
  const absolute = absolutePath(io, path);
  const display = displayPath(io, absolute);
  const kind = pathKind(absolute);
  if (kind === 'missing') throw new UsageError(`composition not found: ${display}`);
  if (kind === 'file' && basename(absolute) !== COMPOSITION_FILE) {
    const { text } = readUserFile(io, path, 'composition file');
    return { display, source: { file: display, text } };
  }
  const root = kind === 'directory' ? absolute : dirname(absolute);
  const rootDisplay = displayPath(io, root);
  if (pathKind(join(root, COMPOSITION_FILE)) !== 'file') {
    throw new UsageError(
      `${rootDisplay} is not a composition pack: ${join(rootDisplay, COMPOSITION_FILE)} does not exist`,
    );
  }
  try {
    return { display: rootDisplay, root, source: await readPack(root) };
  } catch (error) {
    throw new CliError(`cannot read pack ${rootDisplay}: ${(error as Error).message}`);
  }
}

/** Compiles a loaded composition; problem files become paths the user can open. */
export function compileLoaded(loaded: LoadedComposition): CompiledPack {
  const result = compile(loaded.source);
  const problems = result.problems.map((p) => withDisplayFile(p, loaded));
  return result.compiled ? { loaded, compiled: result.compiled, problems } : { loaded, problems };
}

/** `templates/x.hbs` of pack `compositions/p` -> `compositions/p/templates/x.hbs`; other files unchanged. */
export function withDisplayFile(problem: Problem, loaded: LoadedComposition): Problem {
  const { file } = problem;
  if (loaded.root === undefined || file === undefined || !isPackFile(loaded, file)) return problem;
  return { ...problem, file: loaded.display === '.' ? file : join(loaded.display, file) };
}

function isPackFile(loaded: LoadedComposition, file: string): boolean {
  const { source } = loaded;
  const own = 'text' in source ? source.file : undefined;
  return file === own || Object.hasOwn(source.files ?? {}, file);
}

/**
 * Folders searched for packs: `$KUBIFY_COMPOSITIONS` (a `:`-separated list) when set, else
 * `./compositions` and the packs that ship with kubify. Each folder holds one pack per subfolder.
 */
export function packSearchDirs(io: CliIo): string[] {
  const configured = io.env.KUBIFY_COMPOSITIONS;
  const dirs =
    configured !== undefined && configured !== ''
      ? configured
          .split(':')
          .filter((d) => d !== '')
          .map((d) => absolutePath(io, d))
      : [absolutePath(io, 'compositions'), BUILTIN_PACKS_DIR];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const dir of dirs) {
    if (pathKind(dir) !== 'directory') continue;
    const real = realpathSync(dir);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(dir);
  }
  return out;
}

/** Every pack folder (a subfolder with `composition.yaml`) in the search folders, sorted per folder. */
export function listPacks(io: CliIo): string[] {
  return packSearchDirs(io).flatMap((dir) =>
    readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && pathKind(join(dir, e.name, COMPOSITION_FILE)) === 'file')
      .map((e) => join(dir, e.name))
      .sort(),
  );
}

/** The first pack whose claim API is `apiVersion` `kind`, if any. */
export async function findPackFor(
  io: CliIo,
  apiVersion: string,
  kind: string,
): Promise<LoadedComposition | undefined> {
  for (const dir of listPacks(io)) {
    if (claimApiOf(join(dir, COMPOSITION_FILE)) === `${apiVersion} ${kind}`) return loadComposition(io, dir);
  }
  return undefined;
}

/** `group/version Kind` of a composition file, read leniently; undefined when it cannot be told. */
function claimApiOf(file: string): string | undefined {
  try {
    const text = readFileSync(file, 'utf8');
    const doc = parse(text) as { spec?: { api?: { group?: unknown; version?: unknown; kind?: unknown } } };
    const api = doc.spec?.api;
    if (typeof api?.group !== 'string' || typeof api.version !== 'string' || typeof api.kind !== 'string')
      return undefined;
    return `${api.group}/${api.version} ${api.kind}`;
  } catch {
    return undefined;
  }
}
