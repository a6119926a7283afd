import { expect } from 'chai';
import type { Problem } from '../../../engine/api/problem.ts';
import { render } from '../../../engine/compose/render.ts';
import { BASE_PROPERTIES, columnOf, compileOk, compositionYaml, lineOf } from './support.ts';

const RESOURCES = `
    - id: db
      template: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          namespace: {{default claim.spec.namespace "team-a"}}
        data:
          image: {{claim.spec.image}}
          tag: {{claim.spec.tag}}
    - id: docs
      includeWhen: "{{claim.spec.docs}}"
      template: |
        apiVersion: v1
        kind: ConfigMap
        data: {}
        {{#if claim.spec.split}}
        ---
        apiVersion: v1
        kind: ConfigMap
        data: {}
        {{/if}}`;
const PROPERTIES = `${BASE_PROPERTIES}
        namespace: {type: string}
        tag: {type: string, default: latest}
        docs: {x-kubernetes-preserve-unknown-fields: true, default: true}
        split: {type: boolean, default: false}`;
const compiled = compileOk(compositionYaml({ properties: PROPERTIES, resources: RESOURCES }));
const noDefaultText = compositionYaml({
  properties: `${BASE_PROPERTIES}\n        tag: {type: string}\n        namespace: {type: string}`,
  resources: RESOURCES.split('    - id: docs')[0],
});
const noDefault = compileOk(noDefaultText);

const claim = (
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = {},
): Record<string, unknown> => ({
  apiVersion: 'demo.kubify.io/v1alpha1',
  kind: 'Demo',
  metadata: { name: 'shop', namespace: 'team-a', ...meta },
  spec,
});
const ok = { image: 'nginx' };

interface Case {
  name: string;
  claim: unknown;
  first: Problem;
  compiled?: typeof compiled;
}

