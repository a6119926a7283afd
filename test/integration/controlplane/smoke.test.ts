import { expect } from 'chai';
import type { ControlPlane } from '../../../engine/controlplane/index.ts';
import { newNamespace, sharedControlPlane } from '../../support/cluster.ts';
import { eventually, rawRequest, rawWatch, type WatchEvent } from '../../support/http.ts';

const group = 'smoke.kubify.io';
const crd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `widgets.${group}` },
  spec: {
    group,
    names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', properties: { size: { type: 'integer' }, color: { type: 'string' } } },
              status: { type: 'object', properties: { phase: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

interface Condition {
  type: string;
  status: string;
}
interface Obj {
  metadata: { resourceVersion: string; managedFields?: { manager: string; operation: string }[] };
  spec?: { size?: number };
  status?: { phase?: string; conditions?: Condition[] };
  gitVersion?: string;
}

describe('embedded control plane (smoke)', function () {
  let cp: ControlPlane;
  let ns: string;
  const widgets = (): string => `/apis/${group}/v1/namespaces/${ns}/widgets`;
  const apply = (name: string, spec: unknown, query = ''): ReturnType<typeof rawRequest> =>
    rawRequest(
      cp,
      'PATCH',
      `${widgets()}/${name}?fieldManager=kubify&force=true${query}`,
      { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name }, spec },
      { contentType: 'application/apply-patch+yaml' },
    );

  before(async function () {
    this.timeout(600_000); // first run may build the binaries
    cp = await sharedControlPlane();
    ns = await newNamespace('smoke');
    const created = await rawRequest(
      cp,
      'POST',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
      crd,
    );
    expect(created.status, created.text).to.equal(201);
    await eventually('the Widget CRD to be Established', async () => {
      const res = await rawRequest(
        cp,
        'GET',
        `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.${group}`,
      );
      const conditions = (res.body as Obj).status?.conditions ?? [];
      return conditions.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    });
  });

  it('reports a v1.34 server version', async () => {
    const res = await rawRequest(cp, 'GET', '/version');
    expect(res.status).to.equal(200);
    expect((res.body as Obj).gitVersion).to.match(/^v1\.34\.\d+$/);
  });

  it('serves core kinds: a ConfigMap round-trips', async () => {
    const res = await rawRequest(cp, 'POST', `/api/v1/namespaces/${ns}/configmaps`, {
      metadata: { name: 'smoke' },
      data: { hello: 'world' },
    });
    expect(res.status, res.text).to.equal(201);
    const read = await rawRequest(cp, 'GET', `/api/v1/namespaces/${ns}/configmaps/smoke`);
    expect((read.body as { data: Record<string, string> }).data).to.deep.equal({ hello: 'world' });
  });

  it('server-side applies a custom resource and records the field manager', async () => {
    const res = await apply('first', { size: 3 });
    expect(res.status, res.text).to.equal(201);
    const managers = ((res.body as Obj).metadata.managedFields ?? []).map(
      (m) => `${m.manager}/${m.operation}`,
    );
    expect(managers).to.deep.equal(['kubify/Apply']);
    const again = await apply('first', { size: 3 });
    expect((again.body as Obj).metadata.resourceVersion).to.equal((res.body as Obj).metadata.resourceVersion);
  });

  it('updates the status subresource without touching spec', async () => {
    await apply('status-test', { size: 1 });
    const res = await rawRequest(
      cp,
      'PATCH',
      `${widgets()}/status-test/status?fieldManager=kubify&force=true`,
      {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'status-test' },
        status: { phase: 'Ready' },
      },
      { contentType: 'application/apply-patch+yaml' },
    );
    expect(res.status, res.text).to.equal(200);
    const read = (await rawRequest(cp, 'GET', `${widgets()}/status-test`)).body as Obj;
    expect(read.status?.phase).to.equal('Ready');
    expect(read.spec?.size).to.equal(1);
  });

  it('streams watch events for changes', async () => {
    const seen: WatchEvent[] = [];
    const stop = rawWatch(cp, `${widgets()}?fieldSelector=metadata.name%3Dwatched`, (e) => seen.push(e));
    try {
      await new Promise((r) => setTimeout(r, 300));
      await apply('watched', { size: 1 });
      await apply('watched', { size: 2 });
      await rawRequest(cp, 'DELETE', `${widgets()}/watched`);
      await eventually('ADDED, MODIFIED and DELETED events', () =>
        ['ADDED', 'MODIFIED', 'DELETED'].every((t) => seen.some((e) => e.type === t)) ? true : undefined,
      );
      expect(seen.map((e) => e.type)).to.deep.equal(['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      stop();
    }
  });

  it('denies a user without RBAC grants and allows one with a Role', async () => {
    const denied = await rawRequest(cp, 'GET', `/api/v1/namespaces/${ns}/configmaps`, undefined, {
      as: 'alice',
    });
    expect(denied.status).to.equal(403);
    expect(denied.text).to.contain('User \\"alice\\" cannot list resource \\"configmaps\\"');
    const role = await rawRequest(cp, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      metadata: { name: 'read-configmaps' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
    });
    expect(role.status, role.text).to.equal(201);
    const binding = await rawRequest(
      cp,
      'POST',
      `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
      {
        metadata: { name: 'alice-reads' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'alice' }],
      },
    );
    expect(binding.status, binding.text).to.equal(201);
    await eventually('alice to be allowed', async () => {
      const res = await rawRequest(cp, 'GET', `/api/v1/namespaces/${ns}/configmaps`, undefined, {
        as: 'alice',
      });
      return res.status === 200 ? true : undefined;
    });
    const stillDenied = await rawRequest(
      cp,
      'DELETE',
      `/api/v1/namespaces/${ns}/configmaps/smoke`,
      undefined,
      {
        as: 'alice',
      },
    );
    expect(stillDenied.status).to.equal(403);
  });

  it('rejects an unknown field on a strict server-side dry-run, and creates nothing', async () => {
    // Server-side apply refuses to build a typed patch for an undeclared field (the API server
    // answers 500 with the field path); a strict create answers 400 "unknown field".
    const applied = await apply('strict', { size: 1, colour: 'red' }, '&dryRun=All&fieldValidation=Strict');
    expect(applied.status, applied.text).to.be.at.least(400);
    expect(applied.text).to.contain('.spec.colour: field not declared in schema');
    const created = await rawRequest(
      cp,
      'POST',
      `${widgets()}?dryRun=All&fieldValidation=Strict&fieldManager=kubify`,
      {
        apiVersion: `${group}/v1`,
        kind: 'Widget',
        metadata: { name: 'strict' },
        spec: { size: 1, colour: 'red' },
      },
    );
    expect(created.status, created.text).to.equal(400);
    expect(created.text).to.contain('unknown field \\"spec.colour\\"');
    expect((await rawRequest(cp, 'GET', `${widgets()}/strict`)).status).to.equal(404);
    const ok = await apply('strict', { size: 1, color: 'red' }, '&dryRun=All&fieldValidation=Strict');
    expect(ok.status, ok.text).to.equal(201);
    expect((await rawRequest(cp, 'GET', `${widgets()}/strict`)).status).to.equal(404);
  });
});
