/**
 * Deterministic names and label values: `<claim>-<id>`, at most 63 characters, with a short hash of the
 * full value when it had to be cut.
 */
import { sha256Hex } from './hash.ts';

export const MAX_NAME = 63;

/**
 * `value` when it fits in `max` characters, else its first characters (without a trailing `-`, `.` or
 * `_`) + `-` + the first 8 hex digits of sha256(value). Stable: the same input gives the same output.
 */
export function shorten(value: string, max: number = MAX_NAME): string {
  if (value.length <= max) return value;
  const suffix = sha256Hex(value).slice(0, 8);
  const head = value.slice(0, max - suffix.length - 1).replace(/[-._]+$/, '');
  return `${head}-${suffix}`;
}

/** The default `metadata.name` of resource `id` of claim `claimName`. */
export function resourceName(claimName: string, id: string): string {
  return shorten(`${claimName}-${id}`);
}

/** A valid label value (≤ 63 characters, alphanumeric at both ends) for an arbitrary name. */
export function labelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '-');
  const short = shorten(cleaned);
  return short.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/** The claim kind label value, e.g. `RayService.ml.kubify.io`. */
export function claimKindLabel(kind: string, group: string): string {
  return labelValue(`${kind}.${group}`);
}
