import { expect } from 'chai';
import type { RequestRecord } from '../../../engine/kube/client.ts';
import {
  GoneError,
  ForbiddenError,
  NoMatchError,
  NotFoundError,
  UnavailableError,
} from '../../../engine/kube/errors.ts';
import type { TransportRequest } from '../../../engine/kube/transport.ts';
import type { WatchEvent } from '../../../engine/kube/types.ts';
import { fakeClient, FakeTransport, json, settle, status } from './fakes.ts';

const widget = {
  apiVersion: 'test.kubify.io/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns' },
  spec: { size: 1 },
};

describe('HttpKubeClient (fake transport)', () => {
  it('server-side applies with the kubify field manager, force, and an apply-patch content type', async () => {
    const { transport, client } = fakeClient();
    let seen: TransportRequest | undefined;
    transport.respond = (req) => {
      seen = req;
      return json(200, JSON.parse(req.body!));
    };
    await client.apply({ ...widget, metadata: { ...widget.metadata, managedFields: [{ manager: 'x' }] } });
    expect(seen?.method).to.equal('PATCH');
    expect(seen?.path).to.equal(
      '/apis/test.kubify.io/v1/namespaces/ns/widgets/w?fieldManager=kubify&force=true',
    );
    expect(seen?.headers?.['Content-Type']).to.equal('application/apply-patch+yaml');
    expect((JSON.parse(seen!.body!) as { metadata: unknown }).metadata).to.deep.equal({
      name: 'w',
      namespace: 'ns',
    });
  });

  it('passes dryRun, fieldValidation, force=false and a custom field manager; status goes to /status', async () => {
    const { transport, client } = fakeClient();
    transport.respond = (req) => json(200, JSON.parse(req.body!));
    await client.apply(widget, {
      dryRun: true,
      fieldValidation: 'Strict',
      force: false,
      fieldManager: 'kubify-cli',
    });
    await client.applyStatus({ ...widget, status: { phase: 'Ready' } });
    expect(transport.paths('PATCH')).to.deep.equal([
      '/apis/test.kubify.io/v1/namespaces/ns/widgets/w?fieldManager=kubify-cli&dryRun=All&fieldValidation=Strict&force=false',
      '/apis/test.kubify.io/v1/namespaces/ns/widgets/w/status?fieldManager=kubify&force=true',
    ]);
  });

  it('defaults the namespace of namespaced kinds and drops it for cluster-scoped ones', async () => {
    const { transport, client } = fakeClient(new FakeTransport(), { defaultNamespace: 'team' });
    transport.respond = () => json(200, { apiVersion: 'v1', kind: 'X', metadata: {} });
    await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' });
    await client.get({ apiVersion: 'v1', kind: 'Namespace', name: 'n', namespace: 'ignored' });
    expect(
      transport.paths('GET').filter((p) => !p.startsWith('/api?') && p !== '/api' && p !== '/apis'),
    ).to.deep.equal(['/api/v1/namespaces/team/configmaps/c', '/api/v1/namespaces/n']);
  });

  it('lists one page or every page, filling in apiVersion and kind', async () => {
    const { transport, client } = fakeClient();
    transport.respond = (req) => {
      const url = new URL(req.path, 'https://x');
      const cont = url.searchParams.get('continue');
      if (!cont)
        return json(200, {
          metadata: { resourceVersion: '10', continue: 'p2' },
          items: [{ metadata: { name: 'a' } }],
        });
      return json(200, { metadata: { resourceVersion: '10' }, items: [{ metadata: { name: 'b' } }] });
    };
    const page = await client.list(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', labelSelector: { b: '2', a: '1' } },
      { limit: 1 },
    );
    expect(page.metadata.continue).to.equal('p2');
    expect(page.items[0]).to.deep.equal({ metadata: { name: 'a' }, apiVersion: 'v1', kind: 'ConfigMap' });
    const all = await client.listAll({ apiVersion: 'v1', kind: 'ConfigMap' });
    expect(all.items.map((i) => i.metadata.name)).to.deep.equal(['a', 'b']);
    expect(all.metadata).to.deep.equal({ resourceVersion: '10' });
    const lists = transport.paths('GET').filter((p) => p.includes('configmaps'));
    expect(lists).to.deep.equal([
      '/api/v1/namespaces/ns/configmaps?labelSelector=a%3D1%2Cb%3D2&limit=1',
      '/api/v1/configmaps?limit=500',
      '/api/v1/configmaps?limit=500&continue=p2',
    ]);
  });

  it('deletes with preconditions and propagation; 404 means already gone', async () => {
    const { transport, client } = fakeClient();
    const bodies: unknown[] = [];
    transport.respond = (req) => {
      bodies.push(JSON.parse(req.body!));
      return bodies.length === 1
        ? json(200, { kind: 'Status', status: 'Success' })
        : status(404, 'NotFound', 'gone');
    };
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'c' };
    expect(
      await client.delete(ref, { uid: 'u1', propagationPolicy: 'Foreground', dryRun: true }),
    ).to.deep.equal({ outcome: 'deleted' });
    expect(await client.delete(ref)).to.deep.equal({ outcome: 'notFound' });
    expect(bodies[0]).to.deep.equal({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: 'u1' },
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
  });

  it('retries 429 after Retry-After, and reports every attempt to onRequest', async () => {
    const records: RequestRecord[] = [];
    const { transport, client } = fakeClient(new FakeTransport(), { onRequest: (r) => records.push(r) });
    let n = 0;
    transport.respond = () =>
      ++n < 3
        ? { ...status(429, 'TooManyRequests', 'slow down'), headers: { 'retry-after': '0' } }
        : json(200, { metadata: { name: 'c' } });
    await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name: 'c' });
    const gets = records.filter((r) => r.resource === 'configmaps');
    expect(gets.map((r) => r.code)).to.deep.equal([429, 429, 200]);
    expect(gets.every((r) => r.verb === 'get' && r.namespace === 'ns')).to.equal(true);
    expect(records.filter((r) => r.resource === 'discovery')).to.have.length(2);
  });

  it('turns transport failures into UnavailableError and HTTP errors into typed errors', async () => {
    const { transport, client } = fakeClient();
    transport.respond = () => {
      throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    };
    const down = await client
      .get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' })
      .catch((e: unknown) => e);
    expect(down).to.be.instanceOf(UnavailableError);
    transport.respond = () => status(403, 'Forbidden', 'configmaps "c" is forbidden');
    expect(
      await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }).catch((e: unknown) => e),
    ).to.be.instanceOf(ForbiddenError);
    transport.respond = () => status(404, 'NotFound', 'configmaps "c" not found');
    expect(await client.find({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' })).to.equal(undefined);
    expect(
      await client.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }).catch((e: unknown) => e),
    ).to.be.instanceOf(NotFoundError);
    // an unserved kind is NoMatch, not "object not found"
    expect(
      await client.find({ apiVersion: 'ray.io/v1', kind: 'RayService', name: 'r' }).catch((e: unknown) => e),
    ).to.be.instanceOf(NoMatchError);
  });

  it('decodes watch streams split anywhere, passes bookmarks, and ends cleanly', async () => {
    const { transport, client } = fakeClient();
    const events: WatchEvent[] = [];
    const done = client.watch(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns' },
      { resourceVersion: '5', allowWatchBookmarks: true, timeoutSeconds: 30 },
      (e) => events.push(e),
    );
    const w = await transport.nextWatch();
    expect(w.req.path).to.equal(
      '/api/v1/namespaces/ns/configmaps?watch=1&resourceVersion=5&allowWatchBookmarks=true&timeoutSeconds=30',
    );
    const line = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a', resourceVersion: '6' } } });
    w.body.write(line.slice(0, 10));
    w.body.write(
      `${line.slice(10)}\n${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '9' } } })}`,
    );
    w.body.write('\n');
    w.end();
    await done;
    expect(events.map((e) => e.type)).to.deep.equal(['ADDED', 'BOOKMARK']);
    expect(events[0]!.object).to.deep.include({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('rejects a watch with GoneError on a 410 ERROR event or a 410 response', async () => {
    const { transport, client } = fakeClient();
    const done = client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, {}, () => {});
    const w = await transport.nextWatch();
    w.send('ERROR', {
      kind: 'Status',
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 1 (20)',
    });
    const err = await done.catch((e: unknown) => e);
    expect(err).to.be.instanceOf(GoneError);
    expect(w.body.destroyed).to.equal(true);
    transport.streamStatuses.push(status(410, 'Gone', 'gone'));
    expect(
      await client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, {}, () => {}).catch((e: unknown) => e),
    ).to.be.instanceOf(GoneError);
  });

  it('rejects a watch cut by the network, and resolves one stopped by its signal', async () => {
    const { transport, client } = fakeClient();
    const cut = client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, {}, () => {});
    (await transport.nextWatch()).fail();
    expect(await cut.catch((e: unknown) => e)).to.be.instanceOf(UnavailableError);
    const ac = new AbortController();
    const stopped = client.watch({ apiVersion: 'v1', kind: 'ConfigMap' }, { signal: ac.signal }, () => {});
    const w = await transport.nextWatch();
    await settle();
    ac.abort();
    await stopped;
    expect(w.body.destroyed).to.equal(true);
  });

  it('raw requests and streams go through the same accounting and error mapping', async () => {
    const records: RequestRecord[] = [];
    const { transport, client } = fakeClient(new FakeTransport(), { onRequest: (r) => records.push(r) });
    transport.respond = () => ({ status: 200, headers: {}, body: 'log line\n' });
    const res = await client.request({ method: 'GET', path: '/api/v1/namespaces/a/pods/p/log?tailLines=1' });
    expect(res.body).to.equal('log line\n');
    const chunks: string[] = [];
    const follow = client.stream(
      { method: 'GET', path: '/api/v1/namespaces/a/pods/p/log?follow=true' },
      (c) => chunks.push(c),
    );
    const w = await transport.nextWatch();
    w.body.write('one\ntw');
    w.body.write('o\n');
    w.end();
    await follow;
    expect(chunks.join('')).to.equal('one\ntwo\n');
    expect(records.map((r) => `${r.verb} ${r.resource} ${r.code}`)).to.deep.equal([
      'raw /api/v1/namespaces/a/pods/p/log 200',
      'raw /api/v1/namespaces/a/pods/p/log 200',
    ]);
  });
});
