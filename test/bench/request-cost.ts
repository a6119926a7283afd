/**
 * `npx tsx test/bench/request-cost.ts [n]`: what one request of each kind the operator makes per claim
 * costs the API server and etcd in CPU (utime+stime from /proc), on a fresh embedded control plane:
 * the claim status written by server-side apply vs a JSON merge patch vs a PUT with resourceVersion,
 * the finalizer JSON patch, and an Event create — with one watcher on the claims, like the operator.
 * CPU seconds do not move with the machine's load the way wall-clock times do.
 */
import {
  createKubeClient,
  Informer,
  loadKubeConfig,
  silentLogger,
  type KubeObject,
} from '../../engine/kube/index.ts';
import { withCluster } from './cluster.ts';
import { cpuWindow, idleCpuRate, type Pids } from './cpu.ts';
import { ms, pool } from './stats.ts';

const GROUP = 'cost.bench.kubify.io';
const NS = 'cost';
const CONCURRENCY = 16;

const crd: KubeObject = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `things.${GROUP}` },
  spec: {
    group: GROUP,
    names: { plural: 'things', singular: 'thing', kind: 'Thing', listKind: 'ThingList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      },
    ],
  },
};

function status(i: number, round: number): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const ids = ['config', 'secret', 'service', 'serviceaccount', 'role'];
  const kinds = ['ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'Role'];
  return {
    compositionRevision: 1,
    conditions: ['Ready', 'Synced'].map((type) => ({
      type,
      status: round % 2 ? 'False' : 'True',
      reason: type === 'Ready' ? 'Available' : 'ReconcileSuccess',
      message: type === 'Ready' ? 'all resources ready' : '5 object(s) in sync',
      lastTransitionTime: now,
      observedGeneration: 1,
    })),
    observedGeneration: 1,
    resources: ids.map((id, k) => ({
      id,
      apiVersion: k === 4 ? 'rbac.authorization.k8s.io/v1' : 'v1',
      kind: kinds[k],
      name: `app-${i}-${id}`,
      namespace: NS,
      ready: true,
      reason: 'Available',
      message: 'exists',
    })),
  };
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 500);
  await withCluster({ log: (l) => process.stderr.write(`${l}\n`) }, async (cluster) => {
    const admin = cluster.admin;
    await admin.apply(crd);
    await admin.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    for (;;) {
      try {
        await admin.mapper.refresh();
        await admin.mapper.mapping(`${GROUP}/v1`, 'Thing');
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const client = createKubeClient({
      kubeConfig: loadKubeConfig({ kubeconfig: cluster.operatorKubeconfig }),
    });
    await client.mapper.mapping(`${GROUP}/v1`, 'Thing');
    const watcher = new Informer<KubeObject>({
      client: admin,
      apiVersion: `${GROUP}/v1`,
      kind: 'Thing',
      namespace: NS,
      logger: silentLogger,
    });
    watcher.start();
    await watcher.waitForSync();
    const pids: Pids = { apiserver: cluster.cp.pids[1]!, etcd: cluster.cp.pids[0]! };
    const idle = await idleCpuRate(pids);
    const items = Array.from({ length: n }, (_, i) => i);
    const ref = (i: number) => ({ apiVersion: `${GROUP}/v1`, kind: 'Thing', namespace: NS, name: `t-${i}` });
    const results: [string, Record<string, number>][] = [];
    const measure = async (what: string, task: (i: number) => Promise<unknown>): Promise<void> => {
      const end = cpuWindow(pids, idle);
      await pool(items, CONCURRENCY, async (i) => {
        await task(i);
      });
      await new Promise((r) => setTimeout(r, 300));
      const w = end();
      const per: Record<string, number> = {};
      for (const [p, v] of Object.entries(w.net)) per[p] = v / n;
      results.push([what, per]);
      process.stderr.write(
        `${what}: ${Object.entries(per)
          .map(([p, v]) => `${p} ${ms(v)}`)
          .join(', ')}\n`,
      );
    };
    await measure('create claim', (i) =>
      client.create({
        apiVersion: `${GROUP}/v1`,
        kind: 'Thing',
        metadata: { ...ref(i), labels: { app: `a${i}` } },
        spec: { image: 'nginx', port: 8080 },
      }),
    );
    await measure('finalizer JSON patch', (i) =>
      client.patch(ref(i), [{ op: 'add', path: '/metadata/finalizers', value: ['kubify.io/finalizer'] }], {
        type: 'json',
      }),
    );
    await measure('status SSA (new)', (i) =>
      client.applyStatus({
        apiVersion: `${GROUP}/v1`,
        kind: 'Thing',
        metadata: { name: `t-${i}`, namespace: NS },
        status: status(i, 0),
      }),
    );
    await measure('status SSA (change)', (i) =>
      client.applyStatus({
        apiVersion: `${GROUP}/v1`,
        kind: 'Thing',
        metadata: { name: `t-${i}`, namespace: NS },
        status: status(i, 1),
      }),
    );
    await measure('status merge patch (change)', (i) =>
      client.patch(
        ref(i),
        { status: { conditions: status(i, 2).conditions } },
        { type: 'merge', subresource: 'status' },
      ),
    );
    await measure('status merge patch (whole status)', (i) =>
      client.patch(ref(i), { status: status(i, 3) }, { type: 'merge', subresource: 'status' }),
    );
    await measure('status PUT with resourceVersion', async (i) => {
      const cur = watcher.store.get(`${NS}/t-${i}`)!;
      await client.update({ ...cur, status: status(i, 4) }, { subresource: 'status' }).catch(() => undefined);
    });
    await measure('event create', (i) =>
      client.create({
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: {
          name: `t-${i}.audit.${i}`,
          namespace: NS,
          annotations: { 'kubify.io/audit': JSON.stringify(status(i, 0)).slice(0, 400) },
        },
        eventTime: new Date()
          .toISOString()
          .replace('Z', '000Z')
          .replace(/\.(\d{3})000Z$/, '.$1000Z'),
        reportingController: 'kubify.io/audit',
        reportingInstance: 'bench',
        type: 'Normal',
        reason: 'Ready',
        action: 'Apply',
        regarding: { ...ref(i) },
        note: 'Ready=True: all resources ready; Synced=True: 5 object(s) in sync',
      }),
    );
    await watcher.stop();
    client.close();
    process.stdout.write(`${JSON.stringify(results)}\n`);
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${String(err instanceof Error ? err.stack : err)}\n`);
    process.exit(1);
  },
);
