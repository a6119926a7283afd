import type { CompiledComposition, DesiredObject } from '../../compose/index.ts';
import { NoMatchError } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/types.ts';
import { DELETION_POLICY_ANNOTATION, identity } from './children.ts';
import { needsApply, withDesiredHash } from './drift.ts';
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
 */
export async function applyDesired(
  deps: ClaimDeps,
  compiled: CompiledComposition,
  desired: readonly DesiredObject[],
  observed: ReadonlyMap<string, KubeObject>,
  namespacedClaim: boolean,
): Promise<ApplyOutcome> {
  const outcome: ApplyOutcome = { applied: 0, objects: new Map(), errors: new Map(), missingApis: [] };
  const policies = new Map(compiled.resources.map((r) => [r.id, r.deletionPolicy]));
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
    try {
      const applied = await deps.client.apply(object as KubeObject);
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

function annotate(object: Record<string, unknown>, key: string, value: string): Record<string, unknown> {
  const metadata = (object.metadata ?? {}) as Record<string, unknown>;
  const annotations = (metadata.annotations ?? {}) as Record<string, string>;
  return { ...object, metadata: { ...metadata, annotations: { ...annotations, [key]: value } } };
}
