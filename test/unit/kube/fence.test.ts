import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeClient } from '../../../engine/kube/client.ts';
import { ConflictError, NotFoundError, UnavailableError } from '../../../engine/kube/errors.ts';
import { LeaseFence, NotLeaderError, isNotLeader } from '../../../engine/kube/fence.ts';
import { HttpsTransport } from '../../../engine/kube/https-transport.ts';
import { KubeConfigData } from '../../../engine/kube/kubeconfig-data.ts';
import { LeaderElector, type Lease } from '../../../engine/kube/leader-elector.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { FakeClock, fakeClient, json, settle } from './fakes.ts';

const ctx = { verb: 'apply', resource: 'configmaps', name: 'x' };

describe('LeaseFence', () => {
  let t: number;
  const fence = (validForMs = 10_000): LeaseFence => new LeaseFence({ validForMs, now: () => t });
  beforeEach(() => (t = 1000));

  it('refuses writes until a lease write succeeded, then allows them until sent + validFor', () => {
    const f = fence();
    expect(f.held()).to.equal(false);
    expect(f.check(ctx)).to.be.instanceOf(NotLeaderError);
    f.renewed(500); // sent at 500, answered at 1000
    expect(f.held()).to.equal(true);
    expect(f.check(ctx)).to.equal(undefined);
    expect(f.remainingMs()).to.equal(9_500);
    t = 10_499;
    expect(f.held()).to.equal(true);
    t = 10_500; // validity counts from when the renewal was sent, not when it was answered
    expect(f.held()).to.equal(false);
    expect(f.remainingMs()).to.equal(0);
    const refused = f.check(ctx);
    expect(isNotLeader(refused)).to.equal(true);
    expect(refused?.reason).to.equal('NotLeader');
    expect(refused?.message).to.contain('apply configmaps x');
    expect(f.refused).to.equal(2);
  });

  it('a later renewal extends it, an older answer never shortens it, revoke ends it at once', () => {
    const f = fence();
    f.renewed(1000);
    f.renewed(3000);
    f.renewed(2000); // a slow answer to an earlier request
    t = 12_999;
    expect(f.held()).to.equal(true);
    f.revoke();
    expect(f.held()).to.equal(false);
  });

  it('a process paused past its deadline (SIGSTOP, GC) sees the fence expired before its first write', () => {
    const f = fence();
    f.renewed(1000);
    t = 2000;
    expect(f.check(ctx)).to.equal(undefined);
    t += 30_000; // the monotonic clock kept running while the process was stopped
    expect(f.check(ctx)).to.be.instanceOf(NotLeaderError);
  });

  it('rejects a non-positive validity', () => {
    expect(() => new LeaseFence({ validForMs: 0 })).to.throw(/positive/);
  });
});

describe('HttpKubeClient with a write fence', () => {
  it('refuses writes without sending them; reads and the unfenced view still go out', async () => {
    let t = 0;
    const f = new LeaseFence({ validForMs: 1000, now: () => t });
    const { transport, client } = fakeClient(undefined, { writeFence: f });
    transport.respond = (req) =>
      json(200, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'a', namespace: 'ns' },
        req: req.path,
      });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } };
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'a' };
    const writes = (): number => transport.requests.filter((r) => r.method !== 'GET').length;

    for (const write of [
      () => client.apply(cm),
      () => client.applyStatus(cm),
      () => client.create(cm),
      () => client.update(cm),
      () => client.patch(ref, { data: {} }),
      () => client.delete(ref),
      () => client.request({ method: 'POST', path: '/api/v1/namespaces/ns/configmaps', body: cm }),
    ]) {
      let err: unknown;
      await write().catch((e: unknown) => (err = e));
      expect(err, 'refused').to.be.instanceOf(NotLeaderError);
    }
    expect(writes(), 'nothing was sent').to.equal(0);
    expect(f.refused).to.equal(7);
    await client.get(ref); // reads are never fenced
    await client.unfenced().apply(cm); // the elector's own Lease writes
    expect(writes()).to.equal(1);

    f.renewed(0);
    await client.apply(cm);
    expect(writes()).to.equal(2);
    const sent = transport.requests.at(-1)!;
    expect(sent.guard, 'the transport asks again at the last moment').to.be.a('function');
    t = 1000;
    expect(sent.guard?.()).to.be.instanceOf(NotLeaderError);
  });

  it('fails a write whose fence expired while it waited for a connection', async () => {
    let t = 0;
    const f = new LeaseFence({ validForMs: 1000, now: () => t });
    f.renewed(0);
    const { transport, client } = fakeClient(undefined, { writeFence: f });
    let sentToServer = 0;
    transport.respond = (req) => {
      t = 5000; // queued behind other requests; meanwhile the lease ran out
      const refused = req.guard?.();
      if (refused) throw refused; // what HttpsTransport does on the socket event
      sentToServer++;
      return json(200, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    };
    let err: unknown;
    await client
      .apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns' } })
      .catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(NotLeaderError);
    expect(sentToServer).to.equal(0);
  });
});

