import { LABELS } from '../../api/claim.ts';
import type { KubeObject } from '../../kube/types.ts';

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
