/**
 * The claim as `kubify render` prints it: its identity plus the status the operator would write
 * (projected fields, `Synced` and `Ready` conditions, `resources[]`).
 */
import type { Condition, ResourceStatus } from '../../api/claim.ts';
import { isRecord } from '../../compose/path.ts';
import type { RenderResult } from '../../compose/render-types.ts';

export function claimWithStatus(
  claim: Record<string, unknown>,
  result: RenderResult,
  now: string,
): Record<string, unknown> {
  const metadata = isRecord(claim.metadata) ? claim.metadata : {};
  const generation = typeof metadata.generation === 'number' ? metadata.generation : undefined;
  const stamp = (c: Omit<Condition, 'lastTransitionTime'>): Condition => ({
    ...c,
    lastTransitionTime: now,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  });
  const fatal = result.results.filter((p) => p.severity === 'Fatal');
  const firstFatal = fatal[0];
  const synced = firstFatal
    ? stamp({
        type: 'Synced',
        status: 'False',
        reason: 'RenderFailed',
        message: `${firstFatal.path ? `${firstFatal.path}: ` : ''}${firstFatal.message}`,
      })
    : stamp({
        type: 'Synced',
        status: 'True',
        reason: 'Rendered',
        message: `rendered ${result.desired.length} of ${result.resources.length} resources`,
      });
  const ready = stamp({ type: 'Ready', ...result.ready });
  const resources: ResourceStatus[] = result.resources
    .filter((r) => r.included)
    .map((r) => ({
      id: r.id,
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      ready: r.ready,
      reason: r.reason,
      message: r.message,
    }));
  return {
    apiVersion: claim.apiVersion,
    kind: claim.kind,
    metadata,
    status: {
      ...result.status,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      conditions: [synced, ready],
      resources,
    },
  };
}
