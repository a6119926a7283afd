/**
 * Names, namespaces, labels, annotations and owner references of composed objects.
 */
import { ANNOTATIONS, LABELS, MANAGED_BY } from '../api/claim.ts';
import type { Problem } from '../api/problem.ts';
import type { CompiledComposition, CompiledResource } from './compiled.ts';
import { claimKindLabel, labelValue, resourceName } from './names.ts';
import { isRecord } from './path.ts';
import type { ClaimInfo } from './render-types.ts';
import { defineKey } from './template/helpers/values.ts';

/** The deterministic default name of every resource id: `names.<id>` in templates. */
export function defaultNames(compiled: CompiledComposition, claim: ClaimInfo): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of compiled.resources.map((r) => r.id).sort()) out[id] = resourceName(claim.name, id);
  return out;
}

/**
 * Sets `metadata.name` (the template's, else `<claim>-<id>`) and, for namespaced claims,
 * `metadata.namespace` (which must be the claim's). Mutates `object`, a fresh render output.
 */
export function assignIdentity(
  object: Record<string, unknown>,
  resource: CompiledResource,
  claim: ClaimInfo,
  defaultName: string,
): Problem | undefined {
  const metadata = isRecord(object.metadata) ? object.metadata : {};
  placeMetadata(object, metadata);
  if (metadata.name === undefined || metadata.name === null || metadata.name === '')
    metadata.name = defaultName;
  if (typeof metadata.name !== 'string') {
    return fatal(
      'render.invalid-name',
      `resource "${resource.id}": metadata.name must be a string`,
      resource,
    );
  }
  if (claim.namespace === undefined) return undefined;
  const ns = metadata.namespace;
  if (ns !== undefined && ns !== null && ns !== '' && ns !== claim.namespace) {
    return fatal(
      'tenancy.namespace',
      `resource "${resource.id}" (${resource.kind} ${metadata.name}) is in namespace ${JSON.stringify(ns)}, but a claim in namespace "${claim.namespace}" may only compose objects in its own namespace`,
      resource,
    );
  }
  metadata.namespace = claim.namespace;
  return undefined;
}

/** Adds kubify's labels, annotations and owner reference. Mutates `object`. */
export function applyKubifyMetadata(
  object: Record<string, unknown>,
  resource: CompiledResource,
  claim: ClaimInfo,
  compiled: CompiledComposition,
  revision: number | undefined,
): void {
  const metadata = object.metadata as Record<string, unknown>;
  const labels: Record<string, string> = {
    ...stringRecord(metadata.labels),
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.claimName]: labelValue(claim.name),
    [LABELS.claimKind]: claimKindLabel(compiled.api.kind, compiled.api.group),
    [LABELS.composition]: labelValue(compiled.name),
    [LABELS.resourceId]: resource.id,
  };
  if (claim.namespace !== undefined) labels[LABELS.claimNamespace] = claim.namespace;
  metadata.labels = sorted(labels);
  const annotations = stringRecord(metadata.annotations);
  if (revision !== undefined) annotations[ANNOTATIONS.compositionRevision] = String(revision);
  if (claim.uid !== undefined) annotations[ANNOTATIONS.claimUid] = claim.uid;
  if (Object.keys(annotations).length > 0) metadata.annotations = sorted(annotations);
  if (claim.uid !== undefined && resource.deletionPolicy === 'Delete') {
    const owner = {
      apiVersion: claim.apiVersion,
      kind: claim.kind,
      name: claim.name,
      uid: claim.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    const others = Array.isArray(metadata.ownerReferences)
      ? (metadata.ownerReferences as unknown[]).filter((r) => !(isRecord(r) && r.uid === claim.uid))
      : [];
    metadata.ownerReferences = [...others, owner];
  }
}

function fatal(code: string, message: string, resource: CompiledResource): Problem {
  return { code, message, path: `resources.${resource.id}`, severity: 'Fatal' };
}

function stringRecord(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    // defineKey: a key such as `__proto__` stays an own key instead of being dropped.
    if (typeof v === 'string') defineKey(out, k, v);
    else if (typeof v === 'number' || typeof v === 'boolean') defineKey(out, k, String(v));
  }
  return out;
}

function sorted(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) defineKey(out, key, record[key]);
  return out;
}

/** Sets `metadata` right after `apiVersion` and `kind`, keeping the order of the other keys. */
function placeMetadata(object: Record<string, unknown>, metadata: Record<string, unknown>): void {
  const { apiVersion, kind } = object;
  const rest = Object.entries(object).filter(
    ([key]) => key !== 'apiVersion' && key !== 'kind' && key !== 'metadata',
  );
  for (const key of Object.keys(object)) delete object[key];
  Object.assign(object, { apiVersion, kind, metadata });
  for (const [key, value] of rest) object[key] = value;
}
