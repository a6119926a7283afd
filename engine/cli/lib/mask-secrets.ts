/**
 * Secret values never reach a diff: `data` and `stringData` of a v1 Secret (and a kubectl
 * last-applied annotation, which holds them too) are replaced by `***`, or by `*** (before)` and
 * `*** (after)` when the value changes, so a diff still shows which keys change but never what they
 * hold. kubify's desired-hash annotation is masked too: a hash of a short password can be guessed. Pure.
 */
import { isRecord } from '../../compose/index.ts';
import { DESIRED_HASH_ANNOTATION } from '../../controller/claim/drift.ts';

const MASK = '***';
/** Annotations that hold (or are derived from) the values: kubectl's copy, kubify's desired hash. */
const VALUE_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', DESIRED_HASH_ANNOTATION];

export function isSecret(object: unknown): boolean {
  return isRecord(object) && object.apiVersion === 'v1' && object.kind === 'Secret';
}

/** Both sides of a diff with the Secret values masked (objects that are not Secrets pass unchanged). */
export function maskSecretPair<T>(
  before: T | undefined,
  after: T | undefined,
): [T | undefined, T | undefined] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const a = before as Record<string, unknown> | undefined;
  const b = after as Record<string, unknown> | undefined;
  let maskedA = a && { ...a };
  let maskedB = b && { ...b };
  for (const field of ['data', 'stringData']) {
    const va = a && isRecord(a[field]) ? a[field] : undefined;
    const vb = b && isRecord(b[field]) ? b[field] : undefined;
    if (maskedA && va) maskedA = { ...maskedA, [field]: maskValues(va, vb, ' (before)') };
    if (maskedB && vb) maskedB = { ...maskedB, [field]: maskValues(vb, va, ' (after)') };
  }
  return [maskedA && maskAnnotation(maskedA), maskedB && maskAnnotation(maskedB)] as [
    T | undefined,
    T | undefined,
  ];
}

/** One object on its own (e.g. an object a diff shows as removed). */
export function maskSecret<T>(object: T): T {
  return maskSecretPair(object, undefined)[0] as T;
}

function maskValues(
  values: Record<string, unknown>,
  other: Record<string, unknown> | undefined,
  changed: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    const differs = other !== undefined && key in other && other[key] !== value;
    out[key] = differs ? `${MASK}${changed}` : MASK;
  }
  return out;
}

function maskAnnotation(object: Record<string, unknown>): Record<string, unknown> {
  const metadata = isRecord(object.metadata) ? object.metadata : undefined;
  const annotations = metadata && isRecord(metadata.annotations) ? metadata.annotations : undefined;
  const present = VALUE_ANNOTATIONS.filter((key) => annotations && key in annotations);
  if (!annotations || present.length === 0) return object;
  const masked = { ...annotations };
  for (const key of present) masked[key] = MASK;
  return { ...object, metadata: { ...metadata, annotations: masked } };
}
