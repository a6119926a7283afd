/**
 * `kubify pack add`: brings a composition pack in from a folder, a tarball (`.tgz`, as `npm pack`
 * makes) or an npm package spec (fetched with `npm pack` into a temporary folder), runs every static
 * check on it (`kubify validate`: compile and render the examples), then copies it into a packs folder.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { COMPOSITION_FILE } from '../../packs/index.ts';
import type { Problem } from '../../api/problem.ts';
import type { CliIo } from '../context.ts';
import { CliError } from '../context.ts';
import { absolutePath, displayPath, pathKind } from './files.ts';
import { compileLoaded, loadComposition } from './packs.ts';
import { validateTargets } from './validate-targets.ts';

export type PackSourceKind = 'directory' | 'tarball' | 'npm';

export function sourceKind(io: CliIo, source: string): PackSourceKind {
  const kind = pathKind(absolutePath(io, source));
  if (kind === 'directory') return 'directory';
  if (kind === 'file' && /\.(tgz|tar\.gz)$/.test(source)) return 'tarball';
  if (kind === 'file') throw new CliError(`${source} is a file but not a .tgz/.tar.gz tarball`, 2);
  return 'npm';
}

/** The pack folder inside an unpacked npm package: its root, or `package.json` `"kubify": {"pack": "<dir>"}`. */
export function packRootOf(dir: string): string {
  const manifest = join(dir, 'package.json');
  if (existsSync(manifest)) {
    const pack = (JSON.parse(readFileSync(manifest, 'utf8')) as { kubify?: { pack?: unknown } }).kubify?.pack;
    if (typeof pack === 'string') {
      const root = resolve(dir, pack);
      if (!root.startsWith(resolve(dir)))
        throw new CliError(`package.json kubify.pack "${pack}" leaves the package`);
      return root;
    }
  }
  return dir;
}

function extract(tarball: string, into: string): string {
  execFileSync('tar', ['-xzf', tarball, '-C', into], { stdio: ['ignore', 'ignore', 'pipe'] });
  return existsSync(join(into, 'package')) ? join(into, 'package') : into;
}

/** `npm pack <spec>` into `into`; returns the tarball path. */
function npmPack(io: CliIo, spec: string, into: string): string {
  try {
    const out = execFileSync('npm', ['pack', spec, '--pack-destination', into, '--silent'], {
      cwd: io.cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...io.env },
    });
    const file = out.trim().split('\n').pop() ?? '';
    return join(into, file);
  } catch (error) {
    const raw = (error as { stderr?: unknown }).stderr;
    const stderr = (typeof raw === 'string' ? raw : '').trim().split('\n').pop();
    throw new CliError(`npm pack ${spec} failed: ${stderr || (error as Error).message}`);
  }
}

export interface AddedPack {
  name: string;
  from: string;
  to: string;
  kind: PackSourceKind;
  examples: number;
}

export interface AddOptions {
  source: string;
  /** Destination packs folder (absolute or relative to cwd). */
  dest: string;
  /** Folder name in `dest`; default the Composition's metadata.name. */
  name?: string;
  force?: boolean;
}

export async function addPack(
  io: CliIo,
  options: AddOptions,
): Promise<{ added?: AddedPack; problems: Problem[] }> {
  const kind = sourceKind(io, options.source);
  const temp = kind === 'directory' ? undefined : mkdtempSync(join(tmpdir(), 'kubify-pack-'));
  try {
    const root =
      kind === 'directory'
        ? absolutePath(io, options.source)
        : packRootOf(
            extract(
              kind === 'tarball' ? absolutePath(io, options.source) : npmPack(io, options.source, temp!),
              temp!,
            ),
          );
    if (pathKind(join(root, COMPOSITION_FILE)) !== 'file')
      throw new CliError(`${options.source} holds no composition pack: ${COMPOSITION_FILE} not found`);
    const [report] = await validateTargets(io, [root]);
    const problems = (report?.problems ?? []).filter((p) => p.severity !== 'Normal');
    if (problems.some((p) => p.severity === undefined || p.severity === 'Fatal')) return { problems };
    const compiled = compileLoaded(await loadComposition(io, root)).compiled;
    const name = options.name ?? compiled?.composition.metadata.name ?? 'pack';
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name))
      throw new CliError(`"${name}" is not a valid pack folder name`, 2);
    const to = join(absolutePath(io, options.dest), name);
    if (existsSync(to) && !options.force)
      throw new CliError(`${displayPath(io, to)} exists: pass --force to replace it`);
    if (existsSync(to)) rmSync(to, { recursive: true, force: true });
    cpSync(root, to, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|\.git)([\\/]|$)/.test(src.slice(root.length)),
    });
    return {
      added: { name, from: options.source, to: displayPath(io, to), kind, examples: report?.examples ?? 0 },
      problems,
    };
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}
