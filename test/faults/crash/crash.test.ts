/**
 * Issue 9, crashes: the operator is SIGKILLed at seeded moments while 1,000 claims converge (and while
 * some are updated and deleted), restarted after each kill, and the final state must equal that of an
 * undisturbed run of the same workload — no orphaned, duplicated or missing object, no claim stuck,
 * no finalizer left behind. One control plane for every run; a namespace per run, emptied afterwards.
 *
 * `KUBIFY_FAULT_SEEDS=3,7` re-runs given seeds; `KUBIFY_CRASH_CLAIMS` changes the claim count.
 */
import { expect } from 'chai';
import {
  installAppComposition,
  OPERATOR_NAMESPACE,
  startBenchCluster,
  type BenchCluster,
} from '../../bench/cluster.ts';
import { OperatorProcess, type SpawnOptions } from '../../bench/operator-process.ts';
import { faultSeeds } from '../support/rng.ts';
import { auditTrail, crashRun, killPlan, type RunResult } from './run.ts';
import { checkInvariants, diffSnapshots } from './snapshot.ts';
import { crashWorkload } from './workload.ts';

const CLAIMS = Number(process.env.KUBIFY_CRASH_CLAIMS ?? 1000);
const SEEDS = faultSeeds(10);
const CONVERGE_TIMEOUT_MS = 240_000;

const log = (line: string): void => {
  process.stdout.write(`      ${line}\n`);
};
const spawn: SpawnOptions = { runtime: 'js', log: () => undefined };
const s = (msValue: number): string => `${(msValue / 1000).toFixed(1)} s`;

function describeRun(name: string, r: RunResult): string {
  const kills = r.kills.map((k) => `${s(k.atMs)} (${k.syncedBefore} synced)`).join(', ') || 'none';
  const restarts = r.restartMs.length ? ` (restarts ${r.restartMs.map(s).join(', ')})` : '';
  return (
    `${name}: ${r.kills.length} kill(s) at ${kills}; converged ${s(r.convergeMs)} after the last ` +
    `${r.kills.length ? 'kill' : 'start'}${restarts}, ${s(r.totalMs)} in all; reconciles ` +
    `${r.reconciles.join(' + ')} = ${r.reconciles.reduce((a, b) => a + b, 0)} over ` +
    `${r.reconciles.length} process(es); snapshot ${s(r.snapshotMs)}, clean-up ${s(r.cleanupMs)}`
  );
}

describe(`operator crashes: SIGKILL while ${CLAIMS} claims converge (faults)`, function () {
  this.timeout(20 * 60_000);
  let cluster: BenchCluster | undefined;
  let baseline: RunResult | undefined;
  const figures: string[] = [];

  before(async function () {
    cluster = await startBenchCluster({ log, audit: process.env.KUBIFY_CRASH_AUDIT === '1' });
    // The Composition needs a running operator to become Ready; that operator goes away again.
    const op = await OperatorProcess.spawn(spawn);
    try {
      await op.start({ kubeconfig: cluster.operatorKubeconfig, namespace: OPERATOR_NAMESPACE });
      await installAppComposition(cluster, 120_000, { extras: true });
    } finally {
      await op.stop();
    }
    const w = crashWorkload('crash-baseline', CLAIMS);
    baseline = await crashRun(
      cluster,
      w,
      { kills: [], lateMutationsAtMs: 3000, convergeTimeoutMs: CONVERGE_TIMEOUT_MS },
      spawn,
    );
    const line = describeRun('undisturbed', baseline);
    figures.push(line);
    log(
      `${line}; ${Object.keys(baseline.snapshot.objects).length} composed objects, ` +
        `${w.updates.size} updated and ${w.deletes.length} deleted claims`,
    );
  });

  after(async function () {
    if (figures.length) log(`crash figures:\n        ${figures.join('\n        ')}`);
    await cluster?.stop();
  });

  it('the undisturbed run converges to the expected state', function () {
    const b = baseline!;
    expect(b.notConverged, 'undisturbed run did not converge').to.equal(undefined);
    expect(checkInvariants(b.snapshot)).to.deep.equal([]);
    const w = crashWorkload('crash-baseline', CLAIMS);
    const live = Object.values(b.snapshot.claims).filter((c) => c.exists).length;
    expect(live).to.equal(CLAIMS - w.deletes.length);
    // five objects per live claim, plus the extras ConfigMap of those that end with extras=true
    const extras = w.claims.filter((c) => {
      const name = c.metadata.name!;
      if (w.deletes.includes(name)) return false;
      return (w.updates.get(name)?.extras ?? (c.spec as { extras: boolean }).extras) === true;
    }).length;
    expect(Object.keys(b.snapshot.objects).length).to.equal(live * 5 + extras);
  });

  for (const seed of SEEDS) {
    it(`seed ${seed}: after SIGKILLs the final state equals the undisturbed run`, async function () {
      const plan = killPlan(seed, baseline!.totalMs, CONVERGE_TIMEOUT_MS);
      const w = crashWorkload(`crash-seed-${seed}`, CLAIMS);
      const result = await crashRun(cluster!, w, plan, spawn);
      const line = describeRun(`seed ${seed}`, result);
      figures.push(line);
      log(line);
      const problems = [
        ...(result.notConverged ? [`not converged: ${result.notConverged}`] : []),
        ...checkInvariants(result.snapshot).map((p) => `invariant: ${p}`),
        ...diffSnapshots(result.snapshot, baseline!.snapshot).map((d) => `diff: ${d}`),
      ];
      if (problems.length) {
        log(
          `seed ${seed}: ${problems.length} problem(s):\n        ${problems.slice(0, 40).join('\n        ')}`,
        );
        const claim = /\b(app-\d{5})\b/.exec(problems[0]!)?.[1];
        if (cluster!.auditLog && claim) {
          const trail = auditTrail(cluster!.auditLog, w.namespace, claim);
          log(`audit trail of ${claim}:\n        ${trail.join('\n        ')}`);
        }
      }
      expect(problems.slice(0, 40), `seed ${seed}: ${problems.length} problem(s)`).to.deep.equal([]);
    });
  }
});
