import { expect } from 'chai';
import type { Clock } from '../../../engine/kube/clock.ts';
import { Informer } from '../../../engine/kube/informer.ts';
import { silentLogger, type KubeLogger } from '../../../engine/kube/logger.ts';
import type { TransportRequest } from '../../../engine/kube/transport.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { fakeClient, FakeTransport, json, settle, status, type FakeWatch } from './fakes.ts';

const cm = (name: string, rv: string, data: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'ns', resourceVersion: rv },
  data,
});

/** A clock whose sleeps return at once but are recorded. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => Date.now(),
    sleep: (ms) => (sleeps.push(ms), new Promise((r) => setImmediate(r))),
  };
}

function setup(
  listPages: (req: TransportRequest) => ReturnType<typeof json>,
  logger: KubeLogger = silentLogger,
) {
  const transport = new FakeTransport();
  transport.respond = listPages;
  const { client } = fakeClient(transport);
  const clock = recordingClock();
  const informer = new Informer({
    client,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: 'ns',
    clock,
    logger,
    backoff: { initialMs: 100, maxMs: 1_000, jitter: 0 },
  });
  const events: string[] = [];
  informer.addHandlers({
    onAdd: (o) => events.push(`add ${o.metadata.name} ${o.metadata.resourceVersion}`),
    onUpdate: (a, b) =>
      events.push(`update ${b.metadata.name} ${a.metadata.resourceVersion}->${b.metadata.resourceVersion}`),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
  });
  return { transport, informer, events, clock };
}

const listOf = (rv: string, items: KubeObject[], cont?: string) =>
  json(200, { metadata: { resourceVersion: rv, ...(cont ? { continue: cont } : {}) }, items });

describe('Informer (fake transport)', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  it('relists after a 410 ERROR event: synthetic deletes, updates only for new resourceVersions', async () => {
    let lists = 0;
    const { transport, informer, events } = setup(() =>
      ++lists === 1
        ? listOf('10', [cm('keep', '3'), cm('change', '4'), cm('vanish', '5')])
        : listOf('30', [cm('keep', '3'), cm('change', '25'), cm('new', '26')]),
    );
    informer.start();
    stop = () => informer.stop();
    const w1 = await transport.nextWatch();
    expect(w1.req.path).to.contain('resourceVersion=10');
    expect(w1.req.path).to.contain('allowWatchBookmarks=true');
    w1.send('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
    const w2 = await transport.nextWatch();
    expect(w2.req.path).to.contain('resourceVersion=30');
    expect(events).to.deep.equal([
      'add keep 3',
      'add change 4',
      'add vanish 5',
      'delete vanish',
      'update change 4->25',
      'add new 26',
    ]);
    expect(informer.stats).to.deep.include({ lists: 2, relists: 1, errors: 0 });
    expect(
      informer.store
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).to.deep.equal(['change', 'keep', 'new']);
  });

  it('relists after a 410 response to the watch request', async () => {
    const { transport, informer } = setup(() => listOf('10', []));
    transport.streamStatuses.push(status(410, 'Gone', 'gone'));
    informer.start();
    stop = () => informer.stop();
    await transport.nextWatch();
    expect(informer.stats).to.deep.include({ lists: 2, relists: 1 });
  });

  it('follows list pages and restarts the list when a continue token expires', async () => {
    const seen: string[] = [];
    let expired = false;
    const { transport, informer, events } = setup((req) => {
      const q = new URL(req.path, 'https://x').searchParams;
      seen.push(q.get('continue') ?? '-');
      if (q.get('continue') === 'p2' && !expired) {
        expired = true;
        return status(410, 'Expired', 'continue token expired');
      }
      return q.get('continue') === 'p2' ? listOf('12', [cm('b', '2')]) : listOf('12', [cm('a', '1')], 'p2');
    });
    informer.start();
    stop = () => informer.stop();
    await informer.waitForSync();
    await transport.nextWatch();
    expect(seen).to.deep.equal(['-', 'p2', '-', 'p2']);
    expect(events).to.deep.equal(['add a 1', 'add b 2']);
  });

  it('applies watch events, skips replays of an unchanged resourceVersion, resumes from bookmarks', async () => {
    const { transport, informer, events } = setup(() => listOf('10', [cm('a', '5')]));
    informer.start();
    stop = () => informer.stop();
    const w1 = await transport.nextWatch();
    w1.send('ADDED', cm('b', '11'));
    w1.send('MODIFIED', cm('a', '12', { x: '1' }));
    w1.send('ADDED', cm('b', '11')); // a replay
    w1.send('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '40' } });
    w1.send('DELETED', cm('b', '41'));
    w1.send('DELETED', cm('never-seen', '42'));
    w1.send('BOOKMARK', { metadata: { resourceVersion: '50' } });
    await settle();
    w1.end();
    const w2 = await transport.nextWatch();
    expect(w2.req.path).to.contain('resourceVersion=50');
    expect(events).to.deep.equal(['add a 5', 'add b 11', 'update a 5->12', 'delete b']);
    expect(informer.resourceVersion).to.equal('50');
  });

  it('backs off exponentially after any error, resets after success, and never stops', async () => {
    let lists = 0;
    const { transport, informer, clock } = setup(() =>
      ++lists <= 3 ? status(500, 'InternalError', 'etcd down') : listOf('10', []),
    );
    informer.start();
    stop = () => informer.stop();
    let w: FakeWatch = await transport.nextWatch();
    expect(clock.sleeps).to.deep.equal([100, 200, 400]);
    transport.streamStatuses.push(
      status(403, 'Forbidden', 'RBAC not ready'),
      status(503, 'ServiceUnavailable', 'restarting'),
    );
    w.fail(); // a network reset
    w = await transport.nextWatch();
    expect(clock.sleeps).to.deep.equal([100, 200, 400, 100, 200, 400]);
    expect(informer.stats.errors).to.equal(6);
    expect(informer.stats.lists).to.equal(4);
    w.send('ADDED', cm('a', '11')); // a working watch resets the backoff
    await settle();
    w.end();
    w = await transport.nextWatch();
    w.fail();
    await transport.nextWatch();
    expect(clock.sleeps.slice(6)).to.deep.equal([100]);
    expect(informer.isRunning).to.equal(true);
  });

  it('waitForSync({failOn}) rejects on a Forbidden list, keeps retrying, and still syncs once allowed', async () => {
    let lists = 0;
    const { transport, informer } = setup(() =>
      ++lists <= 2 ? status(403, 'Forbidden', 'configmaps is forbidden') : listOf('10', [cm('a', '3')]),
    );
    const forbidden = (err: unknown): boolean => (err as { status?: number }).status === 403;
    const failing = informer.waitForSync({ failOn: forbidden });
    const patient = informer.waitForSync();
    informer.start();
    stop = () => informer.stop();
    const error = await failing.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.contain('configmaps is forbidden');
    await transport.nextWatch();
    await patient; // the informer kept going and synced
    expect(lists).to.equal(3);
    expect(informer.store.get('ns/a')?.metadata.resourceVersion).to.equal('3');
  });

  it('retries refused connections (API server restarting) on a short, separate backoff', async () => {
    let lists = 0;
    const transport = new FakeTransport();
    transport.respond = () => {
      if (++lists <= 6)
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
      return lists === 7 ? status(503, 'ServiceUnavailable', 'starting') : listOf('10', []);
    };
    const { client } = fakeClient(transport);
    const clock = recordingClock();
    const informer = new Informer({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'ns',
      clock,
      logger: silentLogger,
      backoff: { initialMs: 100, maxMs: 30_000, jitter: 0 },
      refusedBackoff: { initialMs: 250, maxMs: 2_000, jitter: 0 },
    });
    informer.start();
    stop = () => informer.stop();
    await transport.nextWatch();
    // the outage never grows the delay past 2 s, and the 503 of a starting server is the first
    // ordinary failure: it waits the initial 100 ms, not a delay grown while nobody was listening
    expect(clock.sleeps).to.deep.equal([250, 500, 1000, 2000, 2000, 2000, 100]);
    expect(informer.stats.errors).to.equal(7);
    expect(informer.hasSynced()).to.equal(true);
  });

  it('treats a watch that ends at once without events as a failure (no hot loop)', async () => {
    const { transport, informer, clock } = setup(() => listOf('10', []));
    informer.start();
    stop = () => informer.stop();
    for (let i = 0; i < 3; i++) (await transport.nextWatch()).end();
    await transport.nextWatch();
    expect(clock.sleeps).to.deep.equal([100, 200, 400]);
  });

  it('keeps delivering when a handler throws, and logs it', async () => {
    const logged: string[] = [];
    const { transport, informer, events } = setup(() => listOf('10', []), {
      ...silentLogger,
      error: (m) => logged.push(m),
    });
    informer.addHandlers({
      onAdd: () => {
        throw new Error('handler bug');
      },
    });
    informer.start();
    stop = () => informer.stop();
    const w = await transport.nextWatch();
    w.send('ADDED', cm('a', '11'));
    w.send('ADDED', cm('b', '12'));
    await settle();
    expect(events).to.deep.equal(['add a 11', 'add b 12']);
    expect(logged).to.deep.equal(['informer handler threw', 'informer handler threw']);
  });

  it('replays the cache to handlers added after sync; removed handlers hear nothing', async () => {
    const { transport, informer } = setup(() => listOf('10', [cm('a', '1'), cm('b', '2')]));
    informer.start();
    stop = () => informer.stop();
    await informer.waitForSync();
    const late: string[] = [];
    const remove = informer.addHandlers({ onAdd: (o) => late.push(o.metadata.name!) });
    expect(late).to.deep.equal(['a', 'b']);
    remove();
    const w = await transport.nextWatch();
    w.send('ADDED', cm('c', '11'));
    await settle();
    expect(late).to.deep.equal(['a', 'b']);
    expect(informer.store.size).to.equal(3);
  });

  it('waitForSync rejects when stopped before the first list; stop() ends an open watch', async () => {
    const { transport, informer } = setup(() => status(403, 'Forbidden', 'no'));
    const sync = informer.waitForSync();
    informer.start();
    await settle();
    await informer.stop();
    expect(await sync.catch((e: unknown) => (e as Error).message)).to.match(/stopped before it synced/);
    const ok = setup(() => listOf('1', []));
    ok.informer.start();
    const w = await ok.transport.nextWatch();
    await ok.informer.stop();
    expect(w.body.destroyed).to.equal(true);
    expect(ok.informer.isRunning).to.equal(false);
    expect(transport.watches).to.have.length(0);
  });
});
