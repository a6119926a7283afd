/**
 * `kubify delete`: what `kubify deploy <dir>` created (selected by the `kubify.io/source` label), Apps first
 * and data services last, then the build contexts and passwords; or one claim named `<kind>/<name>`. Waits
 * until the claims are gone (the operator removes what they composed first).
 */
import { SOURCE_LABEL } from '../../analyze/claims/index.ts';
import type { KubeClient, ObjectRef } from '../../kube/index.ts';
import { NoMatchError } from '../../kube/index.ts';
import { abortableSleep } from './watch-loop.ts';

/** Claim kinds in deletion order (users before what they use), then the plain objects deploy made. */
export const DELETE_ORDER: readonly [string, string][] = [
  ['apps.kubify.io/v1alpha1', 'App'],
  ['apps.kubify.io/v1alpha1', 'Build'],
  ['data.kubify.io/v1alpha1', 'Redis'],
  ['data.kubify.io/v1alpha1', 'PostgreSQL'],
  ['v1', 'ConfigMap'],
  ['v1', 'Secret'],
];

/** Everything labelled `kubify.io/source=<source>` in the namespace, in deletion order. */
export async function sourceObjects(
  client: KubeClient,
  source: string,
  namespace: string,
): Promise<ObjectRef[]> {
  const refs: ObjectRef[] = [];
  for (const [apiVersion, kind] of DELETE_ORDER) {
    try {
      const list = await client.listAll({
        apiVersion,
        kind,
        namespace,
        labelSelector: { [SOURCE_LABEL]: source },
      });
      const names = list.items.map((o) => o.metadata.name ?? '').sort();
      for (const name of names) refs.push({ apiVersion, kind, name, namespace });
    } catch (error) {
      if (!(error instanceof NoMatchError)) throw error;
    }
  }
  return refs;
}

/** Deletes each object (in order) and, with `timeoutMs`, waits until all are gone; returns those still there. */
export async function deleteAndWait(
  client: KubeClient,
  refs: readonly ObjectRef[],
  options: { timeoutMs: number; progress: (line: string) => void; intervalMs?: number },
): Promise<string[]> {
  for (const ref of refs) {
    const result = await client.delete(ref, { propagationPolicy: 'Background' });
    options.progress(`${result.outcome === 'notFound' ? 'already gone' : 'deleted'} ${ref.kind}/${ref.name}`);
  }
  const deadline = Date.now() + options.timeoutMs;
  const signal = new AbortController().signal;
  for (;;) {
    const left: string[] = [];
    for (const ref of refs) if ((await client.find(ref)) !== undefined) left.push(`${ref.kind}/${ref.name}`);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await abortableSleep(options.intervalMs ?? 1000, signal);
  }
}
