import { expect } from 'chai';
import type { KubeClient } from '../../../engine/kube/client.ts';
import {
  AlreadyExistsError,
  ConflictError,
  NotFoundError,
  UnavailableError,
} from '../../../engine/kube/errors.ts';
import { LeaderElector, type Lease } from '../../../engine/kube/leader-elector.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { FakeClock, settle } from './fakes.ts';

/** One Lease with resourceVersion semantics, like the API server. */
class LeaseServer {
  lease: Lease | undefined;
  calls: string[] = [];
  down = false;
  private rv = 0;

  private check(verb: string): void {
    this.calls.push(verb);
    if (this.down) throw new UnavailableError('connection refused', { status: 0, reason: 'Unavailable' });
  }

  private store(obj: KubeObject): Lease {
    this.lease = structuredClone({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv) },
    });
    return structuredClone(this.lease);
  }

  /** Another writer (e.g. a different candidate) changes the lease. */
  write(spec: Lease['spec']): void {
    this.store({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'l', namespace: 'ns' },
      spec,
    });
  }

  readonly client = {
    find: <T extends KubeObject = KubeObject>(): Promise<T | undefined> => {
      this.check('get');
      return Promise.resolve(this.lease ? (structuredClone(this.lease) as unknown as T) : undefined);
    },
    create: <T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> => {
      this.check('create');
      if (this.lease) throw new AlreadyExistsError('exists', { status: 409, reason: 'AlreadyExists' });
      return Promise.resolve(this.store(obj) as unknown as T);
    },
    update: <T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> => {
      this.check('update');
      if (!this.lease) throw new NotFoundError('not found', { status: 404, reason: 'NotFound' });
      if (obj.metadata.resourceVersion !== this.lease.metadata.resourceVersion) {
        throw new ConflictError('the object has been modified', { status: 409, reason: 'Conflict' });
      }
      return Promise.resolve(this.store(obj) as unknown as T);
    },
  } satisfies Pick<KubeClient, 'find' | 'create' | 'update'>;
}

describe('LeaderElector (fake clock)', () => {
  let clock: FakeClock;
  let server: LeaseServer;
  let log: string[];
  const electors: LeaderElector[] = [];

  beforeEach(() => {
    clock = new FakeClock();
    server = new LeaseServer();
    log = [];
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
  });

  function candidate(identity: string, releaseOnStop = true): LeaderElector {
    const e = new LeaderElector({
      client: server.client,
      namespace: 'ns',
      name: 'l',
      identity,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      releaseOnStop,
      clock,
      logger: silentLogger,
      onStartedLeading: (signal) => {
        log.push(`start ${identity}`);
        signal.addEventListener('abort', () => log.push(`signal ${identity}`));
      },
      onStoppedLeading: () => {
        log.push(`stop ${identity}`);
      },
    });
    electors.push(e);
    return e;
  }

  it('creates the lease, then renews it every retry period with updates only', async () => {
    const a = candidate('a');
    a.start();
    await settle();
    expect(a.isLeader()).to.equal(true);
    expect(server.lease?.spec).to.include({
      holderIdentity: 'a',
      leaseDurationSeconds: 15,
      leaseTransitions: 0,
    });
    const acquired = server.lease?.spec?.acquireTime;
    expect(acquired).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    await clock.advance(10_000);
    expect(server.calls).to.deep.equal(['get', 'create', 'update', 'update', 'update', 'update', 'update']);
    expect(server.lease?.spec?.acquireTime).to.equal(acquired);
    expect(server.lease?.spec?.renewTime).to.not.equal(acquired);
  });

  it('lets exactly one lead; a graceful stop releases so the other takes over within a retry period', async () => {
    const a = candidate('a');
    const b = candidate('b');
    a.start();
    await settle();
    b.start();
    await clock.advance(60_000);
    expect([a.isLeader(), b.isLeader()]).to.deep.equal([true, false]);
    expect(b.leader()).to.equal('a');
    await a.stop();
    expect(server.lease?.spec?.holderIdentity).to.equal('');
    await clock.advance(2_500);
    expect(b.isLeader()).to.equal(true);
    expect(server.lease?.spec).to.include({ holderIdentity: 'b', leaseTransitions: 1 });
    expect(log).to.deep.equal(['start a', 'signal a', 'stop a', 'start b']);
  });

  it('judges expiry by when it saw the record change, not by the holder’s clock', async () => {
    // a holder whose renewTime says 1970 but which may well be alive: wait a full lease duration
    server.write({
      holderIdentity: 'x',
      leaseDurationSeconds: 15,
      renewTime: '1970-01-01T00:00:00.000000Z',
      leaseTransitions: 4,
    });
    const b = candidate('b');
    b.start();
    await clock.advance(14_000);
    expect(b.isLeader()).to.equal(false);
    server.write({ ...server.lease!.spec, renewTime: '1970-01-01T00:00:01.000000Z' }); // x renews
    await clock.advance(14_000);
    expect(b.isLeader()).to.equal(false);
    // 15 s after b saw the change (it polls every 2–2.4 s, jittered, so it saw it by 16.4 s), plus one
    // more jittered poll to take the lease: by 33.8 s at the latest
    await clock.advance(6_000);
    expect(b.isLeader()).to.equal(true);
    expect(server.lease?.spec).to.include({ holderIdentity: 'b', leaseTransitions: 5 });
  });

  it('steps down when it cannot renew within the deadline, and competes again afterwards', async () => {
    const a = candidate('a');
    a.start();
    await settle();
    server.down = true;
    await clock.advance(8_000);
    expect(a.isLeader()).to.equal(true);
    await clock.advance(4_000);
    expect(a.isLeader()).to.equal(false);
    expect(log).to.deep.equal(['start a', 'signal a', 'stop a']);
    server.down = false;
    await clock.advance(3_000);
    expect(a.isLeader()).to.equal(true); // its own lease: no need to wait for expiry
    expect(server.lease?.spec?.leaseTransitions).to.equal(0);
  });

  it('steps down at once when another holder has taken the lease', async () => {
    const a = candidate('a');
    a.start();
    await settle();
    server.write({ holderIdentity: 'intruder', leaseDurationSeconds: 15, leaseTransitions: 1 });
    await clock.advance(2_500);
    expect(a.isLeader()).to.equal(false);
    expect(a.leader()).to.equal('intruder');
    expect(log).to.deep.equal(['start a', 'signal a', 'stop a']);
  });

  it('without release, a stopped leader’s lease must expire before another takes it', async () => {
    const a = candidate('a', false);
    const b = candidate('b');
    a.start();
    await settle();
    b.start();
    await settle();
    await a.stop();
    expect(server.lease?.spec?.holderIdentity).to.equal('a');
    await clock.advance(12_000);
    expect(b.isLeader()).to.equal(false);
    await clock.advance(6_000);
    expect(b.isLeader()).to.equal(true);
  });
});
