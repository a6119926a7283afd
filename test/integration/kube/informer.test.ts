import { expect } from 'chai';
import { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { HttpsTransport } from '../../../engine/kube/https-transport.ts';
import { GoneError, UnavailableError } from '../../../engine/kube/errors.ts';
import { Informer, stripManagedFields } from '../../../engine/kube/informer.ts';
import { SharedInformerFactory } from '../../../engine/kube/informer-factory.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { adminKubeConfig, newNamespace } from '../../support/cluster.ts';
import { CuttableTransport, FaultyListWatch } from './faults.ts';
import { adminClient, eventually, installCrd } from './support.ts';

interface Recorded {
  type: 'add' | 'update' | 'delete';
  key: string;
  rv: string;
}

function record(informer: Informer): Recorded[] {
  const events: Recorded[] = [];
  const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;
  informer.addHandlers({
    onAdd: (o) => events.push({ type: 'add', key: key(o), rv: o.metadata.resourceVersion! }),
    onUpdate: (_old, o) => events.push({ type: 'update', key: key(o), rv: o.metadata.resourceVersion! }),
    onDelete: (o) => events.push({ type: 'delete', key: key(o), rv: o.metadata.resourceVersion! }),
  });
  return events;
}

const cm = (
  namespace: string,
  name: string,
  data: Record<string, string> = {},
  labels: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, labels },
  data,
});

