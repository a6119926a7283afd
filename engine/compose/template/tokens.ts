import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';

/*
 * Placeholder tokens.
 *
 * Every escaped `{{expr}}` renders as a token `K<hex>x<n>x` instead of its value: `K<hex>` is the
 * per-render marker and `n` counts emissions, so each emission (also each `#each` iteration) has its own
 * token. Tokens are plain alphanumerics: they survive plain, quoted, block and folded scalars and keys
 * unchanged and never look like a number, boolean or null.
 *
 * The marker is derived, not random: the first 12 hex digits of sha256(source, every string and number of
 * the render context, attempt). So render stays pure and deterministic, yet nobody can predict the marker
 * without fixing the whole input first, and planting it in a claim would need a hash pre-image (the
 * claim is part of what is hashed). Two checks make collisions impossible rather than unlikely:
 * - the marker must not occur in the template source (else the next attempt is taken), and
 * - after rendering, the rendered text must contain the marker exactly once per emission; anything
 *   else (e.g. template fragments that happen to join into the marker) re-renders with the next attempt.
 * Claim strings never reach the rendered text at all (every value becomes a token and is put back only
 * into the parsed YAML), so the structure of the output depends on the template alone.
 */

export const MAX_ATTEMPTS = 4;

function feed(hash: Hash, value: unknown, seen: Set<object>): void {
  if (typeof value === 'string') {
    hash.update(`s${value.length}:`).update(value, 'utf8');
  } else if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    hash.update(`p${String(value)};`);
  } else if (value === null || value === undefined) {
    hash.update('0');
  } else if (typeof value === 'object') {
    if (seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      hash.update(`[${value.length}`);
      for (const item of value) feed(hash, item, seen);
    } else {
      const record = value as Record<string, unknown>;
      hash.update('{');
      for (const key of Object.keys(record)) {
        feed(hash, key, seen);
        feed(hash, record[key], seen);
      }
    }
  }
}

/** Fingerprint of a render's input; computed once per render, reused for every attempt. */
export function fingerprint(source: string, context: unknown): string {
  const hash = createHash('sha256').update('kubify-template-tokens\0').update(source, 'utf8');
  feed(hash, context, new Set());
  return hash.digest('hex');
}

/** The marker for `attempt`, skipping markers that occur in the template source. */
export function chooseMarker(source: string, print: string, attempt: number): string {
  for (let salt = 0; ; salt++) {
    const hex = createHash('sha256').update(`${print}:${attempt}:${salt}`).digest('hex').slice(0, 12);
    const marker = `K${hex}`;
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
