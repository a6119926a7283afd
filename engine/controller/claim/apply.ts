import type { CompiledComposition, DesiredObject } from '../../compose/index.ts';
import { ConflictError, NoMatchError } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import { DELETION_POLICY_ANNOTATION, identity, refOf } from './children.ts';
import { needsApply, withDesiredHash } from './drift.ts';
import {
  CREATE_ONLY_RESOURCE_VERSION,
  decideFromCache,
  decideFromServer,
  describeObject,
  type OwnershipDecision,
} from './ownership.ts';
import type { ClaimDeps } from './types.ts';

export interface ApplyOutcome {
  /** Objects written. */
  applied: number;
  /** What the API server returned for each object written, by resource id. */
  objects: Map<string, KubeObject>;
  /** Per resource id: why its apply failed. */
  errors: Map<string, string>;
  /** An API the composition needs is not served: `apiVersion kind`. */
  missingApis: string[];
  /** Per resource id: an existing object this claim does not hold and may not take (left untouched). */
  conflicts: Map<string, { message: string; holder?: string; key: string }>;
  /** Per resource id: an existing unmanaged object taken over (`adoption: IfUnmanaged`). */
  adopted: Map<string, string>;
}

export function emptyOutcome(): ApplyOutcome {
  return {
    applied: 0,
    objects: new Map(),
    errors: new Map(),
    missingApis: [],
    conflicts: new Map(),
    adopted: new Map(),
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs `tasks` with at most `limit` in flight. */
export async function bounded<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Server-side applies the desired objects that changed (in parallel: render only emits an object once
 * what it depends on exists, so what is desired now can go at once), recording what was applied.
 *
 * Ownership: an object this claim does not hold is never taken over. One the child caches show
 * labelled for another claim is refused without a request; one this claim never held is applied with a
 * create-only precondition (see CREATE_ONLY_RESOURCE_VERSION), so creating costs the same one request
 * and an existing object is left untouched; only then is it read once to say who holds it.
 */
export async function applyDesired(
  deps: ClaimDeps,
  compiled: CompiledComposition,
  desired: readonly DesiredObject[],
  observed: ReadonlyMap<string, KubeObject>,
  namespacedClaim: boolean,
  self: string,
): Promise<ApplyOutcome> {
  const outcome = emptyOutcome();
  const policies = new Map(compiled.resources.map((r) => [r.id, r.deletionPolicy]));
  const adoption = new Map(compiled.resources.map((r) => [r.id, r.adoption]));
  await bounded(desired, deps.applyConcurrency, async ({ id, object: rendered }) => {
    const apiVersion = String(rendered.apiVersion);
    const kind = String(rendered.kind);
    try {
      const mapping = await deps.client.mapper.mapping(apiVersion, kind);
      if (namespacedClaim && !mapping.namespaced) {
        outcome.errors.set(
          id,
          `a namespaced claim may not compose the cluster-scoped ${kind} (${apiVersion})`,
        );
        return;
      }
    } catch (err) {
      if (err instanceof NoMatchError) {
        outcome.missingApis.push(`${apiVersion} ${kind}`);
        outcome.errors.set(
          id,
          `${kind} (${apiVersion}) is not served by the API server: is its CRD installed?`,
        );
        return;
      }
      throw err;
    }
    const withPolicy =
      policies.get(id) === 'Orphan' ? annotate(rendered, DELETION_POLICY_ANNOTATION, 'Orphan') : rendered;
    const { object, hash } = withDesiredHash(withPolicy);
    const current = observed.get(id);
    const sameObject = current && identity(current) === identity(object as KubeObject) ? current : undefined;
    const uid = sameObject?.metadata.uid;
    if (!needsApply(object, hash, sameObject, uid ? deps.lastApplied.get(uid) : undefined)) return;
    const target = object as KubeObject;
    const key = identity(target);
    const refuse = (d: OwnershipDecision & { action: 'refuse' }): void => {
      outcome.conflicts.set(id, { message: d.message, key, ...(d.holder ? { holder: d.holder } : {}) });
    };
    let decision = decideFromCache(self, deps.cached(target), target, sameObject !== undefined);
    if (decision.action === 'refuse') return refuse(decision);
    try {
      let applied: KubeObject;
      try {
        applied = await deps.client.apply(withResourceVersion(target, decision));
      } catch (err) {
        const createOnly =
          decision.action === 'apply' && decision.resourceVersion === CREATE_ONLY_RESOURCE_VERSION;
        if (!(err instanceof ConflictError) || !createOnly) throw err;
        // The object exists but not as this claim's: read it once to tell who holds it.
        const existing = await deps.client.find(refOf(target));
        decision = decideFromServer(self, existing, target, id, adoption.get(id) ?? 'Never');
        if (decision.action === 'refuse') return refuse(decision);
        if (decision.action === 'retry') {
          outcome.errors.set(id, decision.message);
          return;
        }
        applied = await deps.client.apply(withResourceVersion(target, decision));
        if (decision.adopted) outcome.adopted.set(id, describeObject(target));
      }
      outcome.applied++;
      outcome.objects.set(id, applied);
      deps.metrics?.writes.inc({ verb: 'apply', kind });
      if (applied.metadata.uid && applied.metadata.resourceVersion) {
        deps.lastApplied.set(applied.metadata.uid, {
          hash,
          resourceVersion: applied.metadata.resourceVersion,
        });
      }
    } catch (err) {
      outcome.errors.set(
        id,
        `apply ${kind} ${String((object.metadata as { name?: string }).name)}: ${errorText(err)}`,
      );
    }
  });
  outcome.missingApis.sort();
  return outcome;
}

/** The object with `metadata.resourceVersion` set to the decision's precondition, or without one. */
function withResourceVersion(object: KubeObject, decision: OwnershipDecision): KubeObject {
  const { resourceVersion: _ignored, ...metadata } = object.metadata;
  const rv = decision.action === 'apply' ? decision.resourceVersion : undefined;
  return { ...object, metadata: rv ? { ...metadata, resourceVersion: rv } : metadata };
}

function annotate(object: Record<string, unknown>, key: string, value: string): Record<string, unknown> {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const annotations = (metadata.annotations ?? {}) as Record<string, string>;
  return { ...object, metadata: { ...metadata, annotations: { ...annotations, [key]: value } } };
}
