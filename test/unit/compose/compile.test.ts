import { expect } from 'chai';
import { stringify } from 'yaml';
import { compile, contentHash } from '../../../engine/compose/compile.ts';
import type { Composition } from '../../../engine/api/composition.ts';
import { compileOk, compositionYaml, FILE, lineOf } from './support.ts';

const RESOURCES = `
    - id: db
      readyWhen: [{condition: Ready}, {observedGeneration: true}]
      deletionPolicy: Orphan
      template: |
        apiVersion: v1
        kind: ConfigMap
        data:
          image: {{claim.spec.image}}
    - id: app
      template: |
        apiVersion: apps/v1
        kind: Deployment
        spec:
          host: {{resources.db.status.host}}
    - id: svc
      dependsOn: [app]
      includeWhen: "{{claim.spec.expose}}"
      template: |
        apiVersion: v1
        kind: Service
        metadata:
          name: {{names.app}}
    - id: monitor
      template: |
        apiVersion: v1
        kind: ConfigMap
        data: {}`;
const TEXT = compositionYaml({
  api: '\n    shortNames: [dm]\n    categories: [apps]\n    printerColumns:\n      - {name: Image, jsonPath: .spec.image}\n      - {name: Ready, jsonPath: .status.custom}',
  resources: RESOURCES,
  tail: '  status:\n    host: "{{resources.db.status.host}}"\n',
});