/** One Lease with resourceVersion semantics; each candidate reaches it through its own link. */
class LeaseServer {
  lease: Lease | undefined;
  private rv = 0;
  private store(obj: KubeObject): Lease {
    this.lease = structuredClone({
      ...obj,
      metadata: { ...obj.metadata, resourceVersion: String(++this.rv) },
    });
    return structuredClone(this.lease);
  }
  link(isUp: () => boolean): Pick<KubeClient, 'find' | 'create' | 'update'> {
    const check = (): void => {
      if (!isUp()) throw new UnavailableError('partitioned', { status: 0, reason: 'Unavailable' });
    };
    return {
      find: <T extends KubeObject = KubeObject>(): Promise<T | undefined> => {
        check();
        return Promise.resolve(this.lease ? (structuredClone(this.lease) as unknown as T) : undefined);
      },
      create: <T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> => {
        check();
        if (this.lease) throw new ConflictError('exists', { status: 409, reason: 'AlreadyExists' });
        return Promise.resolve(this.store(obj) as unknown as T);
      },
      update: <T extends KubeObject = KubeObject>(obj: KubeObject): Promise<T> => {
        check();
        if (!this.lease) throw new NotFoundError('not found', { status: 404, reason: 'NotFound' });
        if (obj.metadata.resourceVersion !== this.lease.metadata.resourceVersion)
          throw new ConflictError('modified', { status: 409, reason: 'Conflict' });
        return Promise.resolve(this.store(obj) as unknown as T);
      },
    };
  }
}

