import { expect } from 'chai';
import { compileExpression } from '../../../../engine/compose/template/index.ts';
import type { TemplateOptions } from '../../../../engine/compose/template/index.ts';
import { FILE, compiled } from './support.ts';

interface Case {
  name: string;
  template: string;
  /** `path.joined@line:column` */
  refs: string[];
  opts?: Partial<TemplateOptions>;
}

const cases: Case[] = [
  { name: 'a claim path', template: 'a: {{claim.spec.image}}', refs: ['claim.spec.image@1:6'] },
  {
    name: 'a resource path on a later line',
    template: 'a: 1\nb: x-{{resources.db.status.host}}',
    refs: ['resources.db.status.host@2:8'],
  },
  {
    name: 'helper arguments, hash values and sub-expressions',
    template: '{{default claim.spec.x (lower claim.spec.y)}} {{dict k=claim.spec.z}}',
    refs: ['claim.spec.x@1:11', 'claim.spec.y@1:31', 'claim.spec.z@1:56'],
  },
  {
    name: 'the subject of #if, #unless and an else branch',
    template: '{{#if claim.a}}{{else}}{{#unless claim.b}}{{/unless}}{{/if}}',
    refs: ['claim.a@1:7', 'claim.b@1:34'],
  },
  {
    name: 'paths inside #each as items',
    template: '{{#each claim.apps}}{{name}} {{this.port}} {{./tag}} {{this}}{{/each}}',
    refs: [
      'claim.apps@1:9',
      'claim.apps.[].name@1:23',
      'claim.apps.[].port@1:32',
      'claim.apps.[].tag@1:46',
      'claim.apps.[]@1:56',
    ],
  },
  {
    name: '../ from inside #each and through #if',
    template: '{{#each claim.apps}}{{#if on}}{{../claim.owner}}{{/if}}{{/each}}',
    refs: ['claim.apps@1:9', 'claim.apps.[].on@1:27', 'claim.owner@1:33'],
  },
  {
    name: 'nested #each',
    template: '{{#each claim.apps}}{{#each ports}}{{port}}{{../name}}{{/each}}{{/each}}',
    refs: [
      'claim.apps@1:9',
      'claim.apps.[].ports@1:29',
      'claim.apps.[].ports.[].port@1:38',
      'claim.apps.[].name@1:46',
    ],
  },
  {
    name: '#with',
    template: '{{#with claim.db}}{{host}}{{/with}}',
    refs: ['claim.db@1:9', 'claim.db.host@1:21'],
  },
  {
    name: 'block parameters, but not an index',
    template: '{{#each claim.apps as |app i|}}{{app.name}}{{i}}{{/each}}',
    refs: ['claim.apps@1:9', 'claim.apps.[].name@1:34'],
  },
  {
    name: '@root, but not @index or @key',
    template: '{{#each claim.m}}{{@root.claim.x}}{{@index}}{{@key}}{{/each}}',
    refs: ['claim.m@1:9', 'claim.x@1:20'],
  },
  {
    name: 'the outer scope in the else branch of #each',
    template: '{{#each claim.a}}{{x}}{{else}}{{claim.b}}{{/each}}',
    refs: ['claim.a@1:9', 'claim.a.[].x@1:20', 'claim.b@1:33'],
  },
  {
    name: 'nothing for items of a computed list',
    template: '{{#each (list claim.a 2)}}{{this}}{{/each}}',
    refs: ['claim.a@1:15'],
  },
  {
    name: 'map values with collectionKind',
    template: '{{#each claim.env}}{{this}}{{/each}}',
    refs: ['claim.env@1:9', 'claim.env.{}@1:22'],
    opts: { collectionKind: (path) => (path.join('.') === 'claim.env' ? 'object' : undefined) },
  },
  {
    name: 'positions offset by line and column for an inline template',
    template: 'a: {{claim.a}}\nb: {{claim.b}}',
    refs: ['claim.a@10:10', 'claim.b@11:10'],
    opts: { line: 10, column: 5 },
  },
];

describe('compose/template: refs', () => {
  for (const c of cases) {
    it(`lists ${c.name}`, () => {
      const t = compiled(c.template, c.opts);
      expect(t.refs.map((r) => `${r.path.join('.')}@${r.line}:${r.column}`)).to.deep.equal(c.refs);
      expect(t.file).to.equal(FILE);
    });
  }

  it('lists the refs of an expression', () => {
    const result = compileExpression('{{claim.spec.dashboard}}', {
      file: 'composition.yaml',
      line: 7,
      column: 18,
    });
    expect(result.template?.refs).to.deep.equal([
      { path: ['claim', 'spec', 'dashboard'], line: 7, column: 20 },
    ]);
  });
});
