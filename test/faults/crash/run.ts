/**
 * One crash run: an operator child process on a shared bench control plane, the workload in its own
 * namespace, SIGKILLs at the given moments (a new operator process after each), convergence, a
 * snapshot of the final state, and a clean namespace afterwards.
 */
import { APP_API_VERSION, APP_KIND } from '../../bench/app-composition.ts';
import { conditionOf, createNamespace, OPERATOR_NAMESPACE, type BenchCluster } from '../../bench/cluster.ts';
import { OperatorProcess, type SpawnOptions } from '../../bench/operator-process.ts';
import { settle } from '../../bench/operator-run.ts';
import { pool, sleep, total } from '../../bench/stats.ts';
import { readFileSync } from 'node:fs';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { SeededRandom } from '../support/rng.ts';
import { takeSnapshot, type Snapshot } from './snapshot.ts';
import { createAll, liveClaims, mutate, type Workload } from './workload.ts';

/** One SIGKILL: when enough claims have converged, and not before the operator has run a while. */
export interface KillPoint {
  /** Kill once this fraction of the claims that will remain are Synced and Ready at their generation. */
  settled: number;
  /** ...and at least this long after the operator (re)started, ms. */
  afterStartMs: number;
}

export interface RunPlan {
  kills: KillPoint[];
  /** When the second half of the updates and deletions goes out, ms after the workload starts. */
  lateMutationsAtMs: number;
  /** How long convergence may take after the last restart. */
  convergeTimeoutMs: number;
}

/**
 * One to three kills spread over the convergence: each at a seeded share of converged claims (sorted,
 * 0-90 %: the first may hit an operator still listing, the last one nearly done) and a seeded 0-3 s
 * after the previous restart. Moments follow progress, not the clock, so a slow machine still kills
 * mid-convergence. The late half of the updates and deletions goes out at a seeded 10-80 % of the
 * undisturbed run's time.
 */
export function killPlan(seed: number, baselineMs: number, convergeTimeoutMs = 240_000): RunPlan {
  const rng = new SeededRandom(seed);
  const count = rng.int(1, 3);
  const settled = Array.from({ length: count }, () => Math.round(rng.between(0, 0.9) * 100) / 100).sort(
    (a, b) => a - b,
  );
  return {
    kills: settled.map((f) => ({ settled: f, afterStartMs: Math.round(rng.between(0, 3000)) })),
    lateMutationsAtMs: Math.round(rng.between(0.1, 0.8) * baselineMs),
    convergeTimeoutMs,
  };
}

export interface Kill {
  /** When it happened, ms after the workload started. */
  atMs: number;
  /** Claims Synced and Ready at their generation just before, as the harness last saw them. */
  syncedBefore: number;
}

export interface RunResult {
  snapshot: Snapshot;
  kills: Kill[];
  /** From the last kill (or, undisturbed, the workload start) to convergence, ms. */
  convergeMs: number;
  /** How long each restart took: spawn to the operator's start() returning, ms. */
  restartMs: number[];
  /** Snapshot and clean-up after convergence, ms. */
  snapshotMs: number;
  cleanupMs: number;
  /** Workload start to convergence, ms. */
  totalMs: number;
  /** Reconciles counted by each operator process (last reading before it was killed). */
  reconciles: number[];
  /** Set when the state did not converge in time (the snapshot is then taken anyway). */
  notConverged?: string;
}

async function startOperator(cluster: BenchCluster, spawn: SpawnOptions): Promise<OperatorProcess> {
  const op = await OperatorProcess.spawn(spawn);
  try {
    await op.start({ kubeconfig: cluster.operatorKubeconfig, namespace: OPERATOR_NAMESPACE });
  } catch (err) {
    await op.kill();
    throw err;
  }
  return op;
}

/** Why the workload has not converged (undefined: it has). */
function unconverged(items: readonly KubeObject[], w: Workload): string | undefined {
  const live = liveClaims(w);
  const byName = new Map(items.map((c) => [c.metadata.name ?? '', c]));
  const problems: string[] = [];
  for (const name of [...byName.keys()].filter((n) => !live.has(n))) problems.push(`${name} still exists`);
  for (const name of live) {
    const c = byName.get(name);
    if (!c) problems.push(`${name} is missing`);
    else if (!isSettledClaim(c)) problems.push(`${name} is not Synced and Ready at its generation`);
  }
  return problems.length ? `${problems.length} claims: ${problems.slice(0, 5).join('; ')}` : undefined;
}