describe('compile', () => {
  const compiled = compileOk(TEXT);

  it('builds the dependency graph with levels and deletion order', () => {
    expect(compiled.graph).to.deep.equal({
      order: ['db', 'monitor', 'app', 'svc'],
      levels: [['db', 'monitor'], ['app'], ['svc']],
      deletionLevels: [['svc'], ['app'], ['db', 'monitor']],
      dependencies: { app: ['db'], db: [], monitor: [], svc: ['app'] },
      dependents: { app: ['svc'], db: ['app'], monitor: [], svc: [] },
    });
  });

  it('records constants, defaults and dependencies per resource, in graph order', () => {
    const summary = compiled.resources.map((r) => ({
      id: r.id,
      index: r.index,
      apiVersion: r.apiVersion,
      kind: r.kind,
      deletionPolicy: r.deletionPolicy,
      dependsOn: r.dependsOn,
      waitsFor: r.waitsFor,
      namesRead: r.namesRead,
      readyWhen: r.readyWhen.length,
      includeWhen: r.includeWhen !== undefined,
    }));
    expect(summary).to.deep.equal([
      {
        id: 'db',
        index: 0,
        apiVersion: 'v1',
        kind: 'ConfigMap',
        deletionPolicy: 'Orphan',
        dependsOn: [],
        waitsFor: [],
        namesRead: [],
        readyWhen: 2,
        includeWhen: false,
      },
      {
        id: 'monitor',
        index: 3,
        apiVersion: 'v1',
        kind: 'ConfigMap',
        deletionPolicy: 'Delete',
        dependsOn: [],
        waitsFor: [],
        namesRead: [],
        readyWhen: 0,
        includeWhen: false,
      },
      {
        id: 'app',
        index: 1,
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        deletionPolicy: 'Delete',
        dependsOn: ['db'],
        waitsFor: [],
        namesRead: [],
        readyWhen: 0,
        includeWhen: false,
      },
      {
        id: 'svc',
        index: 2,
        apiVersion: 'v1',
        kind: 'Service',
        deletionPolicy: 'Delete',
        dependsOn: ['app'],
        waitsFor: ['app'],
        namesRead: ['app'],
        readyWhen: 0,
        includeWhen: true,
      },
    ]);
  });

  it('resolves the claim API with derived names', () => {
    expect(compiled.api).to.deep.equal({
      group: 'demo.kubify.io',
      version: 'v1alpha1',
      apiVersion: 'demo.kubify.io/v1alpha1',
      kind: 'Demo',
      plural: 'demos',
      singular: 'demo',
      listKind: 'DemoList',
      scope: 'Namespaced',
      shortNames: ['dm'],
      categories: ['apps', 'kubify'],
    });
  });

  it('generates the claim CRD', () => {
    const { crd } = compiled;
    expect(crd.metadata).to.deep.equal({
      name: 'demos.demo.kubify.io',
      labels: { 'kubify.io/composition': 'demo' },
    });
    expect(crd.spec.names).to.deep.equal({
      kind: 'Demo',
      listKind: 'DemoList',
      plural: 'demos',
      singular: 'demo',
      shortNames: ['dm'],
      categories: ['apps', 'kubify'],
    });
    const version = crd.spec.versions[0]!;
    expect(version.subresources).to.deep.equal({ status: {} });
    expect(version.additionalPrinterColumns?.map((c) => `${c.name}:${c.type}:${c.jsonPath}`)).to.deep.equal([
      "Synced:string:.status.conditions[?(@.type=='Synced')].status",
      'Image:string:.spec.image',
      'Ready:string:.status.custom',
      'Age:date:.metadata.creationTimestamp',
    ]);
    const root = version.schema.openAPIV3Schema;
    expect(root.required).to.deep.equal(['spec']);
    expect(Object.keys(root.properties?.spec?.properties ?? {})).to.deep.equal([
      'image',
      'replicas',
      'expose',
      'apps',
      'env',
      'overrides',
      'compositionRevision',
    ]);
    expect(Object.keys(root.properties?.status?.properties ?? {})).to.deep.equal([
      'conditions',
      'observedGeneration',
      'compositionRevision',
      'resources',
      'host',
    ]);
    expect(stringify(crd)).to.not.match(/[&*]a\d/);
  });

  it('is immutable', () => {
    expect(Object.isFrozen(compiled)).to.equal(true);
    expect(Object.isFrozen(compiled.graph.levels[0])).to.equal(true);
    expect(Object.isFrozen(compiled.crd.spec.versions[0]!.schema)).to.equal(true);
    expect(() => (compiled.resources as unknown[]).push(1)).to.throw(TypeError);
  });

  it('hashes content, not formatting or key order', () => {
    const reordered = TEXT.replace(
      '    group: demo.kubify.io\n    version: v1alpha1\n',
      '    version: v1alpha1\n    group: demo.kubify.io\n',
    );
    expect(reordered).to.not.equal(TEXT);
    expect(compileOk(`# a comment\n${reordered}`).hash).to.equal(compiled.hash);
    expect(compileOk(TEXT.replace('dm]', 'dmo]')).hash).to.not.equal(compiled.hash);
    expect(compiled.hash).to.match(/^[0-9a-f]{64}$/);
    expect(contentHash(compiled.composition)).to.equal(compiled.hash);
  });

  it('compiles an object (as read from the API server) to the same result as its text', () => {
    const object = structuredClone<Composition>(compiled.composition);
    const result = compile({ object, file: 'Composition/demo' });
    expect(result.problems).to.deep.equal([]);
    expect(result.compiled?.hash).to.equal(compiled.hash);
    expect(result.compiled?.crd).to.deep.equal(compiled.crd);
    expect(result.compiled?.graph).to.deep.equal(compiled.graph);
  });

  it('does not modify an object source', () => {
    const object = structuredClone<Composition>(compiled.composition);
    const before = JSON.stringify(object);
    compile({ object });
    expect(JSON.stringify(object)).to.equal(before);
  });

  it('reports object-source problems with paths and no positions', () => {
    const object = structuredClone<Composition>(compiled.composition);
    object.spec.resources[0]!.id = 'Bad';
    const result = compile({ object, file: 'Composition/demo' });
    expect(result.problems).to.deep.equal([
      {
        code: 'schema.pattern',
        message: '"Bad" does not match ^[a-z]([-a-z0-9]*[a-z0-9])?$',
        path: 'spec.resources[0].id',
        file: 'Composition/demo',
      },
    ]);
  });

  it('sorts several problems by position', () => {
    const text = compositionYaml({
      resources: `
    - id: a
      template: |
        apiVersion: v1
        kind: ConfigMap
        data: {x: "{{claim.spec.nope}}", y: "{{resources.zz.x}}"}
    - id: a
      dependsOn: [ghost]
      template: "apiVersion: v1\\nkind: ConfigMap\\n"`,
    });
    const result = compile({ file: FILE, text });
    expect(result.problems.map((p) => `${p.line}:${p.code}`)).to.deep.equal([
      `${lineOf(text, '- id: a', 'data: {x')}:resource.duplicate-id`,
      `${lineOf(text, 'ghost')}:resource.unknown-dependency`,
    ]);
    const lines = result.problems.map((p) => p.line ?? 0);
    expect(lines).to.deep.equal([...lines].sort((a, b) => a - b));
    expect(result.problems.map((p) => p.code)).to.deep.equal([
      'resource.duplicate-id',
      'resource.unknown-dependency',
    ]);
  });

  describe('spec.deletion', () => {
    it('is Foreground unless set', () => {
      expect(compileOk(compositionYaml()).deletion).to.equal('Foreground');
      expect(compileOk(compositionYaml({ tail: '  deletion: Background\n' })).deletion).to.equal(
        'Background',
      );
    });

    it('refuses Background when resources depend on each other, at spec.deletion', () => {
      const text = compositionYaml({ resources: RESOURCES, tail: '  deletion: Background\n' });
      const result = compile({ file: FILE, text });
      expect(result.problems.map((p) => [p.code, p.path, p.line])).to.deep.equal([
        ['composition.background-deletion-order', 'spec.deletion', lineOf(text, 'deletion: Background')],
      ]);
      expect(result.problems[0]!.message).to.equal(
        'deletion: Background deletes composed objects in no particular order, but "app" depends on "db"; "svc" depends on "app": use Foreground (the default)',
      );
    });

    it('takes only Foreground or Background', () => {
      const text = compositionYaml({ tail: '  deletion: Orphan\n' });
      const result = compile({ file: FILE, text });
      expect(result.problems.map((p) => [p.path, p.line])).to.deep.equal([
        ['spec.deletion', lineOf(text, 'deletion: Orphan')],
      ]);
      expect(result.problems[0]!.message).to.contain('Foreground');
    });
  });

  const plurals: [string, string][] = [
    ['Demo', 'demos'],
    ['Policy', 'policies'],
    ['Gateway', 'gateways'],
    ['Address', 'addresses'],
    ['Mesh', 'meshes'],
    ['Box', 'boxes'],
  ];
  for (const [kind, plural] of plurals) {
    it(`derives plural ${plural} from ${kind}`, () => {
      const c = compileOk(TEXT.replace('kind: Demo', `kind: ${kind}`));
      expect(c.api.plural).to.equal(plural);
      expect(c.crd.metadata.name).to.equal(`${plural}.demo.kubify.io`);
    });
  }
});
