/**
 * The build context of an App, shipped into the cluster: the files of its context folder (minus VCS
 * folders, dependency folders, private `.env` files and what `.dockerignore` excludes), plus a generated
 * Dockerfile, as a deterministic tar.gz in a ConfigMap. Its digest tags the image, so the same source is the
 * same build and a changed one is a new build.
 */
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CONTEXT_KEY } from '../../analyze/claims/index.ts';
import type { BuildPlan } from '../../analyze/claims/index.ts';
import { buildTarball } from '../../controller/artifacts/tarball.ts';
import { CliError } from '../context.ts';

/** A ConfigMap holds at most 1 MiB; base64 and metadata need room. */
export const MAX_CONTEXT_BYTES = 700 * 1024;
const ALWAYS_SKIPPED = new Set([
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.terraform',
  '.idea',
  '.vscode',
]);

export interface ShippedContext {
  plan: BuildPlan;
  /** Hex sha256 of the tarball. */
  digest: string;
  bytes: Buffer;
  files: number;
}

function isPrivateEnv(name: string): boolean {
  return (
    (name === '.env' || name.startsWith('.env.')) && !/\.(example|sample|template|dist|defaults?)$/.test(name)
  );
}

/** `.dockerignore` patterns as predicates on `/`-separated relative paths (`*`, `**`, `?`; `!` re-includes). */
export function dockerignore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = (negate ? l.slice(1) : l).replace(/^\/+|\/+$/g, '').replace(/^\.\//, '');
      const source = pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*');
      return { negate, re: new RegExp(`^${source}(/.*)?$`) };
    });
  return (path) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(path)) ignored = !r.negate;
    return ignored;
  };
}

/** Reads the context of `plan` under `root`; errors name the file. */
export function shipContext(root: string, plan: BuildPlan): ShippedContext {
  const base = plan.contextDir === '.' ? root : join(root, plan.contextDir);
  const shown = (rel: string): string => (plan.contextDir === '.' ? rel : `${plan.contextDir}/${rel}`);
  let ignored = (_: string): boolean => false;
  try {
    ignored = dockerignore(readFileSync(join(base, '.dockerignore'), 'utf8'));
  } catch {
    // no .dockerignore
  }
  const files: Record<string, Uint8Array> = {};
  const walk = (rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(rel === '' ? base : join(base, rel)).sort();
    } catch (error) {
      throw new CliError(
        `cannot read ${shown(rel || '.')}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (the build context must be readable)`,
      );
    }
    for (const name of names) {
      const child = rel === '' ? name : `${rel}/${name}`;
      if (ALWAYS_SKIPPED.has(name) || isPrivateEnv(name) || ignored(child)) continue;
      const stat = lstatSync(join(base, child));
      if (stat.isDirectory()) walk(child);
      else if (stat.isFile()) {
        try {
          files[child] = readFileSync(join(base, child));
        } catch (error) {
          throw new CliError(
            `cannot read ${shown(child)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (the build context must be readable)`,
          );
        }
      }
    }
  };
  walk('');
  if (plan.generated) files[plan.dockerfile] = Buffer.from(plan.generated.content, 'utf8');
  const tarball = buildTarball(files);
  if (tarball.bytes.length > MAX_CONTEXT_BYTES)
    throw new CliError(
      `the build context of ${plan.app} (${shown('.')}) is ${Math.round(tarball.bytes.length / 1024)} KiB compressed, over the ${MAX_CONTEXT_BYTES / 1024} KiB a ConfigMap can carry: add a .dockerignore, or build the image elsewhere and pass --image ${plan.service}=<image>`,
    );
  return {
    plan,
    digest: tarball.digest.replace(/^sha256:/, ''),
    bytes: tarball.bytes,
    files: Object.keys(files).length,
  };
}

/** The ConfigMap object carrying a shipped context. */
export function contextConfigMap(
  ctx: ShippedContext,
  namespace: string,
  labels: Record<string, string>,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: ctx.plan.configMap,
      namespace,
      labels,
      annotations: { 'kubify.io/context-digest': ctx.digest },
    },
    binaryData: { [CONTEXT_KEY]: ctx.bytes.toString('base64') },
  };
}
