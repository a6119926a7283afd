import { expect } from 'chai';
import { KubeConfig } from '@kubernetes/client-node';
import { createKubeClient } from '../../../engine/kube/kubeconfig.ts';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import type { RequestRecord } from '../../../engine/kube/client.ts';
import {
  AlreadyExistsError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
} from '../../../engine/kube/errors.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { newNamespace, sharedControlPlane } from '../../support/cluster.ts';
import { adminClient, installCrd } from './support.ts';

const widget = (
  namespace: string,
  name: string,
  spec: Record<string, unknown> = { size: 1 },
): KubeObject => ({
  apiVersion: 'test.kubify.io/v1',
  kind: 'Widget',
  metadata: { name, namespace },
  spec,
});

describe('kube client (real API server)', () => {
  let client: HttpKubeClient;
  let ns: string;
  const records: RequestRecord[] = [];

  before(async () => {
    client = await adminClient({ onRequest: (r) => records.push(r) });
    await installCrd(client, 'widgets-crd.yaml');
    ns = await newNamespace('kube-client');
  });
  after(() => client.close());

  it('server-side apply creates, and re-applying the same object is a no-op owned by kubify', async () => {
    const first = await client.apply(widget(ns, 'w1', { size: 3, color: 'red' }));
    expect(first.metadata.uid).to.be.a('string');
    const again = await client.apply(widget(ns, 'w1', { size: 3, color: 'red' }));
    expect(again.metadata.resourceVersion).to.equal(first.metadata.resourceVersion);
    const managers = (again.metadata.managedFields ?? []).map((f) => `${f.manager}:${f.operation}`);
    expect(managers).to.deep.equal(['kubify:Apply']);
    const changed = await client.apply(widget(ns, 'w1', { size: 4, color: 'red' }));
    expect(changed.metadata.resourceVersion).to.not.equal(first.metadata.resourceVersion);
    expect((changed.spec as { size: number }).size).to.equal(4);
  });

  it('a Strict server-side dry run rejects an unknown field and names it, creating nothing', async () => {
    const err = await client
      .apply(widget(ns, 'bad', { size: 1, bogus: true }), { dryRun: true, fieldValidation: 'Strict' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(InvalidError);
    const invalid = err as InvalidError;
    expect(invalid.message).to.contain('spec.bogus');
    expect(invalid.causes.map((c) => c.field)).to.include('spec.bogus');
    expect(
      await client.find({ apiVersion: 'test.kubify.io/v1', kind: 'Widget', namespace: ns, name: 'bad' }),
    ).to.equal(undefined);
    const dry = records.filter((r) => r.dryRun);
    expect(dry.length).to.be.greaterThan(0);
  });

  it('a dry run of a valid object returns it without persisting', async () => {
    const out = await client.apply(widget(ns, 'dry', { size: 2 }), {
      dryRun: true,
      fieldValidation: 'Strict',
    });
    expect(out.metadata.name).to.equal('dry');
    expect(
      await client.find({ apiVersion: 'test.kubify.io/v1', kind: 'Widget', namespace: ns, name: 'dry' }),
    ).to.equal(undefined);
  });

  it('schema violations (422) carry field causes', async () => {
    const err = await client.apply(widget(ns, 'neg', { size: -1 })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(InvalidError);
    expect((err as InvalidError).status).to.equal(422);
    expect((err as InvalidError).causes.map((c) => c.field)).to.include('spec.size');
  });

  it('applies status through the status subresource, separately from spec', async () => {
    await client.apply(widget(ns, 'ws', { size: 5 }));
    const withStatus = await client.applyStatus({
      ...widget(ns, 'ws', undefined),
      spec: undefined,
      status: { phase: 'Ready', observedSize: 5 },
    });
    expect(withStatus.status).to.deep.equal({ phase: 'Ready', observedSize: 5 });
    // status written through the main resource is ignored by the server
    const viaMain = await client.apply({ ...widget(ns, 'ws', { size: 5 }), status: { phase: 'Broken' } });
    expect((viaMain.status as { phase: string }).phase).to.equal('Ready');
    const got = await client.get({
      apiVersion: 'test.kubify.io/v1',
      kind: 'Widget',
      namespace: ns,
      name: 'ws',
    });
    expect(got.status).to.deep.equal({ phase: 'Ready', observedSize: 5 });
  });

  it('delete honours a UID precondition; a stale one is a Conflict; a second delete finds nothing', async () => {
    const cm = await client.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'del', namespace: ns },
      data: { a: '1' },
    });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'del' };
    const err = await client.delete(ref, { uid: 'ffffffff-0000-0000-0000-000000000000' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConflictError);
    expect((err as ConflictError).status).to.equal(409);
    expect((err as ConflictError).message).to.match(/precondition/i);
    const done = await client.delete(ref, { uid: cm.metadata.uid!, propagationPolicy: 'Background' });
    expect(done.outcome).to.equal('deleted');
    expect((await client.delete(ref)).outcome).to.equal('notFound');
  });

  it('reports a finalizer-held object as terminating', async () => {
    await client.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fin', namespace: ns, finalizers: ['kubify.io/test'] },
    });
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'fin' };
    const res = await client.delete(ref);
    expect(res.outcome).to.equal('terminating');
    await client.patch(ref, [{ op: 'remove', path: '/metadata/finalizers' }], { type: 'json' });
    expect(await client.find(ref)).to.equal(undefined);
  });

  it('get, create, update and patch map errors to typed classes', async () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'typed' };
    const missing = await client.get(ref).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).to.be.instanceOf(NotFoundError);
    expect((missing as NotFoundError).reason).to.equal('NotFound');
    const created = await client.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'typed', namespace: ns },
      data: { a: '1' },
    });
    const dup = await client
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typed', namespace: ns } })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(dup).to.be.instanceOf(AlreadyExistsError);
    const updated = await client.update({ ...created, data: { a: '2' } });
    const stale = await client.update({ ...created, data: { a: '3' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(stale).to.be.instanceOf(ConflictError);
    const merged = await client.patch(ref, { data: { b: 'x' } });
    expect(merged.data).to.deep.equal({ a: '2', b: 'x' });
    expect(updated.metadata.resourceVersion).to.not.equal(created.metadata.resourceVersion);
  });

  it('lists with label selectors and pages with continue', async () => {
    for (let i = 0; i < 5; i++) {
      await client.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `page-${i}`, namespace: ns, labels: { set: 'paged', odd: String(i % 2) } },
      });
    }
    const first = await client.list(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, labelSelector: { set: 'paged' } },
      { limit: 2 },
    );
    expect(first.items).to.have.length(2);
    expect(first.metadata.continue).to.be.a('string').and.not.equal('');
    expect(first.items[0]!.kind).to.equal('ConfigMap');
    expect(first.items[0]!.apiVersion).to.equal('v1');
    const all = await client.listAll(
      { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, labelSelector: { set: 'paged' } },
      { limit: 2 },
    );
    expect(all.items.map((i) => i.metadata.name)).to.deep.equal([
      'page-0',
      'page-1',
      'page-2',
      'page-3',
      'page-4',
    ]);
    const odd = await client.listAll({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      labelSelector: 'set=paged,odd=1',
    });
    expect(odd.items.map((i) => i.metadata.name)).to.deep.equal(['page-1', 'page-3']);
  });

  it('a caller without RBAC permission gets a ForbiddenError', async () => {
    const cp = await sharedControlPlane();
    const kc = new KubeConfig();
    kc.loadFromString(cp.kubeconfigAs('system:serviceaccount:nowhere:nobody'));
    const nobody = createKubeClient({ kubeConfig: kc, logger: silentLogger });
    try {
      // discovery is allowed for authenticated users; the read is not
      const err = await nobody
        .get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'typed' })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).to.be.instanceOf(ForbiddenError);
      expect((err as ForbiddenError).message).to.contain('system:serviceaccount:nowhere:nobody');
    } finally {
      nobody.close();
    }
  });

  it('accounts every request with verb, resource, code and duration', () => {
    const verbs = new Set(records.map((r) => r.verb));
    for (const v of ['apply', 'get', 'list', 'create', 'update', 'patch', 'delete'])
      expect(verbs).to.include(v);
    const applyWidget = records.find((r) => r.verb === 'apply' && r.resource === 'widgets.test.kubify.io');
    expect(applyWidget?.code).to.be.oneOf([200, 201]);
    expect(records.find((r) => r.resource === 'widgets.test.kubify.io/status')?.verb).to.equal('apply');
    expect(records.some((r) => r.code === 404 && r.verb === 'get' && r.resource === 'configmaps')).to.equal(
      true,
    );
    expect(records.every((r) => r.durationMs >= 0)).to.equal(true);
  });
});
