import type { CompiledComposition } from '../../compose/index.ts';
import type { ObjectRef } from '../../kube/types.ts';
import { bounded } from './apply.ts';
import type { OwnedObject } from './children.ts';
import type { ClaimDeps } from './types.ts';

export interface FinalizeOutcome {
  /** True when every child is gone (or orphaned) and the finalizer may be removed. */
  done: boolean;
  /** What is still being waited for, for the claim's status. */
  waitingFor: string[];
  errors: string[];
  /** Objects a delete call was issued for in this pass. */
  deleted: ObjectRef[];
}

/**
 * Deletes a claim's children in reverse dependency order: the objects of one deletion level go
 * together, and the next level starts only when the previous one is gone. Resources whose
 * `deletionPolicy` is `Orphan` are left in place. Ids the composition no longer knows go first.
 */
export async function finalizeChildren(
  deps: ClaimDeps,
  compiled: CompiledComposition | undefined,
  owned: readonly OwnedObject[],
): Promise<FinalizeOutcome> {
  const policy = new Map(compiled?.resources.map((r) => [r.id, r.deletionPolicy]) ?? []);
  const all = owned.map((o) => (policy.get(o.id) === 'Orphan' ? { ...o, orphan: true } : o));
  const levels: string[][] = [];
  const known = new Set(compiled?.graph.order ?? []);
  const unknown = [...new Set(all.map((c) => c.id))].filter((id) => !known.has(id)).sort();
  if (unknown.length) levels.push(unknown);
  for (const level of compiled?.graph.deletionLevels ?? []) levels.push([...level]);
  const errors: string[] = [];
  const deleted: ObjectRef[] = [];
  for (const level of levels) {
    const ids = new Set(level);
    const targets = all.filter((c) => ids.has(c.id) && !c.orphan);
    if (targets.length === 0) continue;
    const remaining: string[] = [];
    await bounded(targets, deps.applyConcurrency, async (c) => {
      if (c.terminating) {
        remaining.push(`${c.id} (${c.ref.kind} ${c.ref.name})`);
        return;
      }
      try {
        const result = await deps.client.delete(
          c.ref,
          c.uid ? { uid: c.uid, propagationPolicy: 'Background' } : {},
        );
        deps.metrics?.writes.inc({ verb: 'delete', kind: c.ref.kind });
        if (result.outcome !== 'notFound') deleted.push(c.ref);
        if (result.outcome === 'terminating') remaining.push(`${c.id} (${c.ref.kind} ${c.ref.name})`);
      } catch (err) {
        errors.push(
          `delete ${c.ref.kind} ${c.ref.name}: ${err instanceof Error ? err.message : String(err)}`,
        );
        remaining.push(`${c.id} (${c.ref.kind} ${c.ref.name})`);
      }
    });
    if (remaining.length) return { done: false, waitingFor: remaining.sort(), errors, deleted };
  }
  return { done: true, waitingFor: [], errors, deleted };
}
