import type { ResourceStatus } from '../../api/claim.ts';
import type { RenderResult } from '../../compose/index.ts';
import type { KubeObject, ObjectRef } from '../../kube/types.ts';
import { bounded } from './apply.ts';
import { identity, isOrphanPolicy, resourceIdOf } from './children.ts';
import type { ClaimDeps } from './types.ts';

export interface PruneTarget {
  id: string;
  ref: ObjectRef;
  uid?: string;
  orphan: boolean;
}

/**
 * What the claim owns but the composition no longer renders: children of excluded or removed
 * resource ids, and objects replaced under a new name. Children come from the informer caches
 * (labelled with the claim) and, for kinds the operator does not watch, from the inventory recorded
 * in `status.resources`. Pending and failed resources keep what exists.
 */
export function pruneTargets(
  render: RenderResult,
  children: readonly KubeObject[],
  inventory: readonly ResourceStatus[],
  watches: (apiVersion: string, kind: string) => boolean,
): PruneTarget[] {
  const phases = new Map(render.resources.map((r) => [r.id, r]));
  const desired = new Set(render.desired.map((d) => identity(d.object as KubeObject)));
  const keep = (id: string, key: string): boolean => {
    const state = phases.get(id);
    if (!state || !state.included) return false;
    if (state.phase === 'Rendered') return desired.has(key);
    return true;
  };
  const targets = new Map<string, PruneTarget>();
  for (const child of children) {
    const id = resourceIdOf(child);
    if (!id || keep(id, identity(child))) continue;
    const ref = { apiVersion: child.apiVersion, kind: child.kind, name: child.metadata.name ?? '' };
    targets.set(identity(child), {
      id,
      ref: child.metadata.namespace ? { ...ref, namespace: child.metadata.namespace } : ref,
      ...(child.metadata.uid ? { uid: child.metadata.uid } : {}),
      orphan: isOrphanPolicy(child),
    });
  }
  for (const entry of inventory) {
    if (watches(entry.apiVersion, entry.kind)) continue;
    const key = identity({ apiVersion: entry.apiVersion, kind: entry.kind, metadata: entry });
    if (keep(entry.id, key) || targets.has(key)) continue;
    const ref = { apiVersion: entry.apiVersion, kind: entry.kind, name: entry.name };
    targets.set(key, {
      id: entry.id,
      ref: entry.namespace ? { ...ref, namespace: entry.namespace } : ref,
      orphan: false,
    });
  }
  return [...targets.values()].sort(
    (a, b) => a.id.localeCompare(b.id) || a.ref.name.localeCompare(b.ref.name),
  );
}

/** Deletes (or, for `Orphan`, forgets) prune targets. Returns what was deleted and errors by resource id. */
export async function prune(
  deps: ClaimDeps,
  targets: readonly PruneTarget[],
): Promise<{ deleted: PruneTarget[]; errors: Map<string, string> }> {
  const errors = new Map<string, string>();
  const deleted: PruneTarget[] = [];
  await bounded(targets, deps.applyConcurrency, async (t) => {
    if (t.orphan) return;
    try {
      await deps.client.delete(t.ref, t.uid ? { uid: t.uid } : {});
      deps.metrics?.writes.inc({ verb: 'delete', kind: t.ref.kind });
      deleted.push(t);
    } catch (err) {
      errors.set(
        t.id,
        `delete ${t.ref.kind} ${t.ref.name}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
  return { deleted, errors };
}
