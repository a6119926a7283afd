import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lease } from '../../../engine/kube/index.ts';
import {
  AUDIT_FLUSH_MS,
  METADATA_AUDIT_POLICY,
  readAuditLog,
  type AuditRecord,
} from '../../bench/apiserver.ts';
import { OperatorProcess } from '../../bench/operator-process.ts';
import { eventually } from '../../support/http.ts';
import {
  installWidgets,
  report,
  seededWorld,
  startFaultCluster,
  startFaultOperator,
  type FaultCluster,
} from './fault-support.ts';

/**
 * Lease timing of these replicas. Another replica takes over a dead leader's lease at most
 * leaseDuration after the leader's last renewal plus two of its own retry periods (one to see that
 * renewal, one to act after expiry), each up to 1.2 x retryPeriod with jitter:
 * 8 s + 2 x 1.2 x 1.6 s = 11.8 s < 15 s. The fence lets a leader write until 0.66 x 8 s = 5.3 s after
 * it sent its last successful renewal, 2.7 s before anyone else may acquire the lease.
 */
const LEASE_DURATION_MS = 8000;
const RETRY_PERIOD_MS = Math.max(200, Math.floor(LEASE_DURATION_MS / 5));
const HANDOVER_BOUND_MS = LEASE_DURATION_MS + 2 * 1.2 * RETRY_PERIOD_MS;
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

