/**
 * Helpers shared by the operator scenarios: start an operator child on a bench cluster with the bench
 * Composition installed, wait for it to settle, and read its counters.
 */
import { APP_KIND } from './app-composition.ts';
import type { KubeClient } from '../../engine/kube/index.ts';
import { ClaimTracker, createClaims } from './claims.ts';
import { createNamespace, installAppComposition, OPERATOR_NAMESPACE, type BenchCluster } from './cluster.ts';
import type { BenchContext } from './context.ts';
import type { OperatorProcess, SpawnOptions } from './operator-process.ts';
import type { OperatorMetrics, Startup } from './protocol.ts';
import { diffCounts, sleep, total } from './stats.ts';

/** startOn's option for the run's `--deletion`, when given. */
export function deletionOf(ctx: BenchContext): { deletion?: 'Foreground' | 'Background' } {
  return ctx.deletion ? { deletion: ctx.deletion } : {};
}

/** Starts the operator in `op` against `cluster`; installs the bench Composition unless told not to. */
export async function startOn(
  op: OperatorProcess,
  cluster: BenchCluster,
  options: { install?: boolean; expectClaims?: number; deletion?: 'Foreground' | 'Background' } = {},
): Promise<Startup> {
  const startup = await op.start({
    kubeconfig: cluster.operatorKubeconfig,
    namespace: OPERATOR_NAMESPACE,
    ...(options.expectClaims ? { expectClaims: options.expectClaims } : {}),
  });
  if (options.install !== false)
    await installAppComposition(cluster, undefined, options.deletion ? { deletion: options.deletion } : {});
  return startup;
}

/**
 * Waits until the operator is quiet: no queued claim keys and no new reconcile for `quietMs`.
 * Bounded by `timeoutMs`; returns the last metrics.
 */
export async function settle(
  op: OperatorProcess,
  quietMs = 1000,
  timeoutMs = 120_000,
): Promise<OperatorMetrics> {
  const deadline = Date.now() + timeoutMs;
  let last = await op.metrics();
  let quietSince = Date.now();
  for (;;) {
    await sleep(200);
    const now = await op.metrics();
    if (now.queued > 0 || total(now.reconciles) !== total(last.reconciles)) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) return now;
    if (Date.now() > deadline) throw new Error(`operator did not settle within ${timeoutMs} ms`);
  }
}

/** Keys of `writes` for one kind: `apply ConfigMap` etc.; `status App`, `patch App` are the claim's. */
export function claimWrites(writes: Record<string, number>): number {
  return Object.entries(writes)
    .filter(([k]) => k.endsWith(` ${APP_KIND}`))
    .reduce((n, [, v]) => n + v, 0);
}

export function spawnOptions(ctx: BenchContext): SpawnOptions {
  return { nodeFlags: ctx.childFlags, log: ctx.log, runtime: ctx.runtime };
}

export const WARMUP_NAMESPACE = 'bench-warmup';

/**
 * One claim through the whole path before anything is timed: the API server's first request to a
 * new CRD and the operator's first reconcile (JIT, lazy caches) are slow once, and not what we measure.
 */
export async function warmUp(admin: KubeClient, op: OperatorProcess, claims = 3): Promise<void> {
  await createNamespace(admin, WARMUP_NAMESPACE);
  const tracker = new ClaimTracker(admin, WARMUP_NAMESPACE);
  await tracker.start();
  try {
    const keys = await createClaims(admin, WARMUP_NAMESPACE, 0, claims, claims);
    await tracker.waitSynced(keys, 120_000);
    await tracker.waitReady(keys, 60_000);
  } finally {
    await tracker.stop();
  }
  await settle(op, 500);
}

/** Counters of `after` minus those of `before` (gauges are taken from `after`). */
export function diffMetrics(after: OperatorMetrics, before: OperatorMetrics): OperatorMetrics {
  return {
    ...after,
    reconciles: diffCounts(after.reconciles, before.reconciles),
    writes: diffCounts(after.writes, before.writes),
    api: diffCounts(after.api, before.api),
    cpuMs: after.cpuMs - before.cpuMs,
    reconcileSeconds: {
      sum: after.reconcileSeconds.sum - before.reconcileSeconds.sum,
      count: after.reconcileSeconds.count - before.reconcileSeconds.count,
    },
  };
}