function isSettledClaim(c: KubeObject): boolean {
  const observed = (c.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  return (
    !c.metadata.deletionTimestamp &&
    observed === c.metadata.generation &&
    conditionOf(c, 'Synced')?.status === 'True' &&
    conditionOf(c, 'Ready')?.status === 'True'
  );
}

async function listClaims(client: KubeClient, namespace: string): Promise<KubeObject[]> {
  return (await client.listAll({ apiVersion: APP_API_VERSION, kind: APP_KIND, namespace })).items;
}

export async function crashRun(
  cluster: BenchCluster,
  w: Workload,
  plan: RunPlan,
  spawn: SpawnOptions,
): Promise<RunResult> {
  const { admin } = cluster;
  let result: RunResult | undefined;
  await createNamespace(admin, w.namespace);
  let op = await startOperator(cluster, spawn);
  const reconciles: number[] = [];
  const kills: Kill[] = [];
  let synced = 0;
  const restartMs: number[] = [];
  const t0 = Date.now();
  let lastKill = t0;
  try {
    const workload = (async () => {
      await createAll(admin, w);
      await mutate(admin, w, 0);
      await sleep(Math.max(0, t0 + plan.lateMutationsAtMs - Date.now()));
      await mutate(admin, w, 1);
    })();
    // The harness's view of progress, for the figures only.
    let watching = true;
    const progress = (async () => {
      while (watching) {
        const items = await listClaims(admin, w.namespace).catch(() => undefined);
        if (items) synced = items.filter(isSettledClaim).length;
        await sleep(1000);
      }
    })();
    try {
      let startedAt = Date.now();
      const live = liveClaims(w).size;
      for (const point of plan.kills) {
        const give = Date.now() + plan.convergeTimeoutMs;
        while (
          (synced < point.settled * live || Date.now() < startedAt + point.afterStartMs) &&
          Date.now() < give
        ) {
          await sleep(100);
        }
        const before = await op.metrics().catch(() => undefined);
        kills.push({ atMs: Date.now() - t0, syncedBefore: synced });
        lastKill = Date.now();
        await op.kill('SIGKILL');
        reconciles.push(before ? total(before.reconciles) : 0);
        op = await startOperator(cluster, spawn);
        startedAt = Date.now();
        restartMs.push(startedAt - lastKill);
      }
      await workload;
    } finally {
      watching = false;
      await progress;
    }
    const deadline = Date.now() + plan.convergeTimeoutMs;
    let notConverged: string | undefined;
    for (;;) {
      notConverged = unconverged(await listClaims(admin, w.namespace), w);
      if (!notConverged || Date.now() > deadline) break;
      await sleep(500);
    }
    const convergedAt = Date.now();
    // The operator must also be done: nothing queued, no reconcile for a while.
    const quiet = await settle(op, 1500, 60_000).catch(() => undefined);
    reconciles.push(total((quiet ?? (await op.metrics())).reconciles));
    const snapshotAt = Date.now();
    const snapshot = await takeSnapshot(
      admin,
      w.namespace,
      w.claims.map((c) => c.metadata.name!),
    );
    result = {
      snapshot,
      kills,
      convergeMs: convergedAt - lastKill,
      restartMs,
      snapshotMs: Date.now() - snapshotAt,
      cleanupMs: 0,
      totalMs: convergedAt - t0,
      reconciles,
      ...(notConverged ? { notConverged } : {}),
    };
  } finally {
    const cleanupAt = Date.now();
    // Done with this operator: a graceful stop would only drain its queue and release its watches.
    await op.kill();
    await cleanNamespace(admin, w.namespace);
    if (result) result.cleanupMs = Date.now() - cleanupAt;
  }
  return result;
}

const COLLECTIONS = [
  '/api/v1/namespaces/NS/configmaps',
  '/api/v1/namespaces/NS/secrets',
  '/api/v1/namespaces/NS/services',
  '/api/v1/namespaces/NS/serviceaccounts',
  '/apis/rbac.authorization.k8s.io/v1/namespaces/NS/roles',
  '/api/v1/namespaces/NS/events',
];

/**
 * Empties a run's namespace with the operator stopped, so the next run's operator does not cache it:
 * every composed object and Event, and the claims (finalizers stripped). A few collection deletes
 * instead of thousands of single ones.
 */
export async function cleanNamespace(client: KubeClient, namespace: string): Promise<void> {
  await Promise.all(
    COLLECTIONS.map((path) =>
      client.request({ method: 'DELETE', path: path.replace('NS', namespace), timeoutMs: 120_000 }),
    ),
  );
  const claims = await listClaims(client, namespace);
  await pool(
    claims.filter((c) => c.metadata.finalizers?.length),
    16,
    async (c) => {
      await client
        .patch(
          { apiVersion: APP_API_VERSION, kind: APP_KIND, namespace, name: c.metadata.name ?? '' },
          { metadata: { finalizers: null } },
          { type: 'merge' },
        )
        .catch(() => undefined);
    },
  );
  const plural = (await client.mapper.mapping(APP_API_VERSION, APP_KIND)).resource;
  await client.request({
    method: 'DELETE',
    path: `/apis/${APP_API_VERSION}/namespaces/${namespace}/${plural}`,
    timeoutMs: 120_000,
  });
}

/**
 * What the API server's audit log says about the objects of one claim (`<claim>` and `<claim>-*`) in
 * `namespace`: one line per request, in order, for a mismatch report. Needs `KUBIFY_CRASH_AUDIT=1`.
 */
export function auditTrail(file: string, namespace: string, claim: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(claim) || !line.includes(namespace)) continue;
    const e = JSON.parse(line) as {
      stage?: string;
      verb?: string;
      user?: { username?: string };
      impersonatedUser?: { username?: string };
      objectRef?: { resource?: string; namespace?: string; name?: string; subresource?: string };
      responseStatus?: { code?: number };
      requestReceivedTimestamp?: string;
      stageTimestamp?: string;
    };
    const ref = e.objectRef;
    if (ref?.namespace !== namespace || !(ref.name === claim || ref.name?.startsWith(`${claim}-`))) continue;
    out.push(
      `${e.requestReceivedTimestamp?.slice(11, 23) ?? ''}..${e.stageTimestamp?.slice(11, 23) ?? ''} ` +
        `${e.impersonatedUser?.username ?? e.user?.username ?? '?'} ${e.verb ?? '?'} ${ref.resource ?? ''}${ref.subresource ? `/${ref.subresource}` : ''} ` +
        `${ref.name} -> ${e.responseStatus?.code ?? '?'}`,
    );
  }
  return out;
}
