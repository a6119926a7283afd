import { expect } from 'chai';
import { renderTemplate } from '../../../../engine/compose/template/index.ts';
import { compiled, context, documents } from './support.ts';

interface Case {
  name: string;
  template: string;
  claim: unknown;
  resources?: Record<string, unknown>;
  expected: Record<string, unknown>[];
}

const cases: Case[] = [
  {
    name: 'keeps the type of a whole plain scalar',
    template: 'n: {{claim.n}}\nf: {{claim.f}}\nb: {{claim.b}}\nz: {{claim.z}}\ns: {{claim.s}}',
    claim: { n: 3, f: 1.5, b: false, z: null, s: '42' },
    expected: [{ n: 3, f: 1.5, b: false, z: null, s: '42' }],
  },
  {
    name: 'puts a map or a list in place of a whole plain scalar',
    template: 'spec:\n  env: {{claim.env}}\n  ports: {{claim.ports}}',
    claim: { env: { A: '1', B: { c: [true] } }, ports: [80, 443] },
    expected: [{ spec: { env: { A: '1', B: { c: [true] } }, ports: [80, 443] } }],
  },
  {
    name: 'treats a quoted whole scalar as text',
    template: 'a: "{{claim.n}}"\nb: \'{{claim.b}}\'',
    claim: { n: 8080, b: true },
    expected: [{ a: '8080', b: 'true' }],
  },
  {
    name: 'splices values into longer strings as text',
    template: 'image: {{claim.repo}}:{{claim.tag}}\nurl: "http://{{claim.host}}:{{claim.port}}/"',
    claim: { repo: 'ray', tag: '2.9', host: 'db', port: 5432 },
    expected: [{ image: 'ray:2.9', url: 'http://db:5432/' }],
  },
  {
    name: 'fills literal and folded block scalars',
    template: 'lit: |\n  first {{claim.a}}\n  {{claim.b}}\nfold: >\n  one {{claim.a}}\n  two\n',
    claim: { a: 'x: y', b: 'line1\nline2' },
    expected: [{ lit: 'first x: y\nline1\nline2\n', fold: 'one x: y two\n' }],
  },
  {
    name: 'takes keys from tokens',
    template: 'labels:\n  {{claim.key}}: v\n  app-{{claim.suffix}}: {{claim.n}}',
    claim: { key: 'team', suffix: 'x', n: 1 },
    expected: [{ labels: { team: 'v', 'app-x': 1 } }],
  },
  {
    name: 'renders several documents and drops empty ones',
    template: 'a: {{claim.a}}\n---\n# nothing\n---\nb: {{claim.b}}\n---\n',
    claim: { a: 1, b: 2 },
    expected: [{ a: 1 }, { b: 2 }],
  },
  {
    name: 'generates list items with #each, @index and ../',
    template:
      'apps:\n{{#each claim.apps}}\n  - name: {{name}}\n    index: {{@index}}\n    owner: {{../claim.owner}}\n{{/each}}',
    claim: { owner: 'me', apps: [{ name: 'a' }, { name: 'b' }] },
    expected: [
      {
        apps: [
          { name: 'a', index: 0, owner: 'me' },
          { name: 'b', index: 1, owner: 'me' },
        ],
      },
    ],
  },
  {
    name: 'generates map entries from a map with @key and this',
    template: 'env:\n{{#each claim.env}}\n  {{@key}}: {{this}}\n{{/each}}',
    claim: { env: { A: 'x', B: 2 } },
    expected: [{ env: { A: 'x', B: 2 } }],
  },
  {
    name: 'supports block parameters',
    template: 'ports:\n{{#each claim.ports as |port i|}}\n  - {name: p{{i}}, port: {{port.n}} }\n{{/each}}',
    claim: { ports: [{ n: 80 }, { n: 443 }] },
    expected: [
      {
        ports: [
          { name: 'p0', port: 80 },
          { name: 'p1', port: 443 },
        ],
      },
    ],
  },
  {
    name: 'runs #if, #unless and else on real values',
    template:
      '{{#if claim.on}}\non: yes-{{claim.n}}\n{{else}}\non: no\n{{/if}}\n{{#unless claim.off}}\noff: false\n{{/unless}}',
    claim: { on: true, off: false, n: 1 },
    expected: [{ on: 'yes-1', off: false }],
  },
  {
    name: 'chains else if',
    template: '{{#if claim.a}}\nv: a\n{{else if claim.b}}\nv: b\n{{else}}\nv: c\n{{/if}}',
    claim: { a: false, b: true },
    expected: [{ v: 'b' }],
  },
  {
    name: 'provides @root, @first and @last inside #each',
    template: 'a: {{#each claim.l}}{{@root.claim.x}}-{{@first}}-{{@last}} {{/each}}',
    claim: { x: 'X', l: [1, 2] },
    expected: [{ a: 'X-true-false X-false-true' }],
  },
  {
    name: 'passes includeZero to #if',
    template: 'a: {{#if claim.n includeZero=true}}zero{{else}}none{{/if}}',
    claim: { n: 0 },
    expected: [{ a: 'zero' }],
  },
  {
    name: 'moves the context with #with',
    template: '{{#with claim.db}}\nhost: {{host}}\nport: {{port}}\n{{/with}}',
    claim: { db: { host: 'h', port: 1 } },
    expected: [{ host: 'h', port: 1 }],
  },
  {
    name: 'reads observed resources',
    template: 'host: {{resources.db.status.host}}',
    claim: {},
    resources: { db: { status: { host: 'db.svc' } } },
    expected: [{ host: 'db.svc' }],
  },
  {
    name: 'ignores tokens in comments',
    template: 'a: 1 # {{claim.x}}\n# {{claim.y}}\nb: 2',
    claim: { x: { nested: true }, y: [1] },
    expected: [{ a: 1, b: 2 }],
  },
  {
    name: 'inserts toYaml data as a whole scalar and its text in a block scalar',
    template: 'data: {{toYaml claim.cfg}}\ntext: |\n  {{toYaml claim.cfg}}',
    claim: { cfg: { a: 1, b: ['x'] } },
    expected: [{ data: { a: 1, b: ['x'] }, text: 'a: 1\nb:\n  - x\n' }],
  },
  {
    name: 'keeps a quote result a string as a whole scalar and adds quotes inside text',
    template: 'a: {{quote claim.n}}\nb: say {{quote claim.s}}',
    claim: { n: 5, s: 'hi' },
    expected: [{ a: '5', b: 'say "hi"' }],
  },
  {
    name: 'passes a flow collection through with tokens',
    template: 'args: [{{claim.a}}, "--x={{claim.b}}"]\nm: {k: {{claim.a}} }',
    claim: { a: 1, b: 'y' },
    expected: [{ args: [1, '--x=y'], m: { k: 1 } }],
  },
  {
    name: 'renders literal mustaches with their type',
    template: 'a: {{true}}\nb: {{3}}\nc: {{"text"}}\nd: {{null}}',
    claim: {},
    expected: [{ a: true, b: 3, c: 'text', d: null }],
  },
  {
    name: 'resolves template aliases and keeps values independent',
    template: 'a: &x {n: {{claim.n}} }\nb: *x',
    claim: { n: 2 },
    expected: [{ a: { n: 2 }, b: { n: 2 } }],
  },
];

describe('compose/template: rendering', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(documents(c.template, context(c.claim, c.resources ?? {}))).to.deep.equal(c.expected);
    });
  }

  it('is deterministic: the same input renders the same output', () => {
    const t = compiled('a: {{claim.a}}\nb: x-{{claim.b}}');
    const ctx = context({ a: { z: 1 }, b: 'y' });
    expect(renderTemplate(t, ctx)).to.deep.equal(renderTemplate(t, ctx));
  });

  it('never aliases or mutates the input', () => {
    const claim = { env: { A: '1' }, list: [{ x: 1 }] };
    const snapshot = structuredClone(claim);
    const [doc] = documents('env: {{claim.env}}\nlist: {{claim.list}}', context(claim));
    expect(doc!.env).to.deep.equal(claim.env);
    expect(doc!.env).not.to.equal(claim.env);
    (doc!.list as { x: number }[])[0]!.x = 99;
    expect(claim).to.deep.equal(snapshot);
  });

  it('renders an empty template to no documents', () => {
    expect(documents('# only a comment\n', context({}))).to.deep.equal([]);
  });
});
