import { HelperError } from '../errors.ts';
import { dataOf, describe, isMap, textOf } from './values.ts';

function ordinal(index: number): string {
  return `argument ${index + 1}`;
}

/** Argument `index` as text (strings, numbers and booleans qualify). */
export function textArg(args: readonly unknown[], index: number): string {
  const value = args[index];
  const text = textOf(value);
  if (text === undefined) throw new HelperError(`${ordinal(index)} must be text, got ${describe(value)}`);
  return text;
}

/** Argument `index` as an integer within `[min, max]` (numeric strings qualify). */
export function integerArg(
  args: readonly unknown[],
  index: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const value = dataOf(args[index]);
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    const lower = min === 0 ? 'a non-negative integer' : `an integer >= ${min}`;
    const range = max < Number.MAX_SAFE_INTEGER ? `${lower} <= ${max}` : lower;
    throw new HelperError(`${ordinal(index)} must be ${range}, got ${JSON.stringify(value) ?? 'no value'}`);
  }
  return n;
}

export function listArg(args: readonly unknown[], index: number): readonly unknown[] {
  const value = dataOf(args[index]);
  if (!Array.isArray(value))
    throw new HelperError(`${ordinal(index)} must be a list, got ${describe(value)}`);
  return value;
}

export function mapArg(args: readonly unknown[], index: number): Record<string, unknown> {
  const value = dataOf(args[index]);
  if (!isMap(value)) throw new HelperError(`${ordinal(index)} must be a map, got ${describe(value)}`);
  return value;
}

/** Argument `index` as data; undefined aborts with a missing-value error for that argument. */
export function valueArg(args: readonly unknown[], index: number): unknown {
  const value = dataOf(args[index]);
  if (value === undefined) throw new HelperError(`${ordinal(index)} has no value`);
  return value;
}
