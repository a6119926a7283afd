/** Writes generated files under a folder; refuses to overwrite unless told to. */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CliIo } from '../context.ts';
import { CliError } from '../context.ts';
import { absolutePath, displayPath } from './files.ts';
import type { GeneratedFile } from './generators.ts';

export function writeGenerated(
  io: CliIo,
  dir: string,
  files: readonly GeneratedFile[],
  force: boolean,
): string[] {
  const root = absolutePath(io, dir);
  const existing = files.filter((f) => existsSync(join(root, f.path)));
  if (existing.length > 0 && !force)
    throw new CliError(
      `${existing.map((f) => displayPath(io, join(root, f.path))).join(', ')} exists: pass --force to overwrite`,
    );
  return files.map((f) => {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.text);
    return displayPath(io, path);
  });
}
