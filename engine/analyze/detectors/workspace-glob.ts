/** Workspace member patterns (`packages/*`, `apps/**`, `services/api`) matched against the walked tree. */
import { relJoin } from '../evidence.ts';
import type { SourceTree } from '../tree.ts';

function globToRegExp(glob: string): RegExp {
  let re = '';
  const parts = glob.split('/');
  for (const [i, part] of parts.entries()) {
    if (part === '**') {
      re += i === parts.length - 1 ? '.*' : '(?:.*/)?';
      continue;
    }
    re += part
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]');
    if (i < parts.length - 1) re += '/';
  }
  return new RegExp(`^${re}$`);
}

/**
 * Directories under `base` matched by the patterns (negated with `!`) that hold a file named `marker`
 * (when given). Root-relative, sorted.
 */
export function globMembers(
  tree: SourceTree,
  base: string,
  patterns: readonly string[],
  marker?: string,
): string[] {
  const include = patterns.filter((p) => !p.startsWith('!')).map((p) => globToRegExp(clean(p)));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(clean(p.slice(1))));
  const prefix = base === '' ? '' : `${base}/`;
  const out: string[] = [];
  for (const dir of tree.dirs) {
    if (dir === base || !dir.startsWith(prefix)) continue;
    const rel = dir.slice(prefix.length);
    if (!include.some((r) => r.test(rel)) || exclude.some((r) => r.test(rel))) continue;
    if (marker !== undefined && !tree.has(relJoin(dir, marker))) continue;
    out.push(dir);
  }
  return out.sort();
}

function clean(p: string): string {
  return p.replace(/^\.\//, '').replace(/\/+$/, '');
}