describe('Informer (real API server)', () => {
  let client: HttpKubeClient;
  const stops: (() => Promise<void>)[] = [];

  before(async () => {
    client = await adminClient();
  });
  afterEach(async () => {
    while (stops.length) await stops.pop()!();
  });
  after(() => client.close());

  it('lists, then sees adds, updates and deletes, scoped to its namespace and label selector', async () => {
    const ns = await newNamespace('inf-basic');
    const other = await newNamespace('inf-other');
    await client.apply(cm(ns, 'pre', {}, { app: 'x' }));
    const informer = new Informer({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: { app: 'x' },
      transform: stripManagedFields,
      logger: silentLogger,
    });
    const events = record(informer);
    informer.start();
    stops.push(() => informer.stop());
    await informer.waitForSync();
    expect(informer.hasSynced()).to.equal(true);
    expect(events).to.deep.include({
      type: 'add',
      key: `${ns}/pre`,
      rv: informer.store.get(`${ns}/pre`)!.metadata.resourceVersion!,
    });
    expect(informer.store.get(`${ns}/pre`)!.metadata.managedFields).to.equal(undefined);

    await client.apply(cm(ns, 'a', { v: '1' }, { app: 'x' }));
    await client.apply(cm(ns, 'unlabelled', { v: '1' }));
    await client.apply(cm(other, 'a', { v: '1' }, { app: 'x' }));
    await client.apply(cm(ns, 'a', { v: '2' }, { app: 'x' }));
    await client.apply(cm(ns, 'pre', {}, { app: 'y' })); // leaves the selector: a delete
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' });
    await eventually('delete of a', () => events.some((e) => e.type === 'delete' && e.key === `${ns}/a`));
    expect(events.map((e) => `${e.type} ${e.key}`)).to.deep.equal([
      `add ${ns}/pre`,
      `add ${ns}/a`,
      `update ${ns}/a`,
      `delete ${ns}/pre`,
      `delete ${ns}/a`,
    ]);
    expect(informer.store.size).to.equal(0);
  });

  it('keeps going when the server ends watches (timeoutSeconds=1), without losing or repeating events', async () => {
    const ns = await newNamespace('inf-timeout');
    const informer = new Informer({
      client,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      watchTimeoutSeconds: 1,
      logger: silentLogger,
    });
    const events = record(informer);
    informer.start();
    stops.push(() => informer.stop());
    await informer.waitForSync();
    for (let i = 0; i < 8; i++) {
      await client.apply(cm(ns, `c${i}`, { v: '1' }));
      await new Promise((r) => setTimeout(r, 300));
      await client.apply(cm(ns, `c${i}`, { v: '2' }));
    }
    await eventually('all updates', () => events.filter((e) => e.type === 'update').length === 8);
    await eventually('several watches', () => informer.stats.watches >= 3);
    expect(events.filter((e) => e.type === 'add').map((e) => e.key)).to.deep.equal(
      [...Array(8).keys()].map((i) => `${ns}/c${i}`),
    );
    expect(events).to.have.length(16);
    expect(informer.stats.lists).to.equal(1);
  });

  it('relists after 410 Gone: synthesises deletes, reports changes once, skips unchanged objects', async () => {
    const ns = await newNamespace('inf-gone');
    for (const n of ['keep', 'change', 'remove']) await client.apply(cm(ns, n, { v: '1' }));
    const faulty = new FaultyListWatch(client);
    const informer = new Informer({
      client: faulty,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      watchTimeoutSeconds: 1,
      logger: silentLogger,
    });
    const events = record(informer);
    informer.start();
    stops.push(() => informer.stop());
    await informer.waitForSync();
    let release!: () => void;
    let blocked = false;
    faulty.injectWatch(async () => {
      blocked = true;
      await new Promise<void>((r) => (release = r));
      throw new GoneError('too old resource version', { status: 410, reason: 'Expired' });
    });
    await eventually('watch blocked', () => blocked);
    // changes the informer cannot see while it is "disconnected"
    await client.apply(cm(ns, 'change', { v: '2' }));
    await client.delete({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'remove' });
    await client.apply(cm(ns, 'added', { v: '1' }));
    const listsBefore = faulty.lists;
    release();
    await eventually(
      'relisted',
      () => informer.stats.relists === 1 && faulty.lists === listsBefore + 1 && informer.store.size === 3,
    );
    await client.apply(cm(ns, 'after', { v: '1' }));
    await eventually('watching again', () => informer.store.get(`${ns}/after`));
    expect(events.slice(3).map((e) => `${e.type} ${e.key.split('/')[1]}`)).to.deep.equal([
      'delete remove',
      'add added', // the relist reports in list (name) order
      'update change',
      'add after',
    ]);
    expect(informer.stats.errors).to.equal(0);
  });

  it('relists after a real 410 from the server (a watch from before the watch cache began)', async () => {
    const ns = await newNamespace('inf-real-gone');
    const crd = await installCrd(client, 'relics-crd.yaml');
    const relic = (name: string, n: number): KubeObject => ({
      apiVersion: 'gone.kubify.io/v1',
      kind: 'Relic',
      metadata: { name, namespace: ns },
      spec: { n },
    });
    await client.apply(relic('r1', 1));
    await client.apply(relic('r2', 1));
    const faulty = new FaultyListWatch(client);
    // the CRD's own resourceVersion predates the Relic watch cache: the server answers 410 Expired
    faulty.rewindNextWatch(crd.metadata.resourceVersion!);
    const informer = new Informer({
      client: faulty,
      apiVersion: 'gone.kubify.io/v1',
      kind: 'Relic',
      namespace: ns,
      logger: silentLogger,
    });
    const events = record(informer);
    informer.start();
    stops.push(() => informer.stop());
    await eventually('relisted', () => informer.stats.relists === 1 && faulty.lists === 2);
    await client.apply(relic('r2', 2));
    await client.apply(relic('r3', 1));
    await eventually('r3', () => informer.store.get(`${ns}/r3`));
    expect(events.map((e) => `${e.type} ${e.key.split('/')[1]}`)).to.deep.equal([
      'add r1',
      'add r2',
      'update r2',
      'add r3',
    ]);
    expect(informer.stats.errors).to.equal(0);
  });

  it('retries with backoff after errors (5xx, network) and never stops', async () => {
    const ns = await newNamespace('inf-errors');
    const faulty = new FaultyListWatch(client);
    const informer = new Informer({
      client: faulty,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      watchTimeoutSeconds: 1,
      backoff: { initialMs: 50, maxMs: 200 },
      logger: silentLogger,
    });
    const events = record(informer);
    informer.start();
    stops.push(() => informer.stop());
    await informer.waitForSync();
    for (let i = 0; i < 3; i++) {
      faulty.injectWatch(() =>
        Promise.reject(
          new UnavailableError('etcdserver: leader changed', { status: 500, reason: 'InternalError' }),
        ),
      );
      faulty.injectWatch(() =>
        Promise.reject(new UnavailableError('socket hang up', { status: 0, reason: 'Unavailable' })),
      );
    }
    await eventually('six failures', () => informer.stats.errors >= 6);
    await client.apply(cm(ns, 'late', { v: '1' }));
    await eventually('late object', () => informer.store.get(`${ns}/late`));
    expect(events.map((e) => `${e.type} ${e.key}`)).to.deep.equal([`add ${ns}/late`]);
    expect(informer.isRunning).to.equal(true);
  });

  it('does not grow its sockets across many watch restarts and connection resets', async () => {
    const ns = await newNamespace('inf-sockets');
    const transport = new CuttableTransport(new HttpsTransport(await adminKubeConfig()));
    const own = new HttpKubeClient({ transport, logger: silentLogger });
    stops.push(() => Promise.resolve(own.close()));
    const informer = new Informer({
      client: own,
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      watchTimeoutSeconds: 1,
      backoff: { initialMs: 20, maxMs: 100 },
      logger: silentLogger,
    });
    const events = record(informer);
    informer.start();
    stops.push(() => informer.stop());
    await informer.waitForSync();
    const samples: number[] = [];
    for (let round = 0; round < 12; round++) {
      await client.apply(cm(ns, `r${round}`, { v: '1' }));
      await eventually(`r${round} seen`, () => informer.store.get(`${ns}/r${round}`));
      if (round % 2 === 0)
        transport.cutAll(); // a network reset
      else await eventually('server-side watch end', () => transport.streamsOpened > round + 1); // timeoutSeconds=1
      const s = own.socketStats();
      samples.push(s.active + s.idle + s.streams + s.streamsIdle);
    }
    expect(transport.streamsOpened).to.be.greaterThan(12);
    expect(Math.max(...samples)).to.be.at.most(3);
    const final = own.socketStats();
    expect(final.streams).to.be.at.most(1);
    expect(final.streamsIdle).to.be.at.most(1);
    const adds = events.filter((e) => e.type === 'add').map((e) => e.key);
    expect(adds).to.deep.equal([...new Set(adds)]);
    expect(adds).to.have.length(12);
  });

  it('SharedInformerFactory shares one watch per collection and stops it with the last user', async () => {
    const ns = await newNamespace('inf-shared');
    const faulty = new FaultyListWatch(client);
    const factory = new SharedInformerFactory(faulty, {
      logger: silentLogger,
      transform: stripManagedFields,
    });
    stops.push(() => factory.stop());
    const a = factory.acquire({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns });
    const b = factory.acquire({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns });
    const other = factory.acquire({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: { x: '1' },
    });
    expect(a.informer).to.equal(b.informer);
    expect(other.informer).to.not.equal(a.informer);
    factory.start();
    await factory.waitForSync();
    expect(faulty.lists).to.equal(2);
    await client.apply(cm(ns, 's1'));
    await eventually('seen', () => a.informer.store.get(`${ns}/s1`));
    await a.release();
    expect(a.informer.isRunning).to.equal(true);
    await b.release();
    expect(a.informer.isRunning).to.equal(false);
    const again = factory.acquire({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns });
    expect(again.informer).to.not.equal(a.informer);
    await again.informer.waitForSync();
    expect(again.informer.store.size).to.equal(1);
  });
});
