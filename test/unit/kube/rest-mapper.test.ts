import { expect } from 'chai';
import { NoMatchError } from '../../../engine/kube/errors.ts';
import { RestMapper } from '../../../engine/kube/rest-mapper.ts';
import { discover } from '../../../engine/kube/discovery.ts';
import { CONFIGMAP, FakeClock, fakeClient, FakeTransport, json, WIDGET } from './fakes.ts';

describe('RestMapper and discovery (fake transport)', () => {
  it('rediscovers on a miss at most once per interval, sharing concurrent refreshes', async () => {
    const clock = new FakeClock();
    const transport = new FakeTransport([CONFIGMAP]);
    const { client } = fakeClient(transport, { mapper: { minRefreshIntervalMs: 1_000, clock } });
    const discoveries = () => transport.paths().filter((p) => p === '/apis').length;
    await Promise.all([client.mapper.mapping('v1', 'ConfigMap'), client.mapper.mapping('v1', 'ConfigMap')]);
    expect(discoveries()).to.equal(1);
    const miss = await client.mapper.mapping('test.kubify.io/v1', 'Widget').catch((e: unknown) => e);
    expect(miss).to.be.instanceOf(NoMatchError);
    expect(discoveries()).to.equal(1); // inside the interval: no request
    transport.resources = [CONFIGMAP, WIDGET];
    await clock.advance(1_000);
    const [a, b] = await Promise.all([
      client.mapper.mapping('test.kubify.io/v1', 'Widget'),
      client.mapper.mapping('test.kubify.io/v1', 'Widget'),
    ]);
    expect(a).to.equal(b);
    expect(a).to.include({ group: 'test.kubify.io', resource: 'widgets', namespaced: true });
    expect(discoveries()).to.equal(2);
  });

  it('says whether the group/version or only the kind is missing', async () => {
    const { client } = fakeClient(new FakeTransport([CONFIGMAP, WIDGET]));
    const noGroup = (await client.mapper
      .mapping('ray.io/v1', 'RayService')
      .catch((e: unknown) => e)) as NoMatchError;
    expect(noGroup.message).to.equal(
      'RayService ray.io/v1 is not installed: the API server does not serve group ray.io version v1',
    );
    expect(noGroup).to.include({ apiVersion: 'ray.io/v1', kind: 'RayService', reason: 'NoMatch' });
    const noKind = (await client.mapper
      .mapping('test.kubify.io/v1', 'Gizmo')
      .catch((e: unknown) => e)) as NoMatchError;
    expect(noKind.message).to.contain('serves test.kubify.io/v1 but no kind Gizmo');
  });

  it('falls back to plain discovery when the aggregated form is not offered', async () => {
    const served: Record<string, unknown> = {
      '/api': { kind: 'APIVersions', versions: ['v1'] },
      '/apis': {
        kind: 'APIGroupList',
        groups: [
          { name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }] },
          { name: 'broken.io', versions: [{ version: 'v1' }] },
        ],
      },
      '/api/v1': {
        kind: 'APIResourceList',
        resources: [
          {
            name: 'pods',
            singularName: 'pod',
            namespaced: true,
            kind: 'Pod',
            verbs: ['get'],
            shortNames: ['po'],
          },
          { name: 'pods/status', namespaced: true, kind: 'Pod', verbs: ['get'] },
        ],
      },
      '/apis/apps/v1': {
        kind: 'APIResourceList',
        resources: [
          {
            name: 'deployments',
            singularName: '',
            namespaced: true,
            kind: 'Deployment',
            verbs: ['get'],
            categories: ['all'],
          },
        ],
      },
    };
    const result = await discover((path) =>
      Promise.resolve(
        served[path] ? { status: 200, body: JSON.stringify(served[path]) } : { status: 503, body: '' },
      ),
    );
    const mapper = new RestMapper(() => Promise.resolve(result));
    expect(await mapper.mapping('v1', 'Pod')).to.include({
      resource: 'pods',
      namespaced: true,
      singular: 'pod',
    });
    expect((await mapper.mapping('v1', 'Pod')).subresources).to.deep.equal(['status']);
    expect(await mapper.mapping('apps/v1', 'Deployment')).to.include({ singular: 'deployment' });
    expect((await mapper.category('all')).map((m) => m.kind)).to.deep.equal(['Deployment']);
    expect(result.groupVersions).to.deep.equal(['v1', 'apps/v1', 'broken.io/v1']);
  });

  it('passes a discovery failure to the caller as a typed error', async () => {
    const transport = new FakeTransport();
    transport.request = () =>
      Promise.resolve(json(503, { kind: 'Status', code: 503, message: 'apiserver starting' }));
    const { client } = fakeClient(transport);
    const err = (await client.mapper.mapping('v1', 'ConfigMap').catch((e: unknown) => e)) as Error;
    expect(err.name).to.equal('UnavailableError');
  });
});
