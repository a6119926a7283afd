/**
 * Reads what `kubify trace` shows from the cluster: the claim, each object its status lists, and the
 * objects those own (ReplicaSets and Pods of a Deployment, Jobs of a CronJob, ...).
 */
import type { ResourceStatus } from '../../api/claim.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.ts';
import { isNotFound, NoMatchError } from '../../kube/index.ts';
import { CliError } from '../context.ts';
import type { TraceInput } from './trace-tree.ts';

/** The kinds each workload kind owns, followed one level at a time. */
export const OWNED_KINDS: Readonly<Record<string, readonly { apiVersion: string; kind: string }[]>> = {
  Deployment: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet' }],
  ReplicaSet: [{ apiVersion: 'v1', kind: 'Pod' }],
  StatefulSet: [{ apiVersion: 'v1', kind: 'Pod' }],
  DaemonSet: [{ apiVersion: 'v1', kind: 'Pod' }],
  Job: [{ apiVersion: 'v1', kind: 'Pod' }],
  CronJob: [{ apiVersion: 'batch/v1', kind: 'Job' }],
};

export async function fetchTrace(client: KubeClient, ref: ObjectRef): Promise<TraceInput> {
  let claim: KubeObject;
  try {
    claim = await client.get(ref);
  } catch (error) {
    if (isNotFound(error))
      throw new CliError(
        `${ref.kind} ${ref.name} not found${ref.namespace ? ` in namespace ${ref.namespace}` : ''}`,
      );
    throw error;
  }
  const entries = (claim.status as { resources?: ResourceStatus[] } | undefined)?.resources ?? [];
  const composed: KubeObject[] = [];
  for (const entry of entries) {
    const object = await findQuietly(client, {
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      name: entry.name,
      ...((entry.namespace ?? ref.namespace) ? { namespace: entry.namespace ?? ref.namespace } : {}),
    });
    if (object) composed.push(object);
  }
  const owned = await ownedBy(client, composed);
  return { claim, composed, owned };
}

async function findQuietly(client: KubeClient, ref: ObjectRef): Promise<KubeObject | undefined> {
  try {
    return await client.find(ref);
  } catch (error) {
    if (error instanceof NoMatchError) return undefined;
    throw error;
  }
}

/** Objects owned, transitively, by `parents` (only through the kinds of OWNED_KINDS). */
export async function ownedBy(client: KubeClient, parents: readonly KubeObject[]): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  let level = parents.filter((p) => OWNED_KINDS[p.kind] !== undefined);
  const listed = new Map<string, KubeObject[]>();
  while (level.length > 0) {
    const next: KubeObject[] = [];
    for (const parent of level) {
      for (const child of OWNED_KINDS[parent.kind] ?? []) {
        const key = `${child.apiVersion}/${child.kind}/${parent.metadata.namespace ?? ''}`;
        let items = listed.get(key);
        if (!items) {
          items = (
            await client.listAll({
              ...child,
              ...(parent.metadata.namespace ? { namespace: parent.metadata.namespace } : {}),
            })
          ).items;
          listed.set(key, items);
        }
        const mine = items.filter((o) =>
          o.metadata.ownerReferences?.some((r) => r.uid === parent.metadata.uid),
        );
        out.push(...mine);
        next.push(...mine.filter((o) => OWNED_KINDS[o.kind] !== undefined));
      }
    }
    level = next;
  }
  return out;
}
