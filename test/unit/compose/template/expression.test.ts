import { expect } from 'chai';
import { context, evaluate, value } from './support.ts';

const CLAIM = {
  spec: { dashboard: true, replicas: 2, ratio: 0.5, name: 'ray', env: { A: '1' }, ports: [80], none: null },
};

const cases: [string, string, unknown][] = [
  ['a boolean', '{{claim.spec.dashboard}}', true],
  ['a number', '{{claim.spec.replicas}}', 2],
  ['a float', '{{claim.spec.ratio}}', 0.5],
  ['null', '{{claim.spec.none}}', null],
  ['a map', '{{claim.spec.env}}', { A: '1' }],
  ['a list', '{{claim.spec.ports}}', [80]],
  ['a string', '{{claim.spec.name}}', 'ray'],
  ['one mustache surrounded by spaces', '  {{claim.spec.replicas}}\n', 2],
  ['a helper result', '{{gt claim.spec.replicas 1}}', true],
  ['text around a value', 'http://{{claim.spec.name}}:{{claim.spec.ports.[0]}}/', 'http://ray:80/'],
  ['a block', '{{#if claim.spec.dashboard}}on{{else}}off{{/if}}', 'on'],
  ['a value inside a block, as text', '{{#if claim.spec.dashboard}}{{claim.spec.replicas}}{{/if}}', '2'],
  ['multi-line text kept as is', 'a: |\n  {{claim.spec.name}}', 'a: |\n  ray'],
  ['an empty source', '', ''],
];

describe('compose/template: expressions', () => {
  for (const [name, source, expected] of cases) {
    it(`evaluates ${name}`, () => {
      expect(value(source, context(CLAIM))).to.deep.equal(expected);
    });
  }

  it('projects observed resource values and waits for them', () => {
    const source = '{{resources.rayservice.status.activeServiceStatus.rayClusterName}}';
    const observed = { rayservice: { status: { activeServiceStatus: { rayClusterName: 'rc-1' } } } };
    expect(value(source, context({}, observed))).to.equal('rc-1');
    expect(evaluate(source, context({}, { rayservice: {} }))).to.deep.equal({
      ok: false,
      pending: {
        path: ['resources', 'rayservice', 'status', 'activeServiceStatus', 'rayClusterName'],
        message: 'waiting for resources.rayservice.status.activeServiceStatus.rayClusterName',
      },
    });
  });

  it('returns a copy of a map, not the claim object', () => {
    const claim = { spec: { env: { A: '1' } } };
    const result = value('{{claim.spec.env}}', context(claim));
    expect(result).to.deep.equal(claim.spec.env);
    expect(result).not.to.equal(claim.spec.env);
  });
});
