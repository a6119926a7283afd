/**
 * Scenario 6, start-up: with N converged claims present, a new operator process starts; the time until
 * its caches are synced, its first reconcile is done and every claim was re-checked — and how many
 * writes that made (should be none).
 */
import { ClaimTracker, createClaims } from '../claims.ts';
import { createNamespace, withCluster, type BenchCluster } from '../cluster.ts';
import { convergeTimeoutMs, type BenchContext } from '../context.ts';
import { deletionOf, settle, spawnOptions, startOn } from '../operator-run.ts';
import { OperatorProcess, withOperator } from '../operator-process.ts';
import type { LoopDelay, OperatorMetrics, Startup } from '../protocol.ts';
import type { Goal, ScenarioResult, Table } from '../report.ts';
import { countsText, ms, sleep, total } from '../stats.ts';

const NAMESPACE = 'bench';
const WRITE_VERBS = ['create', 'update', 'patch', 'apply', 'delete'];

interface Restart {
  claims: number;
  /** Process spawn until it answered (node + tsx + imports). */
  bootMs: number;
  startup: Startup;
  metrics: OperatorMetrics;
  /** Event-loop delay in the new process until every claim was re-checked. */
  loopDelay: LoopDelay;
}

const writesOf = (m: OperatorMetrics): number =>
  Object.entries(m.api)
    .filter(([k]) => WRITE_VERBS.includes(k.split(' ')[0] ?? ''))
    .reduce((n, [, v]) => n + v, 0);

async function grow(
  ctx: BenchContext,
  cluster: BenchCluster,
  from: number,
  to: number,
  first: boolean,
): Promise<void> {
  await withOperator(spawnOptions(ctx), async (op) => {
    await startOn(op, cluster, { install: first, ...deletionOf(ctx) });
    const tracker = new ClaimTracker(cluster.admin, NAMESPACE);
    await tracker.start();
    try {
      const keys = await createClaims(cluster.admin, NAMESPACE, from, to);
      await tracker.waitSynced(keys, convergeTimeoutMs(to - from));
      await tracker.waitReady(keys, 120_000);
    } finally {
      await tracker.stop();
    }
    await settle(op, 2000, convergeTimeoutMs(to));
  });
}

async function restart(ctx: BenchContext, cluster: BenchCluster, claims: number): Promise<Restart> {
  const op = await OperatorProcess.spawn(spawnOptions(ctx));
  try {
    const bootMs = Date.now() - op.spawnedAt;
    await startOn(op, cluster, { install: false, expectClaims: claims });
    const deadline = Date.now() + convergeTimeoutMs(claims);
    let startup = await op.startup();
    while (!startup.allReconciled) {
      if (Date.now() > deadline) {
        const m = await op.metrics();
        throw new Error(
          `restarted operator did not re-check ${claims} claims in time: ${JSON.stringify(startup)}; reconciles ${countsText(m.reconciles)}, claims cached ${m.claims}, queued ${m.queued}`,
        );
      }
      await sleep(100);
      startup = await op.startup();
    }
    const loopDelay = await op.loopDelay();
    const metrics = await settle(op, 2000, convergeTimeoutMs(claims));
    return { claims, bootMs, startup, metrics, loopDelay };
  } finally {
    await op.stop();
  }
}

export async function startupScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const restarts = await withCluster({ log: ctx.log }, async (cluster) => {
    await createNamespace(cluster.admin, NAMESPACE);
    const out: Restart[] = [];
    let have = 0;
    for (const size of ctx.sizes.startup) {
      await grow(ctx, cluster, have, size, have === 0);
      have = size;
      const r = await restart(ctx, cluster, size);
      ctx.log(
        `restart with ${size} claims: all re-checked after ${ms((r.startup.allReconciled ?? NaN) - r.startup.startCalled)}, writes ${writesOf(r.metrics)}`,
      );
      out.push(r);
    }
    return out;
  });
  const since = (r: Restart, t: number | undefined): string => (t ? ms(t - r.startup.startCalled) : 'n/a');
  const table: Table = {
    columns: [
      'claims',
      'process boot',
      'caches synced',
      'first reconcile',
      'all re-checked',
      'reconciles',
      'writes',
      'max loop delay',
      'requests by verb/code',
    ],
    rows: restarts.map((r) => [
      String(r.claims),
      ms(r.bootMs),
      since(r, r.startup.cachesSynced),
      since(r, r.startup.firstReconcile),
      since(r, r.startup.allReconciled),
      String(total(r.metrics.reconciles)),
      String(writesOf(r.metrics)),
      ms(r.loopDelay.max),
      countsText(r.metrics.api),
    ]),
  };
  const goals: Goal[] = restarts.map((r) => ({
    goal: `zero writes on start-up with ${r.claims} claims`,
    target: '0',
    measured: `${writesOf(r.metrics)}${total(r.metrics.writes) ? ` (${countsText(r.metrics.writes)})` : ''}`,
    met: writesOf(r.metrics) === 0,
  }));
  return {
    name: 'startup',
    title: '6. Start-up with claims present',
    tables: [table],
    goals,
    notes: [
      'times from startOperator() in the new process',
      '"caches synced": the Composition controller\'s informers; "first reconcile" implies the claim and child caches synced',
      '"max loop delay": the longest the new process\'s event loop was blocked (timers, probes, watch reads wait that long); milestones are polled on a 5 ms timer, so they are late by up to that delay',
      '"process boot" is node loading the operator code (compiled JavaScript, or tsx with --runtime tsx)',
    ],
    data: { restarts },
  };
}
