/**
 * Who holds a composed object, and whether this claim may write it. Pure: the decisions take what the
 * caches or one GET returned; `apply.ts` does the requests.
 *
 * An object is a claim's when it carries that claim's labels (`kubify.io/claim-kind`, `-namespace`,
 * `-name`): the labels are the ownership record, the same ones the child informers index by claim.
 * kubify never takes over an object another claim holds, and takes over an object no claim holds only
 * when the resource says `adoption: IfUnmanaged`.
 */
import { LABELS, MANAGED_BY } from '../../api/claim.ts';
import type { AdoptionPolicy } from '../../api/composition.ts';
import type { KubeObject } from '../../kube/types.ts';

/**
 * The resourceVersion sent with the first apply of an object this claim has never held. Server-side
 * apply ignores it when it creates the object (and managedFields do not track it), but for an object
 * that already exists it is an optimistic-concurrency precondition that fails (409 Conflict) without
 * changing anything. etcd's first write is revision 2, so no stored object has resourceVersion "1".
 */
export const CREATE_ONLY_RESOURCE_VERSION = '1';

/** Reason of the claim's Synced condition and of `status.resources[].reason` for a refused object. */
export const OWNERSHIP_CONFLICT = 'OwnershipConflict';

/** The claim a composed object's labels name, as `<kind label>/<namespace>/<name label>`. */
export function holderOf(object: KubeObject): string | undefined {
  const labels = object.metadata.labels;
  const kind = labels?.[LABELS.claimKind];
  const name = labels?.[LABELS.claimName];
  if (!kind || !name) return undefined;
  return `${kind}/${labels[LABELS.claimNamespace] ?? ''}/${name}`;
}

/** `App.apps.kubify.io team-a/web` for a holder key (kind label, namespace, name). */
export function describeHolder(holder: string): string {
  const [kind = '', namespace = '', ...rest] = holder.split('/');
  return describeObject({ kind, metadata: { name: rest.join('/'), namespace } });
}

/** `Deployment team-a/web` (or `ClusterRole view` for cluster-scoped objects). */
export function describeObject(o: { kind: string; metadata: { name?: string; namespace?: string } }): string {
  const { name = '', namespace } = o.metadata;
  return `${o.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

export type OwnershipDecision =
  /** Ours (or adoptable): apply it, with `resourceVersion` as precondition when given. */
  | { action: 'apply'; resourceVersion?: string; adopted?: boolean }
  /** Not ours and not to be taken: record `message` on the claim and leave the object alone. */
  | { action: 'refuse'; holder?: string; message: string }
  /** Nothing to decide yet (e.g. the object is being deleted): try again later. */
  | { action: 'retry'; message: string };

/**
 * Before any request: an object the child caches show (they hold every object labelled managed-by
 * kubify) that names another claim is refused at once. Anything else goes ahead; an object this claim
 * never held is sent with the create-only precondition.
 */
export function decideFromCache(
  self: string,
  cached: KubeObject | undefined,
  desired: { kind: string; metadata: { name?: string; namespace?: string } },
  held: boolean,
): OwnershipDecision {
  const holder = cached ? holderOf(cached) : undefined;
  if (holder && holder !== self) return refuseHeld(desired, holder);
  if (held || holder === self) return { action: 'apply' };
  return { action: 'apply', resourceVersion: CREATE_ONLY_RESOURCE_VERSION };
}

/**
 * After the create-only apply failed because the object exists: what one GET of it says. `current`
 * undefined means it was deleted in between (the next reconcile creates it).
 */
export function decideFromServer(
  self: string,
  current: KubeObject | undefined,
  desired: { kind: string; metadata: { name?: string; namespace?: string } },
  resourceId: string,
  adoption: AdoptionPolicy,
): OwnershipDecision {
  const what = describeObject(desired);
  if (!current) return { action: 'retry', message: `${what} was deleted while being applied` };
  if (current.metadata.deletionTimestamp)
    return { action: 'retry', message: `${what} is being deleted; it is created again once it is gone` };
  const holder = holderOf(current);
  if (holder === self) return { action: 'apply', resourceVersion: String(current.metadata.resourceVersion) };
  if (holder) return refuseHeld(desired, holder);
  if (adoption === 'IfUnmanaged')
    return { action: 'apply', resourceVersion: String(current.metadata.resourceVersion), adopted: true };
  const managed = current.metadata.labels?.[LABELS.managedBy] === MANAGED_BY;
  return {
    action: 'refuse',
    message: `${what} exists and is not ${managed ? 'held by any kubify claim' : 'managed by kubify'}; set adoption: IfUnmanaged on resource \`${resourceId}\` to take it over`,
  };
}

function refuseHeld(
  desired: { kind: string; metadata: { name?: string; namespace?: string } },
  holder: string,
): OwnershipDecision {
  return {
    action: 'refuse',
    holder,
    message: `${describeObject(desired)} belongs to claim ${describeHolder(holder)}`,
  };
}
