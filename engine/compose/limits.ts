/**
 * Limits on what kubify reads, so that hostile or generated input gets a clear problem instead of a stack
 * overflow somewhere deep in a library (YAML, JSON, Handlebars and ajv all recurse): how deep a value may
 * nest, how deep template blocks may nest, and how a value is quoted in a message. Pure and iterative.
 */
import type { Problem } from '../api/problem.ts';
import { formatPath } from './path.ts';
import type { PathSegment } from './path.ts';
import { locate, type PositionIndex } from './positions.ts';

/** Deepest nesting of maps and lists accepted in a Composition or a claim. */
export const MAX_NESTING = 128;
/** Deepest nesting of `{{#block}}`s accepted in a template. */
export const MAX_BLOCK_NESTING = 64;
/** Segments of a path shown when it is too long to print whole. */
const SHOWN_SEGMENTS = 8;

/**
 * The path of the first value nested more than `limit` maps/lists deep (depth-first, in key order), or
 * undefined. Never recurses, so it is safe on any input.
 */
export function firstTooDeep(value: unknown, limit = MAX_NESTING): PathSegment[] | undefined {
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as { value: unknown; path: PathSegment[] };
    if (typeof v !== 'object' || v === null) continue;
    if (path.length >= limit) return path;
    const entries: [PathSegment, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i] as [PathSegment, unknown];
      if (typeof child === 'object' && child !== null) stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}

/**
 * The problem for a value nested too deep at `path` (`code` e.g. `claim.too-deep`): the path is shortened,
 * and located in `positions` when given.
 */
export function tooDeepProblem(
  code: string,
  path: readonly PathSegment[],
  positions?: PositionIndex,
): Problem {
  const shown = path.slice(0, SHOWN_SEGMENTS);
  return {
    code,
    message: `nests more than ${MAX_NESTING} levels of maps and lists (${path.length - SHOWN_SEGMENTS > 0 ? `${path.length - SHOWN_SEGMENTS}+ more levels below this path` : 'below this path'}); kubify accepts at most ${MAX_NESTING}`,
    path: formatPath(shown),
    ...(positions ? locate(positions, shown) : {}),
  };
}

/**
 * The offset in YAML/JSON `text` where flow collections (`[` / `{`) first nest deeper than `limit`, ignoring
 * quoted strings and comments; undefined when they never do (block nesting is not measured).
 */
export function flowTooDeepAt(text: string, limit = MAX_NESTING): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (quote !== undefined) {
      if (ch === '\\' && quote === '"') i += 1;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (ch === '[' || ch === '{') {
      depth += 1;
      if (depth > limit) return i;
    } else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Whether `error` is the engine's stack overflow. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * A string as a message may quote it: JSON-escaped, control and invisible characters (bidi overrides,
 * zero-width, BOM, lone surrogates) shown as `\u` escapes, and at most `max` characters of it.
 */
export function quoteBrief(text: string, max = 60): string {
  const shown = text.length > max ? text.slice(0, max) : text;
  // JSON.stringify escapes C0 controls and lone surrogates; the rest of the invisibles are done here.
  const escaped = JSON.stringify(shown).replace(
    /[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return text.length > max ? `${escaped.slice(0, -1)}..." (${text.length} characters)` : escaped;
}

/** The path of the first string (a value or a key) holding a lone UTF-16 surrogate, which UTF-8 cannot carry. */
export function firstLoneSurrogate(value: unknown): PathSegment[] | undefined {
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop() as { value: unknown; path: PathSegment[] };
    if (typeof v === 'string') {
      if (lone.test(v)) return path;
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const entries: [PathSegment, unknown][] = Array.isArray(v)
      ? v.map((x, i) => [i, x])
      : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, child] = entries[i] as [PathSegment, unknown];
      if (typeof key === 'string' && lone.test(key)) return [...path, key];
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return undefined;
}
