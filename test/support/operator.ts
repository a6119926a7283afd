import { Registry } from 'prom-client';
import { isConditionTrue } from '../../engine/controller/claim/conditions.ts';
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
  // Tests create CRDs and claim APIs all the time: let the mapper rediscover on every miss.
  return createKubeClient({
    kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
    mapper: { minRefreshIntervalMs: 0 },
  });
}

/** An admin client on the shared control plane, with kubify's CRDs installed. */
export async function adminClient(): Promise<KubeClient> {
  await installKubifyCrds();
  return newClient();
}

/** Applies a CRD and waits until it is Established and served; returns it as first applied. */
export async function installCrd(client: KubeClient, crd: KubeObject): Promise<KubeObject> {
  const applied = await client.apply(crd);
  await eventually(`CRD ${crd.metadata.name} to be established`, async () => {
    const got = await client.get({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      name: crd.metadata.name ?? '',
    });
    return isConditionTrue(got, 'Established');
  });
  const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string }[] };
  await eventually(`${spec.names.kind} to be served`, async () => {
    await client.mapper.refresh();
    return client.mapper.peek(`${spec.group}/${spec.versions[0]!.name}`, spec.names.kind);
  });
  return applied;
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
    auditWrite: (line) => logs.push(JSON.parse(line) as Record<string, unknown>),
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

/** Writes by verb and kind (`apply ConfigMap: 2`), for assertion messages. */
export async function writeBreakdown(registry: Registry): Promise<string> {
  const metric = await registry.getSingleMetric('kubify_apply_total')?.get();
  return (metric?.values ?? [])
    .map((v) => `${String(v.labels.verb)} ${String(v.labels.kind)}: ${v.value}`)
    .join(', ');
}

/** Reads a pack folder, compiles it and applies the self-contained Composition object. */
export async function installPack(client: KubeClient, dir: string): Promise<string> {
  const { readPack, toCompositionObject } = await import('../../engine/packs/index.ts');
  const result = toCompositionObject(await readPack(dir));
  if (!result.object) throw new Error(`pack ${dir} does not compile: ${JSON.stringify(result.problems)}`);
  await client.apply(result.object as unknown as KubeObject);
  const name = result.object.metadata.name;
  await compositionReady(client, name);
  return name;
}

/** Applies every object of a YAML file (CRD fixtures). */
export async function applyFile(client: KubeClient, file: string): Promise<KubeObject[]> {
  const { readFileSync } = await import('node:fs');
  const { parseAllDocuments } = await import('yaml');
  const objects = parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  for (const o of objects) {
    if (o.kind === 'CustomResourceDefinition') await installCrd(client, o);
    else await client.apply(o);
  }
  return objects;
}

/** Waits until a Composition is Ready for its current generation (and, if given, at `revision`). */
export function compositionReady(client: KubeClient, name: string, revision?: number): Promise<KubeObject> {
  return eventually(
    `Composition ${name} Ready${revision ? ` at revision ${revision}` : ''}`,
    async () => {
      const c = await client.get({ apiVersion: 'kubify.io/v1alpha1', kind: 'Composition', name });
      const status = c.status as
        | {
            latestRevision?: number;
            observedGeneration?: number;
            conditions?: { type: string; status: string }[];
          }
        | undefined;
      const ready = status?.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
      const current = status?.observedGeneration === c.metadata.generation;
      return ready && current && (revision === undefined || status?.latestRevision === revision)
        ? c
        : undefined;
    },
    60_000,
  );
}

/** The operator's `kubify_api_requests_total`, summed over the series whose status code is `code` (`*`: all). */
export async function apiRequests(registry: Registry, code = '*'): Promise<number> {
  const metric = await registry.getSingleMetric('kubify_api_requests_total')?.get();
  return (metric?.values ?? [])
    .filter((v) => code === '*' || v.labels.code === code)
    .reduce((n, v) => n + v.value, 0);
}
