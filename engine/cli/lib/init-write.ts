/**
 * Writing what `kubify init` produced: the claims file and any generated Dockerfiles. Nothing is ever
 * overwritten without `--force`; nothing is written when the claims do not render.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ClaimSet } from '../../analyze/claims/index.ts';
import type { CliIo } from '../context.ts';
import { CliError } from '../context.ts';
import { absolutePath, displayPath } from './files.ts';
import type { SourceDir } from './init-source.ts';

export interface WriteResult {
  /** Display paths written, claims file first. */
  written: string[];
  /** Generated Dockerfiles left alone because a file is there. */
  kept: string[];
}

/** The claims file path: `--out` (relative to the working directory), else `<dir>/kubify.yaml`. */
export function claimsFilePath(io: CliIo, dir: SourceDir, out: string | undefined): string {
  return out === undefined ? join(dir.absolute, 'kubify.yaml') : absolutePath(io, out);
}

export function writeInitFiles(
  io: CliIo,
  dir: SourceDir,
  set: ClaimSet,
  text: string,
  target: string,
  force: boolean,
): WriteResult {
  if (existsSync(target) && !force)
    throw new CliError(`${displayPath(io, target)} exists: review it, or pass --force to overwrite it`);
  const result: WriteResult = { written: [], kept: [] };
  write(target, text);
  result.written.push(displayPath(io, target));
  for (const build of set.builds) {
    if (!build.generated) continue;
    const file = join(dir.absolute, build.generated.path);
    if (existsSync(file) && !force) {
      result.kept.push(displayPath(io, file));
      continue;
    }
    write(file, build.generated.content);
    result.written.push(displayPath(io, file));
  }
  return result;

  function write(file: string, content: string): void {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    } catch (error) {
      throw new CliError(`cannot write ${displayPath(io, file)}: ${(error as Error).message}`);
    }
  }
}
