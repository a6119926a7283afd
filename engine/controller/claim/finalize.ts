import type { ResourceStatus } from '../../api/claim.ts';
import type { CompiledComposition } from '../../compose/index.ts';
import type { KubeObject, ObjectRef } from '../../kube/types.ts';
import { bounded } from './apply.ts';
import { identity, isOrphanPolicy, resourceIdOf } from './children.ts';
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

interface Child {
  id: string;
  ref: ObjectRef;
  uid?: string;
  orphan: boolean;
  terminating: boolean;
}

/**
 * Deletes a claim's children in reverse dependency order: the objects of one deletion level go
 * together, and the next level starts only when the previous one is gone. Resources whose
 * `deletionPolicy` is `Orphan` are left in place. Ids the composition no longer knows go first.
 */
export async function finalizeChildren(
  deps: ClaimDeps,
  compiled: CompiledComposition | undefined,
  children: readonly KubeObject[],
  inventory: readonly ResourceStatus[],
): Promise<FinalizeOutcome> {
  const all = collect(deps, compiled, children, inventory);
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

function collect(
  deps: ClaimDeps,
  compiled: CompiledComposition | undefined,
  children: readonly KubeObject[],
  inventory: readonly ResourceStatus[],
): Child[] {
  const policy = new Map(compiled?.resources.map((r) => [r.id, r.deletionPolicy]) ?? []);
  const out = new Map<string, Child>();
  for (const child of children) {
    const id = resourceIdOf(child);
    if (!id) continue;
    const ref: ObjectRef = {
      apiVersion: child.apiVersion,
      kind: child.kind,
      name: child.metadata.name ?? '',
    };
    if (child.metadata.namespace) ref.namespace = child.metadata.namespace;
    out.set(identity(child), {
      id,
      ref,
      ...(child.metadata.uid ? { uid: child.metadata.uid } : {}),
      orphan: isOrphanPolicy(child) || policy.get(id) === 'Orphan',
      terminating: Boolean(child.metadata.deletionTimestamp),
    });
  }
  for (const entry of inventory) {
    if (deps.watches(entry.apiVersion, entry.kind)) continue;
    const key = identity({ apiVersion: entry.apiVersion, kind: entry.kind, metadata: entry });
    if (out.has(key)) continue;
    const ref: ObjectRef = { apiVersion: entry.apiVersion, kind: entry.kind, name: entry.name };
    if (entry.namespace) ref.namespace = entry.namespace;
    out.set(key, { id: entry.id, ref, orphan: policy.get(entry.id) === 'Orphan', terminating: false });
  }
  return [...out.values()];
}
