import { LABELS, MANAGED_BY } from '../api/claim.ts';
import { labelValue } from '../compose/index.ts';
import type { KubeObject } from '../kube/index.ts';

/** Name of the store index that maps a composed object to its claim. */
export const CLAIM_INDEX = 'kubify-claim';

/** Label selector of every informer on composed kinds: only objects kubify manages are cached. */
export const MANAGED_SELECTOR = { [LABELS.managedBy]: MANAGED_BY };

/** `<kind label>/<namespace>/<name label>` (namespace empty for cluster-scoped claims). */
export function claimIndexValue(kindLabel: string, namespace: string | undefined, name: string): string {
  return `${kindLabel}/${namespace ?? ''}/${labelValue(name)}`;
}

/** Index function: the claim a composed object belongs to, from its kubify labels. */
export function claimOfChild(obj: KubeObject): string[] {
  const labels = obj.metadata.labels;
  const kind = labels?.[LABELS.claimKind];
  const name = labels?.[LABELS.claimName];
  if (!kind || !name) return [];
  return [`${kind}/${labels[LABELS.claimNamespace] ?? ''}/${name}`];
}

/** The work-queue key (`namespace/name` or `name`) of the claim a child's labels point at. */
export function claimKeyOfChild(obj: KubeObject, kindLabel: string): string | undefined {
  const labels = obj.metadata.labels;
  if (labels?.[LABELS.claimKind] !== kindLabel) return undefined;
  const name = labels[LABELS.claimName];
  if (!name) return undefined;
  const ns = labels[LABELS.claimNamespace];
  return ns ? `${ns}/${name}` : name;
}
