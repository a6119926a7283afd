import { expect } from 'chai';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { NoMatchError } from '../../../engine/kube/errors.ts';
import { adminClient, eventually, fixture, installCrd } from './support.ts';

describe('RestMapper (real API server)', () => {
  let client: HttpKubeClient;
  let discoveryRequests = 0;

  before(async () => {
    client = await adminClient({
      mapper: { minRefreshIntervalMs: 200 },
      onRequest: (r) => {
        if (r.resource === 'discovery') discoveryRequests++;
      },
    });
  });
  after(() => client.close());

  it('maps core, apps, cluster-scoped and CRD kinds', async () => {
    await installCrd(client, 'widgets-crd.yaml');
    const cm = await client.mapper.mapping('v1', 'ConfigMap');
    expect(cm).to.include({ group: '', version: 'v1', resource: 'configmaps', namespaced: true });
    const deploy = await client.mapper.mapping('apps/v1', 'Deployment');
    expect(deploy).to.include({ group: 'apps', resource: 'deployments', namespaced: true });
    expect(deploy.subresources).to.include.members(['status', 'scale']);
    expect(deploy.verbs).to.include('patch');
    const nsMapping = await client.mapper.mapping('v1', 'Namespace');
    expect(nsMapping.namespaced).to.equal(false);
    const w = await client.mapper.mapping('test.kubify.io/v1', 'Widget');
    expect(w).to.include({ resource: 'widgets', singular: 'widget', namespaced: true });
    expect(w.shortNames).to.deep.equal(['wdg']);
    expect(w.subresources).to.deep.equal(['status']);
  });

  it('serves cached mappings without requests', async () => {
    await client.mapper.mapping('v1', 'ConfigMap');
    const before = discoveryRequests;
    for (let i = 0; i < 20; i++) await client.mapper.mapping('apps/v1', 'Deployment');
    expect(discoveryRequests).to.equal(before);
  });

  it('reports NoMatch naming the apiVersion and kind', async () => {
    const missingGroup = await client.mapper.mapping('nowhere.test.kubify.io/v1', 'RayService').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missingGroup).to.be.instanceOf(NoMatchError);
    expect((missingGroup as NoMatchError).message).to.match(
      /^RayService nowhere\.test\.kubify\.io\/v1 is not installed/,
    );
    expect((missingGroup as NoMatchError).kind).to.equal('RayService');
    const missingKind = await client.mapper.mapping('apps/v1', 'Gizmo').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((missingKind as NoMatchError).message).to.contain('serves apps/v1 but no kind Gizmo');
    // client calls surface the same error
    const viaGet = await client
      .get({ apiVersion: 'nowhere.test.kubify.io/v1', kind: 'RayService', name: 'x' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(viaGet).to.be.instanceOf(NoMatchError);
  });

  it('finds a CRD installed after start-up by rediscovering on a miss', async () => {
    const before = await client.mapper.mapping('late.kubify.io/v1alpha1', 'Gadget').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(before).to.be.instanceOf(NoMatchError);
    await client.apply(fixture('gadgets-crd.yaml'));
    // no explicit refresh: the miss itself rediscovers (rate limited), until the server serves it
    const mapping = await eventually('Gadget mapped', () =>
      client.mapper.mapping('late.kubify.io/v1alpha1', 'Gadget').catch(() => undefined),
    );
    expect(mapping).to.include({ resource: 'gadgets', namespaced: false });
    const created = await client.apply({
      apiVersion: 'late.kubify.io/v1alpha1',
      kind: 'Gadget',
      metadata: { name: 'g1' },
      spec: { name: 'x' },
    });
    expect(created.metadata.uid).to.be.a('string');
  });

  it('resolves what users type: short names, plurals, kinds, and group-qualified names', async () => {
    expect((await client.mapper.resolve('deploy')).map((m) => m.apiVersion)).to.include('apps/v1');
    expect((await client.mapper.resolve('Widget'))[0]?.resource).to.equal('widgets');
    expect((await client.mapper.resolve('wdg'))[0]?.kind).to.equal('Widget');
    expect((await client.mapper.resolve('widgets.test.kubify.io'))[0]?.kind).to.equal('Widget');
    expect(await client.mapper.resolve('widgets.other.io')).to.deep.equal([]);
    expect((await client.mapper.category('kubify-test')).map((m) => m.kind)).to.deep.equal(['Widget']);
  });
});
