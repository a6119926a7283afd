import { canonicalJson, sha256Hex } from '../../compose/index.ts';
import { isRecord } from '../../compose/path.ts';

/** Annotation holding the hash of what kubify last applied; equal hash + unchanged object = no write. */
export const DESIRED_HASH_ANNOTATION = 'kubify.io/desired-hash';

/** The desired object with its hash annotation added (the hash covers everything else). */
export function withDesiredHash(object: Record<string, unknown>): {
  object: Record<string, unknown>;
  hash: string;
} {
  const hash = sha256Hex(canonicalJson(object)).slice(0, 16);
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  return {
    hash,
    object: {
      ...object,
      metadata: { ...metadata, annotations: { ...annotations, [DESIRED_HASH_ANNOTATION]: hash } },
    },
  };
}

/**
 * Does `observed` hold every field of `desired` with the same value? Lists must match item by item
 * (a list kubify sets is kubify's). Extra fields in `observed` (defaults, status, other managers) are fine.
 */
export function isSubset(desired: unknown, observed: unknown): boolean {
  // The API server drops empty lists and maps (omitempty) and nulls: absent is what they become.
  if (observed === undefined && isEmptyValue(desired)) return true;
  if (isRecord(desired)) {
    if (!isRecord(observed)) return false;
    return Object.keys(desired).every((k) => isSubset(desired[k], observed[k]));
  }
  if (Array.isArray(desired)) {
    return (
      Array.isArray(observed) &&
      desired.length === observed.length &&
      desired.every((d, i) => isSubset(d, observed[i]))
    );
  }
  return desired === observed;
}

function isEmptyValue(v: unknown): boolean {
  return v === null || (Array.isArray(v) && v.length === 0) || (isRecord(v) && Object.keys(v).length === 0);
}

export interface LastApplied {
  hash: string;
  resourceVersion: string;
}

/**
 * Whether a server-side apply is needed: not when the observed object carries the same desired hash
 * and either nobody changed it since kubify's last apply (same resourceVersion) or it still holds
 * every desired field (after an operator restart, when the memory of the last apply is gone).
 */
export function needsApply(
  desired: Record<string, unknown>,
  hash: string,
  observed: Record<string, unknown> | undefined,
  last: LastApplied | undefined,
): boolean {
  if (!observed) return true;
  const metadata = isRecord(observed.metadata) ? observed.metadata : {};
  if (metadata.deletionTimestamp) return false;
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  if (annotations[DESIRED_HASH_ANNOTATION] !== hash) return true;
  if (last && last.hash === hash && last.resourceVersion === metadata.resourceVersion) return false;
  return !isSubset(asStored(desired), observed);
}

/**
 * The desired object as the API server stores it, for comparison: a Secret's `stringData` is written
 * into `data` (base64) and never read back. Other server-side normalisations (quantities, say) cost
 * one no-op apply after an operator restart, which leaves the object and its resourceVersion alone.
 */
export function asStored(desired: Record<string, unknown>): Record<string, unknown> {
  if (desired.kind !== 'Secret' || desired.apiVersion !== 'v1' || !isRecord(desired.stringData))
    return desired;
  const { stringData, ...rest } = desired;
  const data: Record<string, unknown> = { ...(isRecord(rest.data) ? rest.data : {}) };
  for (const [key, value] of Object.entries(stringData)) {
    if (typeof value === 'string') data[key] = Buffer.from(value, 'utf8').toString('base64');
  }
  return { ...rest, data };
}
