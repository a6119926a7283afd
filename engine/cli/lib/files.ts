/**
 * Reading the files a user names on the command line, with errors that name the file.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { CliIo } from '../context.ts';
import { CliError, UsageError } from '../context.ts';

export type PathKind = 'file' | 'directory' | 'missing';

/** The absolute path of `path` as the user gave it. */
export function absolutePath(io: CliIo, path: string): string {
  return resolve(io.cwd, path);
}

/** How a path is shown in output: relative to the working directory when inside it, else absolute. */
export function displayPath(io: CliIo, absolute: string): string {
  const rel = relative(io.cwd, absolute);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}

export function pathKind(absolute: string): PathKind {
  try {
    const stat = statSync(absolute);
    return stat.isDirectory() ? 'directory' : 'file';
  } catch {
    return 'missing';
  }
}

/**
 * Reads a text file the user named. A file that does not exist (or is a directory) is a usage error;
 * `what` says what the file was for: `claim file`, `observed file`.
 */
export function readUserFile(io: CliIo, path: string, what: string): { text: string; display: string } {
  const absolute = absolutePath(io, path);
  const display = displayPath(io, absolute);
  const kind = pathKind(absolute);
  if (kind === 'missing') throw new UsageError(`${what} not found: ${display}`);
  if (kind === 'directory') throw new UsageError(`${what} is a directory, not a file: ${display}`);
  try {
    return { text: readFileSync(absolute, 'utf8'), display };
  } catch (error) {
    throw new CliError(`cannot read ${what} ${display}: ${(error as Error).message}`);
  }
}
