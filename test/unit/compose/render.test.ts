import { expect } from 'chai';
import { render } from '../../../engine/compose/render.ts';
import type { RenderInput, RenderResult } from '../../../engine/compose/render-types.ts';
import { compileOk, compositionYaml } from './support.ts';

const RESOURCES = `
    - id: db
      readyWhen: [{condition: Ready}]
      template: |
        apiVersion: v1
        kind: ConfigMap
        data:
          image: {{claim.spec.image}}
          replicas: "{{claim.spec.replicas}}"
    - id: app
      template: |
        apiVersion: v1
        kind: ConfigMap
        data:
          host: {{resources.db.status.host}}
          db: {{names.db}}
    - id: svc
      dependsOn: [db]
      includeWhen: "{{claim.spec.expose}}"
      deletionPolicy: Orphan
      template: |
        apiVersion: v1
        kind: Service
        spec: {}`;
const STATUS = '  status:\n    host: "{{resources.db.status.host}}"\n    image: "{{claim.spec.image}}"\n';
const compiled = compileOk(compositionYaml({ resources: RESOURCES, tail: STATUS }));

const claim = (
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): Record<string, unknown> => ({
  apiVersion: 'demo.kubify.io/v1alpha1',
  kind: 'Demo',
  metadata: { name: 'shop', namespace: 'team-a', ...meta },
  spec,
});
const readyDb = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'shop-db', namespace: 'team-a' },
  status: { host: 'db.local', conditions: [{ type: 'Ready', status: 'True' }] },
};
const run = (input: Partial<RenderInput> & { claim: unknown }): RenderResult =>
  render({ compiled, ...input });
const ids = (r: RenderResult): string[] => r.desired.map((d) => d.id);
const object = (r: RenderResult, id: string): Record<string, unknown> =>
  r.desired.find((d) => d.id === id)?.object as Record<string, unknown>;
const meta = (r: RenderResult, id: string): Record<string, unknown> =>
  object(r, id).metadata as Record<string, unknown>;

