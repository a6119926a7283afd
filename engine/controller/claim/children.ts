import { LABELS, type ResourceStatus } from '../../api/claim.ts';
import type { KubeObject, ObjectRef } from '../../kube/types.ts';
import { OWNERSHIP_CONFLICT } from './ownership.ts';

export const DELETION_POLICY_ANNOTATION = 'kubify.io/deletion-policy';

export function resourceIdOf(object: KubeObject): string | undefined {
  return object.metadata.labels?.[LABELS.resourceId];
}

export function identity(o: {
  apiVersion: string;
  kind: string;
  metadata?: { namespace?: string; name?: string };
}): string {
  return `${o.apiVersion}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name ?? ''}`;
}

/** Observed children by resource id; when two share an id (a renamed object), the one named `preferred` wins. */
export function observedById(
  children: readonly KubeObject[],
  preferred: ReadonlyMap<string, string>,
): Map<string, KubeObject> {
  const out = new Map<string, KubeObject>();
  for (const child of children) {
    const id = resourceIdOf(child);
    if (!id) continue;
    const current = out.get(id);
    if (!current || child.metadata.name === preferred.get(id)) out.set(id, child);
  }
  return out;
}

export function isOrphanPolicy(object: KubeObject): boolean {
  return object.metadata.annotations?.[DELETION_POLICY_ANNOTATION] === 'Orphan';
}

/** The reference of an object: apiVersion, kind, name and (when it has one) namespace. */
export function refOf(o: {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string };
}): ObjectRef {
  const { name = '', namespace } = o.metadata;
  return { apiVersion: o.apiVersion, kind: o.kind, name, ...(namespace ? { namespace } : {}) };
}

/** One object a claim owns, from the informer caches or the recorded inventory. */
export interface OwnedObject {
  id: string;
  /** `identity()` of the object. */
  key: string;
  ref: ObjectRef;
  uid?: string;
  /** Its `kubify.io/deletion-policy` annotation says Orphan. */
  orphan: boolean;
  terminating: boolean;
}

/**
 * Everything a claim owns: its labelled children from the informer caches, plus the entries of the
 * inventory recorded in `status.resources` whose kinds the operator does not watch (a kind a newer
 * revision dropped). Nothing is found by guessing names.
 */
export function ownedObjects(
  children: readonly KubeObject[],
  inventory: readonly ResourceStatus[],
  watches: (apiVersion: string, kind: string) => boolean,
): OwnedObject[] {
  const out = new Map<string, OwnedObject>();
  for (const child of children) {
    const id = resourceIdOf(child);
    if (!id) continue;
    const key = identity(child);
    out.set(key, {
      id,
      key,
      ref: refOf(child),
      ...(child.metadata.uid ? { uid: child.metadata.uid } : {}),
      orphan: isOrphanPolicy(child),
      terminating: Boolean(child.metadata.deletionTimestamp),
    });
  }
  for (const entry of inventory) {
    // An object the claim was refused (someone else holds it) is in the inventory but not the claim's.
    if (watches(entry.apiVersion, entry.kind) || entry.reason === OWNERSHIP_CONFLICT) continue;
    const key = identity({ apiVersion: entry.apiVersion, kind: entry.kind, metadata: entry });
    if (out.has(key)) continue;
    out.set(key, {
      id: entry.id,
      key,
      ref: refOf({ apiVersion: entry.apiVersion, kind: entry.kind, metadata: entry }),
      orphan: false,
      terminating: false,
    });
  }
  return [...out.values()];
}
