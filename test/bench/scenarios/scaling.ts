/**
 * Scenario 7, scaling: time per claim (convergence time / N) across the convergence sizes; reuses the
 * convergence runs of this invocation, or runs them (kubify only) when convergence was not asked for.
 */
import type { BenchContext } from '../context.ts';
import type { Goal, ScenarioResult, Table } from '../report.ts';
import { ms, num } from '../stats.ts';
import { convergenceData } from './convergence.ts';

export async function scalingScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const data = await convergenceData(ctx, false);
  const runs = data.kubify;
  const base = runs[0];
  const table: Table = {
    columns: ['claims', 'converged in', 'per claim', 'vs smallest', 'claims/s', 'mean reconcile'],
    rows: runs.map((r) => [
      num(r.claims),
      ms(r.convergeMs),
      ms(r.perClaimMs),
      base ? `${(r.perClaimMs / base.perClaimMs).toFixed(2)}x` : 'n/a',
      num(r.throughput, 1),
      ms((r.metrics.reconcileSeconds.sum / Math.max(1, r.metrics.reconcileSeconds.count)) * 1000),
    ]),
  };
  const per = runs.map((r) => r.perClaimMs);
  const spread = per.length ? Math.max(...per) / Math.min(...per) : NaN;
  const sizes = runs.map((r) => num(r.claims)).join(' -> ');
  const full = runs.some((r) => r.claims === 100) && runs.some((r) => r.claims === 5000);
  const goals: Goal[] = [
    {
      goal: `time per claim flat, ${sizes} claims`,
      target: 'max/min <= 1.2',
      measured: `${spread.toFixed(2)}x`,
      met: full ? spread <= 1.2 : undefined,
    },
  ];
  return {
    name: 'scaling',
    title: '7. Scaling (time per claim)',
    tables: [table],
    goals,
    notes: full
      ? []
      : ['the goal is judged on 100 -> 5,000 claims (full run); a quick run only reports the spread'],
    data: {
      runs: runs.map((r) => ({ claims: r.claims, convergeMs: r.convergeMs, perClaimMs: r.perClaimMs })),
    },
  };
}
