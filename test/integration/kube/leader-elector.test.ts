import { expect } from 'chai';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { LeaderElector, type Lease } from '../../../engine/kube/leader-elector.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import { newNamespace } from '../../support/cluster.ts';
import { adminClient, eventually } from './support.ts';

describe('LeaderElector (real API server)', () => {
  let client: HttpKubeClient;
  const electors: LeaderElector[] = [];
  before(async () => {
    client = await adminClient();
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
  });
  after(() => client.close());

  function candidate(ns: string, identity: string, log: string[], releaseOnStop = true): LeaderElector {
    const e = new LeaderElector({
      client,
      namespace: ns,
      name: 'kubify-leader',
      identity,
      leaseDurationMs: 2_000,
      renewDeadlineMs: 1_500,
      retryPeriodMs: 200,
      releaseOnStop,
      onStartedLeading: () => log.push(`start ${identity}`),
      onStoppedLeading: () => {
        log.push(`stop ${identity}`);
      },
      logger: silentLogger,
    });
    electors.push(e);
    return e;
  }

  const lease = (ns: string) =>
    client.get<Lease>({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: ns,
      name: 'kubify-leader',
    });

  it('elects exactly one leader; a graceful stop hands over at once', async () => {
    const ns = await newNamespace('lease-graceful');
    const log: string[] = [];
    const a = candidate(ns, 'a', log);
    const b = candidate(ns, 'b', log);
    a.start();
    await eventually('a leads', () => a.isLeader());
    b.start();
    // b keeps trying for longer than a lease duration: a renews, so b never leads
    await new Promise((r) => setTimeout(r, 2_500));
    expect(b.isLeader()).to.equal(false);
    expect(b.leader()).to.equal('a');
    const held = await lease(ns);
    expect(held.spec).to.include({ holderIdentity: 'a', leaseDurationSeconds: 2, leaseTransitions: 0 });
    await a.stop();
    expect((await lease(ns)).spec?.holderIdentity).to.equal('');
    await eventually('b leads', () => b.isLeader(), 5_000);
    expect(log).to.deep.equal(['start a', 'stop a', 'start b']);
    expect((await lease(ns)).spec).to.include({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('takes over once a crashed leader’s lease expires', async () => {
    const ns = await newNamespace('lease-expiry');
    const log: string[] = [];
    const a = candidate(ns, 'a', log, false); // stop() without release: like a crash
    const b = candidate(ns, 'b', log);
    a.start();
    await eventually('a leads', () => a.isLeader());
    b.start();
    await a.stop();
    expect((await lease(ns)).spec?.holderIdentity).to.equal('a');
    const stoppedAt = Date.now();
    await eventually('b leads', () => b.isLeader(), 10_000);
    // b had to wait for the lease to expire (2s from the last renewal it observed)
    expect(Date.now() - stoppedAt).to.be.greaterThan(500);
    expect((await lease(ns)).spec).to.include({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('renews while leading without reading the lease again', async () => {
    const ns = await newNamespace('lease-renew');
    const verbs: string[] = [];
    const counted = await adminClient({
      onRequest: (r) => {
        if (r.resource === 'leases.coordination.k8s.io') verbs.push(r.verb);
      },
    });
    const a = new LeaderElector({
      client: counted,
      namespace: ns,
      name: 'kubify-leader',
      identity: 'a',
      leaseDurationMs: 2_000,
      renewDeadlineMs: 1_500,
      retryPeriodMs: 100,
      logger: silentLogger,
    });
    electors.push(a);
    a.start();
    await eventually('five renewals', () => verbs.filter((v) => v === 'update').length >= 5);
    expect(a.isLeader()).to.equal(true);
    // one GET (404) and the create; after that only updates
    expect(verbs.slice(0, 2)).to.deep.equal(['get', 'create']);
    expect(verbs.slice(2).every((v) => v === 'update')).to.equal(true);
    await a.stop();
    counted.close();
  });
});
