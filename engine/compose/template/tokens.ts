import { createHash } from 'node:crypto';

/*
 * Placeholder tokens.
 *
 * Every escaped `{{expr}}` renders as a token `K<hex>x<n>x` instead of its value: `K<hex>` is the
 * per-render marker and `n` counts emissions, so each emission (also each `#each` iteration) has its own
 * token. Tokens are plain alphanumerics: they survive plain, quoted, block and folded scalars and keys
 * unchanged and never look like a number, boolean or null.
 *
 * The marker is derived, not random: the first 12 hex digits of sha256(every string and number of the
 * render context, attempt; plus the source for a template rendered without a `TokenSeed`). So render stays
 * pure and deterministic, yet nobody can predict the marker without fixing the whole input first, and
 * planting it in a claim would need a hash pre-image (the claim is part of what is hashed). The context is
 * hashed once per render context (`TokenSeed`), not once per template. Two checks make collisions
 * impossible rather than unlikely:
 * - the marker must not occur in the template source (else the next attempt is taken), and
 * - after rendering, the rendered text must contain the marker exactly once per emission; anything
 *   else (e.g. template fragments that happen to join into the marker) re-renders with the next attempt.
 * Claim strings never reach the rendered text at all (every value becomes a token and is put back only
 * into the parsed YAML), so the structure of the output depends on the template alone.
 */

export const MAX_ATTEMPTS = 4;

/**
 * An injective text encoding of every string and number of `value` (length-prefixed strings, counted
 * lists and maps), for values JSON cannot hold: a cycle, a bigint, or nesting deeper than the call stack
 * (a claim may nest thousands of levels). Iterative, so no depth overflows it. Built as one string so the
 * hash is fed once, not once per value.
 */
function encode(root: unknown): string {
  const seen = new Set<object>();
  let out = '';
  // Work items, last first: text to append as is, or a value to encode.
  const work: ({ text: string } | { value: unknown })[] = [{ value: root }];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if ('text' in item) {
      out += item.text;
      continue;
    }
    const value = item.value;
    if (typeof value === 'string') out += `s${value.length}:${value}`;
    else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
      out += `p${String(value)};`;
    else if (value === null || value === undefined) out += '0';
    else if (typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      if (Array.isArray(value)) {
        out += `[${value.length}`;
        for (let i = value.length - 1; i >= 0; i--) work.push({ value: value[i] });
      } else {
        const record = value as Record<string, unknown>;
        const keys = Object.keys(record);
        out += `{${keys.length}`;
        for (let i = keys.length - 1; i >= 0; i--) {
          const key = keys[i]!;
          work.push({ value: record[key] }, { text: `s${key.length}:${key}` });
        }
      }
    }
  }
  return out;
}

/** The context as text for hashing: its JSON (native, fast), or `encode` when JSON cannot hold it. */
function contextText(context: unknown): string {
  try {
    const json = JSON.stringify(context);
    if (json !== undefined) return `j${json}`;
  } catch {
    // a cycle, a bigint, or nesting too deep for JSON.stringify
  }
  return `e${encode(context)}`;
}

/** Fingerprint of a render's input (template source and context); reused for every attempt. */
export function fingerprint(source: string, context: unknown): string {
  return createHash('sha256')
    .update(`kubify-template-tokens\0s${source.length}:${source}${contextText(context)}`, 'utf8')
    .digest('hex');
}

/**
 * The fingerprint of one render context, computed once and shared by every template and expression
 * rendered with that same context (e.g. all of one `render()` call): hashing the context is the costly
 * part, and it does not depend on the template. Markers still differ per attempt and skip markers that
 * occur in each template's source, so every guarantee above holds per template.
 */
export class TokenSeed {
  readonly print: string;
  /** The first candidate marker per attempt (what `chooseMarker` tries first). */
  private readonly first: (string | undefined)[] = [];

  /** `source`: only for a seed used by a single template (hashed too, as `fingerprint` does). */
  constructor(
    readonly context: unknown,
    source = '',
  ) {
    this.print = fingerprint(source, context);
  }

  /** Same as `chooseMarker(source, this.print, attempt)`, without re-hashing the common case. */
  marker(source: string, attempt: number): string {
    let marker = this.first[attempt];
    if (marker === undefined) {
      marker = candidate(this.print, attempt, 0);
      this.first[attempt] = marker;
    }
    return source.includes(marker) ? chooseMarker(source, this.print, attempt) : marker;
  }
}

function candidate(print: string, attempt: number, salt: number): string {
  return `K${createHash('sha256').update(`${print}:${attempt}:${salt}`).digest('hex').slice(0, 12)}`;
}

/** The marker for `attempt`, skipping markers that occur in the template source. */
export function chooseMarker(source: string, print: string, attempt: number): string {
  for (let salt = 0; ; salt++) {
    const marker = candidate(print, attempt, salt);
    if (!source.includes(marker)) return marker;
  }
}

export function tokenFor(marker: string, n: number): string {
  return `${marker}x${n}x`;
}

/** Matches the tokens of `marker`; group 1 is the emission number. */
export function tokenPattern(marker: string): RegExp {
  return new RegExp(`${marker}x(\\d+)x`, 'g');
}

export function countOccurrences(text: string, marker: string): number {
  let count = 0;
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length)) count++;
  return count;
}
