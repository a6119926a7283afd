import { expect } from 'chai';
import { render } from '../../../engine/compose/render.ts';
import { compileOk, compositionYaml } from './support.ts';

const compiled = compileOk(compositionYaml());

function claim(overrides: unknown): Record<string, unknown> {
  return {
    apiVersion: 'demo.kubify.io/v1alpha1',
    kind: 'Demo',
    metadata: { name: 'w1', namespace: 'team-a', uid: 'u1' },
    spec: { image: 'nginx:1', overrides: { config: overrides } },
  };
}

describe('render: overrides that apply', () => {
  const cases: [string, unknown[], Record<string, unknown>][] = [
    ['add a key', [{ op: 'add', path: '/data/extra', value: 'x' }], { image: 'nginx:1', extra: 'x' }],
    ['replace a value', [{ op: 'replace', path: '/data/image', value: 'nginx:2' }], { image: 'nginx:2' }],
    ['remove a key', [{ op: 'remove', path: '/data/image' }], {}],
    [
      'a passing test op then an add',
      [
        { op: 'test', path: '/data/image', value: 'nginx:1' },
        { op: 'add', path: '/data/checked', value: 'yes' },
      ],
      { image: 'nginx:1', checked: 'yes' },
    ],
  ];
  for (const [what, ops, data] of cases) {
    it(what, () => {
      const input = claim(ops);
      const before = JSON.stringify(input);
      const result = render({ claim: input, compiled });
      expect(result.results.filter((r) => r.severity === 'Fatal')).to.deep.equal([]);
      expect(result.desired[0]!.object.data).to.deep.equal(data);
      expect(JSON.stringify(input), 'the claim is not mutated').to.equal(before);
    });
  }

  it('fails on a test op that does not hold, naming the operation', () => {
    const result = render({ claim: claim([{ op: 'test', path: '/data/image', value: 'other' }]), compiled });
    expect(result.desired).to.deep.equal([]);
    expect(result.results[0]).to.include({ severity: 'Fatal', path: 'spec.overrides.config[0]' });
  });
});
