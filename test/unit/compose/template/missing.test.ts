import { expect } from 'chai';
import type { RenderOutcome } from '../../../../engine/compose/template/index.ts';
import { FILE, context, documents, evaluate, render, value } from './support.ts';

interface Case {
  name: string;
  template: string;
  claim?: unknown;
  resources?: Record<string, unknown>;
  expected: RenderOutcome;
}

function pending(...path: string[]): RenderOutcome {
  return {
    ok: false,
    pending: { path, message: `waiting for ${path.join('.').replace(/\.(\d+)/g, '[$1]')}` },
  };
}

function problem(code: string, message: string, line: number, column: number): RenderOutcome {
  return { ok: false, problem: { code, message, path: '', file: FILE, line, column } };
}

const cases: Case[] = [
  {
    name: 'an unobserved resource is pending',
    template: 'host: {{resources.db.status.host}}',
    expected: pending('resources', 'db', 'status', 'host'),
  },
  {
    name: 'a missing field of an observed resource is pending',
    template: 'a: 1\nhost: x-{{resources.db.status.host}}',
    resources: { db: { metadata: { name: 'db' } } },
    expected: pending('resources', 'db', 'status', 'host'),
  },
  {
    name: 'a strict helper argument under resources is pending',
    template: 'host: {{lower resources.db.status.host}}',
    expected: pending('resources', 'db', 'status', 'host'),
  },
  {
    name: 'a missing item field under resources is pending with its index',
    template: '{{#each resources.db.status.endpoints}}\n- {{host}}\n{{/each}}',
    resources: { db: { status: { endpoints: [{ host: 'a' }, { port: 1 }] } } },
    expected: pending('resources', 'db', 'status', 'endpoints', '1', 'host'),
  },
  {
    name: 'a missing claim value is a problem',
    template: 'a: 1\nimage: {{claim.spec.image}}',
    claim: { spec: {} },
    expected: problem('template.missing-value', 'missing value: claim.spec.image', 2, 10),
  },
  {
    name: 'a missing intermediate claim value is a problem naming the whole path',
    template: 'x: {{claim.spec.a.b.c}}',
    claim: { spec: {} },
    expected: problem('template.missing-value', 'missing value: claim.spec.a.b.c', 1, 6),
  },
  {
    name: 'a missing item field names the item',
    template: '{{#each claim.apps}}\n- {{name}}\n{{/each}}',
    claim: { apps: [{ name: 'a' }, { port: 1 }] },
    expected: problem('template.missing-value', 'missing value: claim.apps[1].name', 2, 5),
  },
  {
    name: 'a strict helper argument is a problem',
    template: 'x: {{upper claim.spec.name}}',
    claim: { spec: {} },
    expected: problem('template.missing-value', 'missing value: claim.spec.name', 1, 12),
  },
  {
    name: 'reading below null is a problem',
    template: 'x: {{claim.spec.n.x}}',
    claim: { spec: { n: null } },
    expected: problem('template.missing-value', 'missing value: claim.spec.n.x', 1, 6),
  },
  {
    name: '@index outside #each is a problem',
    template: 'x: {{@index}}',
    expected: problem('template.missing-value', 'missing value: @index', 1, 6),
  },
  {
    name: 'a helper result without a value is a problem',
    template: 'x: {{lookup claim.m "k"}}',
    claim: { m: {} },
    expected: problem('template.no-value', '{{lookup claim.m "k"}} produced no value', 1, 4),
  },
  {
    name: 'required fails with a message naming the path',
    template: 'x: {{required claim.spec.x}}',
    claim: { spec: { x: '' } },
    expected: problem('template.required', 'claim.spec.x is required', 1, 4),
  },
  {
    name: 'required fails with its own message',
    template: 'x: {{required claim.spec.x "set spec.x to the bucket name"}}',
    claim: { spec: {} },
    expected: problem('template.required', 'set spec.x to the bucket name', 1, 4),
  },
  {
    name: 'required on a resource path is pending',
    template: 'x: {{required resources.db.status.host}}',
    expected: pending('resources', 'db', 'status', 'host'),
  },
  {
    name: 'a present null is a value, not missing',
    template: 'x: {{claim.spec.n}}',
    claim: { spec: { n: null } },
    expected: { ok: true, documents: [{ x: null }] },
  },
];

describe('compose/template: missing data', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(render(c.template, context(c.claim ?? {}, c.resources ?? {}))).to.deep.equal(c.expected);
    });
  }

  const tolerant: [string, string, unknown][] = [
    ['default gives the fallback', '{{default claim.spec.missing 3}}', 3],
    ['default keeps a present value', '{{default claim.spec.n 3}}', 0],
    [
      'default on a pending resource gives the fallback',
      '{{default resources.db.status.host "none"}}',
      'none',
    ],
    ['#if on a missing value takes else', '{{#if claim.spec.missing}}yes{{else}}no{{/if}}', 'no'],
    ['#unless on a missing value renders', '{{#unless claim.spec.missing.deep}}yes{{/unless}}', 'yes'],
    ['#each over a missing list takes else', '{{#each claim.spec.missing}}x{{else}}empty{{/each}}', 'empty'],
    ['#with on a missing value takes else', '{{#with claim.spec.missing}}x{{else}}none{{/with}}', 'none'],
    ['eq compares a missing value', '{{eq claim.spec.missing "x"}}', false],
    ['not of a missing value', '{{not claim.spec.missing}}', true],
    ['and/or over missing values', '{{or (and claim.a claim.b) claim.spec.n claim.c}}', false],
  ];
  for (const [name, source, expected] of tolerant) {
    it(`${name} without failing`, () => {
      expect(value(source, context({ spec: { n: 0 } }))).to.deep.equal(expected);
    });
  }

  it('reports the missing value of an inline expression at its file position', () => {
    const outcome = evaluate('{{claim.spec.dashboard}}', context({ spec: {} }), {
      file: 'composition.yaml',
      line: 12,
      column: 20,
      path: 'spec.resources[1].includeWhen',
    });
    expect(outcome).to.deep.equal({
      ok: false,
      problem: {
        code: 'template.missing-value',
        message: 'missing value: claim.spec.dashboard',
        path: 'spec.resources[1].includeWhen',
        file: 'composition.yaml',
        line: 12,
        column: 22,
      },
    });
  });

  it('renders once the pending resource is observed', () => {
    const source = 'host: {{resources.db.status.host}}';
    expect(render(source, context({}))).to.have.property('pending');
    expect(documents(source, context({}, { db: { status: { host: 'h' } } }))).to.deep.equal([{ host: 'h' }]);
  });
});