describe('render', () => {
  it('applies schema defaults and renders in dependency order', () => {
    const r = run({ claim: claim({ image: 'nginx' }) });
    expect(ids(r)).to.deep.equal(['db']);
    expect(object(r, 'db').data).to.deep.equal({ image: 'nginx', replicas: '2' });
    expect(r.results.filter((p) => p.severity !== 'Normal')).to.deep.equal([]);
  });

  const flows: {
    name: string;
    spec: Record<string, unknown>;
    observed?: Record<string, unknown>;
    desired: string[];
    phases: Record<string, string>;
    pending: { id: string; path: string }[];
    ready: { status: string; reason: string };
  }[] = [
    {
      name: 'nothing observed: dependents wait for data and readiness',
      spec: { image: 'a', expose: true },
      desired: ['db'],
      phases: { app: 'Pending', db: 'Rendered', svc: 'Pending' },
      pending: [
        { id: 'app', path: 'resources.db.status.host' },
        { id: 'svc', path: 'resources.db' },
      ],
      ready: { status: 'False', reason: 'Pending' },
    },
    {
      name: 'db observed and ready: everything renders',
      spec: { image: 'a', expose: true },
      observed: { db: readyDb },
      desired: ['app', 'db', 'svc'],
      phases: { app: 'Rendered', db: 'Rendered', svc: 'Rendered' },
      pending: [],
      ready: { status: 'False', reason: 'ResourcesNotReady' },
    },
    {
      name: 'includeWhen false excludes svc',
      spec: { image: 'a' },
      observed: { db: readyDb },
      desired: ['app', 'db'],
      phases: { app: 'Rendered', db: 'Rendered', svc: 'Excluded' },
      pending: [],
      ready: { status: 'False', reason: 'ResourcesNotReady' },
    },
    {
      name: 'all observed and ready',
      spec: { image: 'a' },
      observed: { db: readyDb, app: { metadata: { name: 'shop-app' } } },
      desired: ['app', 'db'],
      phases: { app: 'Rendered', db: 'Rendered', svc: 'Excluded' },
      pending: [],
      ready: { status: 'True', reason: 'Available' },
    },
  ];
  for (const f of flows) {
    it(f.name, () => {
      const r = run({ claim: claim(f.spec), ...(f.observed ? { observed: f.observed } : {}) });
      expect(ids(r)).to.deep.equal(f.desired);
      expect(Object.fromEntries(r.resources.map((s) => [s.id, s.phase]))).to.deep.equal(f.phases);
      expect(r.pending.map((p) => ({ id: p.id, path: p.path }))).to.deep.equal(f.pending);
      expect({ status: r.ready.status, reason: r.ready.reason }).to.deep.equal(f.ready);
    });
  }

  it('names the blocking resources in the Ready message', () => {
    const r = run({ claim: claim({ image: 'a' }) });
    expect(r.ready.message).to.equal(
      'waiting for db (ConfigMap shop-db): the object does not exist yet; app (ConfigMap shop-app): waiting for resources.db.status.host',
    );
  });

  it('adds names, namespace, labels, annotations and owner references', () => {
    const r = run({
      claim: claim({ image: 'a', expose: true }, { uid: 'uid-1' }),
      observed: { db: readyDb },
      revision: 4,
    });
    expect(meta(r, 'db')).to.deep.equal({
      name: 'shop-db',
      namespace: 'team-a',
      labels: {
        'app.kubernetes.io/managed-by': 'kubify',
        'kubify.io/claim-kind': 'Demo.demo.kubify.io',
        'kubify.io/claim-name': 'shop',
        'kubify.io/claim-namespace': 'team-a',
        'kubify.io/composition': 'demo',
        'kubify.io/resource-id': 'db',
      },
      annotations: { 'kubify.io/claim-uid': 'uid-1', 'kubify.io/composition-revision': '4' },
      ownerReferences: [
        {
          apiVersion: 'demo.kubify.io/v1alpha1',
          kind: 'Demo',
          name: 'shop',
          uid: 'uid-1',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(meta(r, 'svc')).to.not.have.property('ownerReferences');
    expect(object(r, 'app').data).to.deep.equal({ host: 'db.local', db: 'shop-db' });
  });

  it('keeps object keys in template order with metadata after kind', () => {
    const r = run({ claim: claim({ image: 'a' }) });
    expect(Object.keys(object(r, 'db'))).to.deep.equal(['apiVersion', 'kind', 'metadata', 'data']);
  });

  it('caps long names at 63 characters with a stable hash', () => {
    const fits = 'a'.repeat(60);
    expect(meta(run({ claim: claim({ image: 'a' }, { name: fits }) }), 'db').name).to.equal(`${fits}-db`);
    const long = 'a'.repeat(61);
    const first = meta(run({ claim: claim({ image: 'a' }, { name: long }) }), 'db').name as string;
    const second = meta(run({ claim: claim({ image: 'a' }, { name: long }) }), 'db').name as string;
    expect(first).to.have.length.at.most(63);
    expect(first).to.match(/^a{54}-[0-9a-f]{8}$/);
    expect(second).to.equal(first);
  });

  it('projects status fields and omits values not observed yet', () => {
    expect(run({ claim: claim({ image: 'a' }) }).status).to.deep.equal({ image: 'a' });
    expect(run({ claim: claim({ image: 'a' }), observed: { db: readyDb } }).status).to.deep.equal({
      host: 'db.local',
      image: 'a',
    });
  });

  it('applies overrides to a copy and keeps kubify labels', () => {
    const input = {
      claim: claim({
        image: 'a',
        overrides: {
          db: [
            { op: 'add', path: '/data/extra', value: 'yes' },
            { op: 'add', path: '/metadata/labels', value: {} },
          ],
        },
      }),
    };
    const before = JSON.stringify(input);
    const r = run(input);
    expect(object(r, 'db').data).to.deep.equal({ image: 'a', replicas: '2', extra: 'yes' });
    expect(meta(r, 'db').labels).to.have.property('kubify.io/resource-id', 'db');
    expect(JSON.stringify(input)).to.equal(before);
  });

  it('emits a Normal result for excluded resources', () => {
    const r = run({ claim: claim({ image: 'a' }), observed: { db: readyDb } });
    expect(r.results).to.deep.equal([
      {
        code: 'render.excluded',
        message: 'resource "svc" is not composed: includeWhen is false',
        path: 'resources.svc',
        severity: 'Normal',
      },
    ]);
  });

  it('is deterministic: the same input gives byte-identical JSON', () => {
    const input = {
      claim: claim({ image: 'a', expose: true, env: { b: '2', a: '1' } }, { uid: 'u' }),
      observed: { db: readyDb },
      revision: 2,
      now: '2024-01-01T00:00:00Z',
    };
    const a = JSON.stringify(run(input));
    const b = JSON.stringify(run(structuredClone(input)));
    expect(a).to.equal(b);
  });

  it('never modifies its inputs', () => {
    const input = {
      claim: claim({ image: 'a', expose: true }, { uid: 'u' }),
      observed: { db: structuredClone(readyDb) },
    };
    const snapshot = structuredClone(input);
    const r = run(input);
    (object(r, 'db').data as Record<string, unknown>).image = 'changed';
    expect(input).to.deep.equal(snapshot);
    expect(run(input).desired.find((d) => d.id === 'db')?.object).to.have.nested.property('data.image', 'a');
  });

  it('gives templates the program files (never claim data) as programs.<name>.files', () => {
    const withProgram = compileOk(
      compositionYaml({
        resources: `
    - id: source
      template: |
        apiVersion: kubify.io/v1alpha1
        kind: ProgramSource
        spec:
          files: {{programs.infra.files}}`,
        tail: '  programs:\n    infra:\n      files: {"__main__.py": "print(1)\\n", "Pulumi.yaml": "name: infra\\n"}\n',
      }),
    );
    const r = render({ compiled: withProgram, claim: claim({ image: 'a' }) });
    expect(r.desired[0]?.object.spec).to.deep.equal({
      files: { 'Pulumi.yaml': 'name: infra\n', '__main__.py': 'print(1)\n' },
    });
  });

  it('cluster-scoped claims do not force a namespace', () => {
    const cluster = compileOk(compositionYaml({ api: '\n    scope: Cluster' }));
    const r = render({
      compiled: cluster,
      claim: {
        apiVersion: 'demo.kubify.io/v1alpha1',
        kind: 'Demo',
        metadata: { name: 'c', uid: 'u' },
        spec: { image: 'a' },
      },
    });
    expect(r.desired[0]?.object.metadata).to.not.have.property('namespace');
    expect(r.desired[0]?.object.metadata).to.have.property('ownerReferences');
    expect(r.desired[0]?.object.metadata).to.have.nested.property('labels.kubify\\.io/claim-name', 'c');
    expect(r.desired[0]?.object.metadata).to.not.have.nested.property('labels.kubify\\.io/claim-namespace');
  });
});