const cases: Case[] = [
  {
    name: 'missing required claim value',
    claim: claim({ docs: true }),
    first: {
      code: 'schema.required',
      message: 'required field "image" is missing',
      path: 'spec.image',
      severity: 'Fatal',
    },
  },
  {
    name: 'claim value of the wrong type',
    claim: claim({ ...ok, replicas: 'two' }),
    first: {
      code: 'schema.type',
      message: 'must be of type integer, got string',
      path: 'spec.replicas',
      severity: 'Fatal',
    },
  },
  {
    name: 'claim value out of bounds',
    claim: claim({ ...ok, replicas: 11 }),
    first: { code: 'schema.maximum', message: 'must be <= 10', path: 'spec.replicas', severity: 'Fatal' },
  },
  {
    name: 'claim of another kind',
    claim: { ...claim(ok), kind: 'Other' },
    first: {
      code: 'claim.wrong-kind',
      message: 'composition "demo" renders demo.kubify.io/v1alpha1 Demo, not demo.kubify.io/v1alpha1 Other',
      path: 'kind',
      severity: 'Fatal',
    },
  },
  {
    name: 'namespaced claim without namespace',
    claim: claim(ok, { namespace: undefined }),
    first: {
      code: 'claim.namespace-missing',
      message: 'Demo is namespaced: the claim needs metadata.namespace',
      path: 'metadata.namespace',
      severity: 'Fatal',
    },
  },
  {
    name: 'claim that is not an object',
    claim: 'hello',
    first: {
      code: 'claim.invalid',
      message: 'the claim must be an object with metadata.name',
      path: 'metadata.name',
      severity: 'Fatal',
    },
  },
  {
    name: 'object in another namespace (tenancy)',
    claim: claim({ ...ok, namespace: 'kube-system' }),
    first: {
      code: 'tenancy.namespace',
      message:
        'resource "db" (ConfigMap shop-db) is in namespace "kube-system", but a claim in namespace "team-a" may only compose objects in its own namespace',
      path: 'resources.db',
      severity: 'Fatal',
    },
  },
  {
    name: 'override for an unknown resource',
    claim: claim({ ...ok, overrides: { cache: [{ op: 'remove', path: '/data' }] } }),
    first: {
      code: 'override.unknown-resource',
      message: 'spec.overrides names unknown resource "cache"; resources are: db, docs',
      path: 'spec.overrides.cache',
      severity: 'Fatal',
    },
  },
  {
    name: 'override removing a missing path',
    claim: claim({
      ...ok,
      overrides: {
        db: [
          { op: 'add', path: '/data/x', value: 1 },
          { op: 'remove', path: '/spec/replicas' },
        ],
      },
    }),
    first: {
      code: 'override.invalid-patch',
      message:
        'cannot apply remove "/spec/replicas": Cannot perform the operation at a path that does not exist',
      path: 'spec.overrides.db[1]',
      severity: 'Fatal',
    },
  },
  {
    name: 'override renaming the object',
    claim: claim({ ...ok, overrides: { db: [{ op: 'replace', path: '/metadata/name', value: 'x' }] } }),
    first: {
      code: 'override.identity',
      message: 'overrides for "db" may not change metadata.name ("shop-db" -> "x")',
      path: 'spec.overrides.db',
      severity: 'Fatal',
    },
  },
  {
    name: 'override changing the kind',
    claim: claim({ ...ok, overrides: { db: [{ op: 'replace', path: '/kind', value: 'Secret' }] } }),
    first: {
      code: 'override.identity',
      message: 'overrides for "db" may not change kind ("ConfigMap" -> "Secret")',
      path: 'spec.overrides.db',
      severity: 'Fatal',
    },
  },
  {
    name: 'override moving the object to another namespace',
    claim: claim({
      ...ok,
      overrides: { db: [{ op: 'replace', path: '/metadata/namespace', value: 'prod' }] },
    }),
    first: {
      code: 'override.identity',
      message: 'overrides for "db" may not change metadata.namespace ("team-a" -> "prod")',
      path: 'spec.overrides.db',
      severity: 'Fatal',
    },
  },
  {
    name: 'failing override test operation',
    claim: claim({ ...ok, overrides: { db: [{ op: 'test', path: '/data/image', value: 'redis' }] } }),
    first: {
      code: 'override.invalid-patch',
      message: 'cannot apply test "/data/image": Test operation failed',
      path: 'spec.overrides.db[0]',
      severity: 'Fatal',
    },
  },
  {
    name: 'override with an unknown op',
    claim: claim({ ...ok, overrides: { db: [{ op: 'merge', path: '/data' }] } }),
    first: {
      code: 'schema.enum',
      message: 'must be one of "add", "remove", "replace", "move", "copy", "test"',
      path: 'spec.overrides.db[0].op',
      severity: 'Fatal',
    },
  },
  {
    name: 'template rendering two documents',
    claim: claim({ ...ok, split: true }),
    first: {
      code: 'render.document-count',
      message: 'resource "docs" must render exactly one YAML document, got 2',
      path: 'resources.docs',
      severity: 'Fatal',
    },
  },
  {
    name: 'includeWhen that is not a boolean',
    claim: claim({ image: 'nginx', docs: 'yes' }),
    first: {
      code: 'render.include-when-type',
      message: 'resource "docs": includeWhen must evaluate to true or false, got "yes"',
      path: 'resources.docs',
      severity: 'Fatal',
    },
  },
  {
    name: 'optional claim value without default read by a template',
    claim: claim({ image: 'nginx' }),
    compiled: noDefault,
    first: {
      code: 'template.missing-value',
      message: 'missing value: claim.spec.tag',
      path: 'spec.resources[0].template',
      file: 'composition.yaml',
      line: lineOf(noDefaultText, 'claim.spec.tag'),
      column: columnOf(noDefaultText, 'claim.spec.tag'),
      severity: 'Fatal',
    },
  },
];

describe('render: bad input', () => {
  for (const c of cases) {
    it(c.name, () => {
      const r = render({ compiled: c.compiled ?? compiled, claim: c.claim });
      expect(r.results[0]).to.deep.equal(c.first);
      expect(r.desired, 'nothing may be applied after a Fatal result').to.deep.equal([]);
      expect(r.ready.status).to.equal('False');
      expect(r.ready.reason).to.equal('RenderFailed');
      expect(r.ready.message).to.contain(c.first.message);
    });
  }

  it('reports unknown claim fields as Warnings and still renders', () => {
    const r = render({ compiled, claim: claim({ ...ok, imagee: 'x' }) });
    expect(r.results[0]).to.deep.equal({
      code: 'schema.unknown-field',
      message: 'unknown field "imagee" (did you mean "image"?)',
      path: 'spec.imagee',
      severity: 'Warning',
    });
    expect(r.desired.map((d) => d.id)).to.deep.equal(['db', 'docs']);
  });

  const injections = [
    'a\nkind: Secret',
    'x: y',
    'a\n---\nkind: Secret\n',
    '{{claim.spec.image}}',
    `"'"`,
    '# not a comment',
    'ünïcødé ✓',
    'z'.repeat(5000),
  ];
  for (const value of injections) {
    it(`keeps the claim value ${JSON.stringify(value.slice(0, 20))} as data`, () => {
      const r = render({ compiled, claim: claim({ ...ok, image: value }) });
      expect(r.results.filter((p) => p.severity !== 'Normal')).to.deep.equal([]);
      const db = r.desired.find((d) => d.id === 'db')?.object;
      expect(db?.kind).to.equal('ConfigMap');
      expect(db?.data).to.deep.equal({ image: value, tag: 'latest' });
    });
  }
});