describe('leadership: two operator replicas (child processes)', function () {
  this.timeout(300_000);
  let cluster: FaultCluster;
  let auditDir: string;
  let auditLog: string;
  const children: OperatorProcess[] = [];

  const leaseRef = (name: string) => ({
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    namespace: 'kubify-system',
    name,
  });
  const holder = async (leaseName: string): Promise<string> =>
    (await cluster.client.find<Lease>(leaseRef(leaseName)))?.spec?.holderIdentity ?? '';

  async function replicas(leaseName: string): Promise<{
    leader: OperatorProcess;
    follower: OperatorProcess;
    ids: Map<OperatorProcess, string>;
  }> {
    const ids = new Map<OperatorProcess, string>();
    await Promise.all(
      ['a', 'b'].map(async (suffix) => {
        const child = await OperatorProcess.spawn({ runtime: 'tsx', log: () => {} });
        children.push(child);
        const identity = `${leaseName}-${suffix}`;
        ids.set(child, identity);
        await child.start({
          kubeconfig: cluster.cp.kubeconfigPath,
          namespace: 'kubify-system',
          workers: 4,
          leaderElect: true,
          leaseDurationMs: LEASE_DURATION_MS,
          leaseName,
          identity,
        });
      }),
    );
    const held = await eventually('a leader', async () => (await holder(leaseName)) || undefined, 60_000);
    const [leader, follower] = [...ids.keys()].sort((x) => (ids.get(x) === held ? -1 : 1)) as [
      OperatorProcess,
      OperatorProcess,
    ];
    expect(ids.get(leader)).to.equal(held);
    await eventually('the leader to say so', async () =>
      (await leader.leader()).isLeader ? true : undefined,
    );
    expect((await follower.leader()).isLeader).to.equal(false);
    return { leader, follower, ids };
  }

  /** Polls the Lease until `identity` holds it; returns Date.now() at that moment. */
  async function takenBy(leaseName: string, identity: string, timeoutMs = 60_000): Promise<number> {
    return eventually(
      `${identity} to hold ${leaseName}`,
      async () => ((await holder(leaseName)) === identity ? Date.now() : undefined),
      timeoutMs,
    );
  }

  before(async () => {
    auditDir = mkdtempSync(join(tmpdir(), 'kubify-audit-'));
    auditLog = join(auditDir, 'audit.log');
    writeFileSync(join(auditDir, 'policy.yaml'), METADATA_AUDIT_POLICY);
    cluster = await startFaultCluster({
      apiserverFlags: [
        `--audit-policy-file=${join(auditDir, 'policy.yaml')}`,
        `--audit-log-path=${auditLog}`,
        '--audit-log-mode=blocking',
      ],
    });
    const installer = await startFaultOperator(cluster.cp);
    await installWidgets(cluster.client);
    await installer.operator.stop();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.signal('SIGCONT');
      await child.stop();
    }
  });
  after(async () => {
    await cluster?.stop();
    if (auditDir) rmSync(auditDir, { recursive: true, force: true });
  });

  it(`SIGKILL of the leader: the other replica takes over within 15 s and finishes the work`, async () => {
    expect(HANDOVER_BOUND_MS, 'the lease settings guarantee the bound').to.be.below(15_000);
    const { leader, follower, ids } = await replicas('lease-kill');
    const world = await seededWorld(cluster.client, 'kill');
    // work in flight when the leader dies
    await world.disturb();
    const killedAt = Date.now();
    leader.signal('SIGKILL');
    await leader.waitForExit();
    const takenAt = await takenBy('lease-kill', ids.get(follower)!, 30_000);
    const handover = takenAt - killedAt;
    const finished = await world.converged(killedAt);
    const after = Date.now();
    await world.disturb();
    const second = await world.converged(after);
    report(
      `SIGKILL hand-over: lease taken ${handover} ms after the kill (bound ${HANDOVER_BOUND_MS} ms); ` +
        `work finished ${finished} ms after the kill; next round in ${second} ms`,
    );
    expect(handover).to.be.below(15_000);
    expect((await follower.leader()).isLeader).to.equal(true);
  });

  it('SIGSTOP of the leader: the other takes over; after SIGCONT the old one writes nothing (audit log)', async () => {
    const { leader, follower, ids } = await replicas('lease-stop');
    const oldAgent = `kubify-operator/${ids.get(leader)!}`;
    const newAgent = `kubify-operator/${ids.get(follower)!}`;
    const world = await seededWorld(cluster.client, 'stop');
    const stoppedAt = Date.now();
    leader.signal('SIGSTOP');
    // changes while it is frozen: they reach its (buffered) watches too, so it has work when it wakes
    await world.disturb();
    const takenAt = await takenBy('lease-stop', ids.get(follower)!, 30_000);
    await world.converged(stoppedAt);
    await new Promise((r) => setTimeout(r, 1000));
    const resumedAt = Date.now();
    leader.signal('SIGCONT');
    const state = await eventually(
      'the old leader to step down',
      async () => {
        const s = await leader.leader();
        return s.isLeader ? undefined : s;
      },
      30_000,
    );
    // more work after it woke: only the new leader may do it
    const again = Date.now();
    await world.disturb();
    await world.converged(again);
    await new Promise((r) => setTimeout(r, LEASE_DURATION_MS + AUDIT_FLUSH_MS));
    const after = await leader.leader();

    const audit = readAuditLog(auditLog);
    const writes = (agent: string): AuditRecord[] =>
      audit.filter((e) => e.userAgent === agent && WRITE_VERBS.has(e.verb));
    // the moment the lease changed hands, by the server's own record: the new leader's first
    // successful Lease write after the old one froze
    const takeover = writes(newAgent)
      .filter(
        (e) =>
          e.resource === 'leases.coordination.k8s.io' &&
          e.name === 'lease-stop' &&
          e.code >= 200 &&
          e.code < 300 &&
          e.receivedAt >= stoppedAt - 1000,
      )
      .sort((x, y) => x.receivedAt - y.receivedAt)[0];
    expect(takeover, 'the audit log has the takeover').to.not.equal(undefined);
    const oldWrites = writes(oldAgent);
    const late = oldWrites.filter((e) => e.receivedAt >= takeover!.receivedAt);
    const lateWork = late.filter((e) => e.resource !== 'leases.coordination.k8s.io');
    const lateLease = late.filter((e) => e.resource === 'leases.coordination.k8s.io');
    const beforeStop = oldWrites.filter((e) => e.receivedAt < stoppedAt).length;
    report(
      `SIGSTOP: lease taken ${takenAt - stoppedAt} ms after the stop; old leader resumed ${resumedAt - stoppedAt} ms ` +
        `after the stop; it made ${beforeStop} writes before the stop and ${lateWork.length} after losing the lease ` +
        `(${lateLease.length} failed Lease attempts: ${lateLease.map((e) => e.code).join(', ')}); ` +
        `${after.fencedWrites} writes refused by its fence (${state.fencedWrites} when it stepped down)`,
    );
    expect(beforeStop, 'the audit log attributes the old leader’s writes').to.be.greaterThan(0);
    expect(
      lateWork.map((e) => `${e.verb} ${e.resource} ${e.namespace ?? ''}/${e.name ?? ''} -> ${e.code}`),
      'writes by the old leader after it lost the lease',
    ).to.deep.equal([]);
    expect(
      lateLease.every((e) => e.code === 409),
      'its Lease attempts all failed',
    ).to.equal(true);
    expect(after.isLeader).to.equal(false);
    expect(after.fencedWrites, 'it had work when it woke, and the fence stopped it').to.be.greaterThan(0);
  });
});
