/**
 * One fresh embedded control plane per scenario: kube-apiserver + etcd, kubify's CRDs, the operator's
 * namespace, and two impersonated identities with cluster-admin rights — one for the operator, one for
 * the floor client — so the API server's audit log can attribute every request.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubifyCrds } from '../../engine/api/kubify-crds.ts';
import { startControlPlane, type ControlPlane } from '../../engine/controlplane/index.ts';
import {
  AlreadyExistsError,
  createKubeClient,
  loadKubeConfig,
  type KubeClient,
  type KubeObject,
} from '../../engine/kube/index.ts';
import { APP_COMPOSITION, APP_GROUP, appComposition, type AppCompositionOptions } from './app-composition.ts';
import { sleep } from './stats.ts';

export const OPERATOR_USER = 'kubify-bench-operator';
export const FLOOR_USER = 'kubify-bench-floor';
export const OPERATOR_NAMESPACE = 'kubify-system';

export interface BenchCluster {
  cp: ControlPlane;
  /** Admin client of the harness (creates claims, watches them). */
  admin: KubeClient;
  /** Kubeconfig files impersonating the operator's and the floor's identities. */
  operatorKubeconfig: string;
  floorKubeconfig: string;
  /** The audit log, when the scenario asked for one. */
  auditLog?: string;
  stop(): Promise<void>;
}

const AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`;

export interface StartClusterOptions {
  audit?: boolean;
  log: (line: string) => void;
}

/** Starts a control plane and prepares it; stops it again when preparing fails. */
export async function startBenchCluster(options: StartClusterOptions): Promise<BenchCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kubify-bench-'));
  const auditLog = options.audit ? join(dir, 'audit.log') : undefined;
  const flags: string[] = [];
  if (auditLog) {
    writeFileSync(join(dir, 'audit-policy.yaml'), AUDIT_POLICY);
    flags.push(
      `--audit-policy-file=${join(dir, 'audit-policy.yaml')}`,
      `--audit-log-path=${auditLog}`,
      '--audit-log-format=json',
      '--audit-log-maxsize=1000',
    );
  }
  const started = performance.now();
  let cp: ControlPlane | undefined;
  let admin: KubeClient | undefined;
  try {
    cp = await startControlPlane({ apiserverFlags: flags, readyTimeoutMs: 120_000 });
    admin = createKubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }) });
    for (const crd of kubifyCrds()) await installCrd(admin, crd as unknown as KubeObject);
    await createIgnoringExists(admin, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: OPERATOR_NAMESPACE },
    });
    for (const user of [OPERATOR_USER, FLOOR_USER]) {
      await createIgnoringExists(admin, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: user },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      });
    }
    const operatorKubeconfig = join(dir, 'operator.kubeconfig');
    const floorKubeconfig = join(dir, 'floor.kubeconfig');
    writeFileSync(operatorKubeconfig, cp.kubeconfigAs(OPERATOR_USER), { mode: 0o600 });
    writeFileSync(floorKubeconfig, cp.kubeconfigAs(FLOOR_USER), { mode: 0o600 });
    options.log(
      `control plane ready at ${cp.server} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const c = cp;
    const a = admin;
    return {
      cp: c,
      admin: a,
      operatorKubeconfig,
      floorKubeconfig,
      ...(auditLog ? { auditLog } : {}),
      stop: async () => {
        a.close();
        await c.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    admin?.close();
    await cp?.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Runs `body` on a fresh cluster and always stops the cluster afterwards. */
export async function withCluster<T>(
  options: StartClusterOptions,
  body: (cluster: BenchCluster) => Promise<T>,
): Promise<T> {
  const cluster = await startBenchCluster(options);
  try {
    return await body(cluster);
  } finally {
    await cluster
      .stop()
      .catch((err: unknown) => options.log(`stopping the control plane failed: ${String(err)}`));
  }
}

async function createIgnoringExists(client: KubeClient, obj: KubeObject): Promise<void> {
  try {
    await client.create(obj);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}

interface ConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionOf(obj: KubeObject | undefined, type: string): ConditionLike | undefined {
  return (obj?.status as { conditions?: ConditionLike[] } | undefined)?.conditions?.find(
    (c) => c.type === type,
  );
}

/** Polls `check` every 100 ms until it returns a value; throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

async function installCrd(client: KubeClient, crd: KubeObject): Promise<void> {
  await client.apply(crd);
  await waitFor(`CRD ${crd.metadata.name} to be established`, 60_000, async () => {
    const got = await client.get({
      apiVersion: crd.apiVersion,
      kind: crd.kind,
      name: crd.metadata.name ?? '',
    });
    return conditionOf(got, 'Established')?.status === 'True' ? true : undefined;
  });
  await client.mapper.refresh();
}

/**
 * Applies the bench Composition (the operator must be running) and waits until it is Ready and the
 * claim CRD is served, so claims can be created.
 */
export async function installAppComposition(
  cluster: BenchCluster,
  timeoutMs = 120_000,
  options: AppCompositionOptions = {},
): Promise<void> {
  const { admin } = cluster;
  await admin.apply(appComposition(options));
  await waitFor(`Composition ${APP_COMPOSITION} to be Ready`, timeoutMs, async () => {
    const c = await admin.get({
      apiVersion: 'kubify.io/v1alpha1',
      kind: 'Composition',
      name: APP_COMPOSITION,
    });
    return conditionOf(c, 'Ready')?.status === 'True' ? c : undefined;
  });
  await waitFor(`the ${APP_GROUP} API to be discoverable`, timeoutMs, async () => {
    await admin.mapper.refresh();
    await admin.mapper.mapping(`${APP_GROUP}/v1alpha1`, 'App');
    return true;
  });
}

/** Creates a namespace for claims. */
export async function createNamespace(client: KubeClient, name: string): Promise<void> {
  await createIgnoringExists(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}
