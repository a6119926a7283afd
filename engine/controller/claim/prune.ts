import type { RenderResult } from '../../compose/index.ts';
import type { KubeObject } from '../../kube/types.ts';
import { bounded } from './apply.ts';
import { identity, type OwnedObject } from './children.ts';
import type { ClaimDeps } from './types.ts';

export type PruneTarget = OwnedObject;

/**
 * What the claim owns but the composition no longer renders: objects of excluded or removed resource
 * ids, and objects replaced under a new name. Pending and failed resources keep what exists.
 */
export function pruneTargets(render: RenderResult, owned: readonly OwnedObject[]): PruneTarget[] {
  const phases = new Map(render.resources.map((r) => [r.id, r]));
  const desired = new Set(render.desired.map((d) => identity(d.object as KubeObject)));
  const keep = (o: OwnedObject): boolean => {
    const state = phases.get(o.id);
    if (!state || !state.included) return false;
    return state.phase !== 'Rendered' || desired.has(o.key);
  };
  return owned
    .filter((o) => !keep(o))
    .sort((a, b) => a.id.localeCompare(b.id) || a.ref.name.localeCompare(b.ref.name));
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
