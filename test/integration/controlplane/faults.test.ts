import { expect } from 'chai';
import type { InformerStats } from '../../../engine/kube/index.ts';
import { eventually } from '../../support/http.ts';
import {
  installWidgets,
  report,
  seededWorld,
  startFaultCluster,
  startFaultOperator,
  type FaultCluster,
  type TestOperator,
} from './fault-support.ts';

const delta = (after: InformerStats, before: InformerStats): InformerStats => ({
  lists: after.lists - before.lists,
  watches: after.watches - before.watches,
  errors: after.errors - before.errors,
  relists: after.relists - before.relists,
});

/**
 * The operator keeps running while kube-apiserver or etcd restarts, watches are cut short, or its
 * resourceVersions are compacted away; every change made right after the fault is reconciled.
 * Recovery time: from the API server answering /readyz again to the cluster matching every change
 * made at that moment.
 */
describe('control-plane faults: the operator recovers on its own and misses no change', function () {
  this.timeout(240_000);
  let cluster: FaultCluster;
  let op: TestOperator | undefined;

  before(async () => {
    cluster = await startFaultCluster();
    const installer = await startFaultOperator(cluster.cp);
    await installWidgets(cluster.client);
    await installer.operator.stop();
  });
  afterEach(async () => {
    await op?.operator.stop();
    op = undefined;
  });
  after(async () => {
    await cluster?.stop();
  });

  it('kube-apiserver crashes (SIGKILL) and stays down 12 s; the leader-elected operator carries on', async () => {
    // production settings: leader election with the default 15 s lease; the outage outlasts the
    // 10 s renew deadline, so the operator steps down and must win its own lease back
    op = await startFaultOperator(cluster.cp, { leaderElect: true, leaseName: 'faults-apiserver' });
    await eventually('the operator to lead', () => (op?.operator.isLeader() ? true : undefined), 30_000);
    const world = await seededWorld(cluster.client, 'apiserver');
    const readyAt = await cluster.cp.restartApiserver({ signal: 'SIGKILL', downMs: 12_000, flags: [] });
    const changes = await world.disturb();
    const recovery = await world.converged(readyAt);
    report(
      `kube-apiserver down 12 s: ${changes.length} changes reconciled ${recovery} ms after /readyz ` +
        `(leading again: ${String(op.operator.isLeader())})`,
    );
    expect(await world.difference()).to.equal(undefined);
    // and it keeps working: a second round long after the fault
    const second = Date.now();
    await world.disturb();
    await world.converged(second);
  });

  it('etcd crashes (SIGKILL) and comes back with the same data', async () => {
    op = await startFaultOperator(cluster.cp);
    const world = await seededWorld(cluster.client, 'etcd');
    const readyAt = await cluster.cp.restartEtcd({ signal: 'SIGKILL', downMs: 3000 });
    const changes = await world.disturb();
    const recovery = await world.converged(readyAt);
    report(`etcd restart: ${changes.length} changes reconciled ${recovery} ms after /readyz`);
    const second = Date.now();
    await world.disturb();
    await world.converged(second);
  });

  it('a 410 Gone on every watch (history compacted while the API server was down) relists and converges', async () => {
    op = await startFaultOperator(cluster.cp);
    const world = await seededWorld(cluster.client, 'gone');
    const before = op.operator.informerStats();
    // a write nobody watches moves etcd's revision past every informer's resourceVersion
    await cluster.client.create({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'bump', namespace: world.namespace },
    });
    await cluster.cp.stopApiserver();
    const compactedAt = await cluster.cp.compactEtcd();
    const readyAt = await cluster.cp.startApiserver([]);
    const changes = await world.disturb();
    const recovery = await world.converged(readyAt);
    const stats = delta(op.operator.informerStats(), before);
    report(
      `410 Gone (etcd compacted at revision ${compactedAt}): ${stats.relists} relists after 410, ` +
        `${changes.length} changes reconciled ${recovery} ms after /readyz`,
    );
    expect(stats.relists, 'the informers were told their resourceVersion is gone').to.be.greaterThan(0);
  });

  it('watches closed by the server every few seconds (--min-request-timeout=3) lose nothing', async () => {
    await cluster.cp.restartApiserver({ flags: ['--min-request-timeout=3'] });
    // no timeoutSeconds from the client: the server ends each watch after 3-6 s
    op = await startFaultOperator(cluster.cp, { informers: { watchTimeoutSeconds: 0 } });
    const world = await seededWorld(cluster.client, 'shortwatch');
    const before = op.operator.informerStats();
    const started = Date.now();
    const recoveries: number[] = [];
    while (Date.now() - started < 30_000) {
      const at = Date.now();
      await world.disturb();
      recoveries.push(await world.converged(at));
      await new Promise((r) => setTimeout(r, 2000));
    }
    const stats = delta(op.operator.informerStats(), before);
    const informers = op.operator.informerStats();
    report(
      `min-request-timeout=3 for ${Math.round((Date.now() - started) / 1000)} s: ${stats.watches} watch restarts ` +
        `(${informers.watches} watches in all), ${stats.errors} errors, ${stats.relists} relists; ` +
        `${recoveries.length} rounds, reconciled in ${Math.min(...recoveries)}-${Math.max(...recoveries)} ms`,
    );
    expect(stats.watches, 'the server ended the watches and they were reopened').to.be.greaterThan(10);
    expect(stats.errors, 'a server-ended watch is not a failure').to.equal(0);
    expect(await world.difference()).to.equal(undefined);
  });
});
