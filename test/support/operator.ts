import { Registry } from 'prom-client';
import { kubifyCrds } from '../../engine/api/kubify-crds.ts';
import { startOperator, type Operator, type OperatorOptions } from '../../engine/controller/operator.ts';
import { silentLogger, type Logger } from '../../engine/controller/logger.ts';
import {
  createKubeClient,
  loadKubeConfig,
  type KubeClient,
  type KubeObject,
} from '../../engine/kube/index.ts';
import { sharedControlPlane } from './cluster.ts';
import { eventually } from './http.ts';

let installed: Promise<void> | undefined;

async function newClient(): Promise<KubeClient> {
  const cp = await sharedControlPlane();
  return createKubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }) });
}

/** An admin client on the shared control plane, with kubify's CRDs installed. */
export async function adminClient(): Promise<KubeClient> {
  await installKubifyCrds();
  return newClient();
}

/** Applies a CRD and waits until it is Established and served. */
export async function installCrd(client: KubeClient, crd: KubeObject): Promise<void> {
  await client.apply(crd);
  await eventually(`CRD ${crd.metadata.name} to be established`, async () => {
    const got = await client.get({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      name: crd.metadata.name ?? '',
    });
    const conditions = (got.status as { conditions?: { type: string; status: string }[] } | undefined)
      ?.conditions;
    return conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  await client.mapper.refresh();
}

/** kubify's own CRDs (Composition, CompositionRevision, ...) in the shared control plane, once per run. */
export function installKubifyCrds(): Promise<void> {
  installed ??= (async () => {
    const client = await newClient();
    for (const crd of kubifyCrds()) await installCrd(client, crd as unknown as KubeObject);
    await client
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubify-system' } })
      .catch(() => undefined);
    client.close();
  })();
  return installed;
}

export interface TestOperator {
  operator: Operator;
  registry: Registry;
  logs: Record<string, unknown>[];
}

/** Starts an in-process operator against the shared control plane, collecting its JSON logs. */
export async function startTestOperator(overrides: Partial<OperatorOptions> = {}): Promise<TestOperator> {
  await installKubifyCrds();
  const cp = await sharedControlPlane();
  const registry = new Registry();
  const logs: Record<string, unknown>[] = [];
  const logger: Logger = process.env.KUBIFY_TEST_VERBOSE
    ? (await import('../../engine/controller/logger.ts')).createLogger('debug')
    : silentLogger;
  const operator = await startOperator({
    kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
    namespace: 'kubify-system',
    registry,
    logger,
    workers: 4,
    resyncMs: 0,
    ...overrides,
  });
  return { operator, registry, logs };
}

/** Total writes counted by the operator's `kubify_apply_total`. */
export async function writeCount(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('kubify_apply_total')?.get();
  return (metric?.values ?? []).reduce((sum, v) => sum + v.value, 0);
}
