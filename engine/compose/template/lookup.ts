import { DataPending, TemplateFailure, problemAt } from './errors.ts';
import { formatPath } from './paths.ts';
import type { FilePos, Origin } from './positions.ts';

/** Reads `parts` below `base`, own properties only; returns how many segments resolved when one is missing. */
export function readPath(
  base: unknown,
  parts: readonly string[],
): { value: unknown } | { missingAt: number } {
  if (base === undefined) return { missingAt: -1 };
  let current: unknown = base;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, part))
      return { missingAt: i };
    current = (current as Record<string, unknown>)[part];
    if (current === undefined) return { missingAt: i };
  }
  return { value: current };
}

/** The path at which `target` sits inside `root` (depth-first, by identity), if it is an object there. */
export function findPath(root: unknown, target: unknown): string[] | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const seen = new Set<object>();
  const stack: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === target) return path;
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      stack.push({ value: record[key], path: [...path, key] });
    }
  }
  return undefined;
}

export interface MissingRead {
  origin: Origin;
  pos: FilePos;
  /** Absolute static path of the read (may contain `[]`/`{}`), if known. */
  abs: string[] | undefined;
  /** The concrete path read, if it could be determined. */
  concrete: string[] | undefined;
  /** The expression as written, used when no path is known. */
  text: string;
}

/**
 * The error for a value that is not there: data pending under `resources.*` (it will be observed later),
 * a problem (`template.missing-value` or, for `required`, `template.required`) anywhere else.
 */
export function missingValueError(
  read: MissingRead,
  code: 'template.missing-value' | 'template.required' = 'template.missing-value',
  message?: string,
): DataPending | TemplateFailure {
  const path = read.concrete && read.concrete[0] === read.abs?.[0] ? read.concrete : read.abs;
  const shown = path && path.length > 0 ? formatPath(path) : read.text;
  if (path?.[0] === 'resources') {
    return new DataPending({ path, message: `waiting for ${shown}` });
  }
  const fallback = code === 'template.required' ? `${shown} is required` : `missing value: ${shown}`;
  return new TemplateFailure(problemAt(read.origin, code, message ?? fallback, read.pos));
}