describe('LeaderElector with a LeaseFence (fake clock)', () => {
  let clock: FakeClock;
  let server: LeaseServer;
  const electors: LeaderElector[] = [];
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop()));
  });
  beforeEach(() => {
    clock = new FakeClock();
    server = new LeaseServer();
  });

  function candidate(
    identity: string,
    isUp: () => boolean = () => true,
    hooks: Partial<{ stopped: () => void }> = {},
  ) {
    const fence = new LeaseFence({ validForMs: 10_000, now: () => clock.now() });
    const elector = new LeaderElector({
      client: server.link(isUp),
      namespace: 'ns',
      name: 'l',
      identity,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      clock,
      fence,
      logger: silentLogger,
      ...(hooks.stopped ? { onStoppedLeading: hooks.stopped } : {}),
    });
    electors.push(elector);
    return { elector, fence };
  }

  it('holds the fence while leading; a graceful stop keeps it until the controllers stopped, then releases', async () => {
    let heldWhileStopping: boolean | undefined;
    const a = candidate('a', undefined, { stopped: () => (heldWhileStopping = a.fence.held()) });
    a.elector.start();
    await settle();
    expect(a.elector.isLeader()).to.equal(true);
    expect(a.fence.held()).to.equal(true);
    await clock.advance(30_000); // renewals keep extending it
    expect(a.fence.held()).to.equal(true);
    expect(a.fence.remainingMs()).to.be.greaterThan(7_000);
    await a.elector.stop();
    expect(heldWhileStopping).to.equal(true);
    expect(a.fence.held()).to.equal(false);
    expect(server.lease?.spec?.holderIdentity).to.equal('');
  });

  it('revokes at once when another holder took the lease', async () => {
    const a = candidate('a');
    a.elector.start();
    await settle();
    const lease = server.lease!;
    await server.link(() => true).update({ ...lease, spec: { ...lease.spec, holderIdentity: 'intruder' } });
    await clock.advance(2_500);
    expect(a.elector.isLeader()).to.equal(false);
    expect(a.fence.held()).to.equal(false);
  });

  it('a partitioned leader’s fence is down before the other candidate can take the lease', async () => {
    let aUp = true;
    const a = candidate('a', () => aUp);
    const b = candidate('b');
    a.elector.start();
    await settle();
    b.elector.start();
    await clock.advance(7_000);
    expect(a.elector.isLeader()).to.equal(true);
    aUp = false; // a can no longer renew (paused, or cut off); b still reaches the server
    const partitionedAt = clock.now();
    let fenceDownAt: number | undefined;
    let bLeadsAt: number | undefined;
    for (let step = 0; step < 600 && bLeadsAt === undefined; step++) {
      await clock.advance(50, 50);
      expect(a.fence.held() && b.elector.isLeader(), 'both may write').to.equal(false);
      if (fenceDownAt === undefined && !a.fence.held()) fenceDownAt = clock.now();
      if (b.elector.isLeader()) bLeadsAt = clock.now();
    }
    expect(fenceDownAt, 'a stopped writing').to.be.a('number');
    expect(bLeadsAt, 'b took over').to.be.a('number');
    // a's fence ends renewDeadline after its last renewal was sent; b needs a full lease duration
    expect(fenceDownAt! - partitionedAt).to.be.at.most(10_000);
    expect(bLeadsAt! - fenceDownAt!).to.be.at.least(5_000 - 2_000);
  });
});

describe('HttpsTransport guard (real sockets)', () => {
  let server: Server;
  let seen: { method: string; agent: string }[];
  let releaseSlow: () => void;
  let transport: HttpsTransport;

  beforeEach(async () => {
    seen = [];
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    releaseSlow = release;
    server = createServer((req, res) => {
      seen.push({ method: req.method ?? '', agent: req.headers['user-agent'] ?? '' });
      req.resume();
      const answer = (): void => void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (req.url === '/slow') void slow.then(answer);
      else answer();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const kc = new KubeConfigData();
    kc.loadFromString(
      `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${(server.address() as AddressInfo).port}"}}]\n` +
        'users: [{name: u, user: {}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    transport = new HttpsTransport(kc, { maxSockets: 1, userAgent: 'kubify-operator/replica-a' });
  });
  afterEach(async () => {
    releaseSlow();
    transport.close();
    await new Promise((r) => server.close(r));
  });

  it('asks the guard when the request gets its socket: a write that waited too long is never sent', async () => {
    let allowed = true;
    const slow = transport.request({ method: 'GET', path: '/slow' }); // holds the only socket
    await new Promise((r) => setTimeout(r, 50));
    let asked = 0;
    const write = transport.request({
      method: 'POST',
      path: '/write',
      body: '{}',
      guard: () => {
        asked++;
        return allowed ? undefined : new NotLeaderError('lease lost', { status: 0, reason: 'NotLeader' });
      },
    });
    allowed = false; // the lease runs out while the write waits for the socket
    releaseSlow();
    await slow;
    let err: unknown;
    await write.catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(NotLeaderError);
    expect(asked).to.equal(1);
    allowed = true;
    await transport.request({ method: 'POST', path: '/write', body: '{}', guard: () => undefined });
    expect(seen.map((r) => r.method)).to.deep.equal(['GET', 'POST']);
    expect(
      seen.every((r) => r.agent === 'kubify-operator/replica-a'),
      'User-Agent',
    ).to.equal(true);
  });
});
