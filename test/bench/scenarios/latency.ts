/**
 * Scenario 5, latency: one claim at a time on an idle operator, from the create request to the
 * claim seen Synced=True on the harness's watch (and to Ready=True); p50/p99 over L claims.
 */
import { ClaimTracker, createClaims } from '../claims.ts';
import { createNamespace, withCluster } from '../cluster.ts';
import type { BenchContext } from '../context.ts';
import { deletionOf, diffMetrics, settle, spawnOptions, startOn, warmUp } from '../operator-run.ts';
import { withOperator } from '../operator-process.ts';
import type { Goal, ScenarioResult, Table } from '../report.ts';
import { countsText, ms, summarize, total } from '../stats.ts';

const NAMESPACE = 'bench';

export async function latencyScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const count = ctx.sizes.latencyClaims;
  const result = await withCluster({ log: ctx.log }, (cluster) =>
    withOperator(spawnOptions(ctx), async (op) => {
      await startOn(op, cluster, deletionOf(ctx));
      await warmUp(cluster.admin, op);
      await createNamespace(cluster.admin, NAMESPACE);
      const tracker = new ClaimTracker(cluster.admin, NAMESPACE);
      await tracker.start();
      const synced: number[] = [];
      const ready: number[] = [];
      const before = await settle(op, 500);
      try {
        for (let i = 0; i < count; i++) {
          const t0 = performance.now();
          const [key] = await createClaims(cluster.admin, NAMESPACE, i, i + 1, 1);
          await tracker.waitSynced([key!], 30_000);
          await tracker.waitReady([key!], 30_000);
          synced.push(tracker.syncedAt.get(key!)! - t0);
          ready.push(tracker.readyAt.get(key!)! - t0);
          await settle(op, 300); // idle again before the next claim
        }
      } finally {
        await tracker.stop();
      }
      const metrics = diffMetrics(await op.metrics(), before);
      ctx.log(`latency: p50 ${ms(summarize(synced).p50)}, p99 ${ms(summarize(synced).p99)}`);
      return { synced, ready, metrics };
    }),
  );
  const s = summarize(result.synced);
  const r = summarize(result.ready);
  const table: Table = {
    columns: ['create ->', 'claims', 'p50', 'p90', 'p99', 'max', 'mean'],
    rows: [
      ['Synced=True', String(s.n), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), ms(s.mean)],
      ['Ready=True', String(r.n), ms(r.p50), ms(r.p90), ms(r.p99), ms(r.max), ms(r.mean)],
    ],
  };
  const reconcileMean =
    (result.metrics.reconcileSeconds.sum / Math.max(1, result.metrics.reconcileSeconds.count)) * 1000;
  const goals: Goal[] = [
    {
      goal: 'p99 create-to-Synced, idle operator',
      target: '<= 200 ms',
      measured: ms(s.p99),
      met: s.p99 <= 200,
    },
  ];
  return {
    name: 'latency',
    title: `5. Latency (${count} claims, one at a time)`,
    tables: [table],
    goals,
    notes: [
      `operator per claim: ${(total(result.metrics.reconciles) / count).toFixed(1)} reconciles, mean reconcile ${ms(reconcileMean)}, writes ${countsText(result.metrics.writes)}`,
      'measured by the harness: create request sent -> watch event with the condition (includes watch delivery)',
    ],
    data: result,
  };
}
