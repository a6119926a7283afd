import { expect } from 'chai';
import { parseTarget, pickMapping } from '../../../engine/cli/lib/claim-target.ts';
import type { ResourceMapping } from '../../../engine/kube/index.ts';

function mapping(group: string, kind: string, categories: string[] = []): ResourceMapping {
  const resource = `${kind.toLowerCase()}s`;
  return {
    group,
    version: 'v1',
    apiVersion: group ? `${group}/v1` : 'v1',
    kind,
    resource,
    singular: kind.toLowerCase(),
    namespaced: true,
    verbs: [],
    shortNames: [],
    categories,
    subresources: [],
  };
}

describe('claim targets', () => {
  it('parses <kind>/<name> and rejects anything else as a usage error', () => {
    expect(parseTarget('widget/w1')).to.deep.equal({ type: 'widget', name: 'w1' });
    expect(() => parseTarget('w1')).to.throw('name the claim as <kind>/<name>');
    expect(() => parseTarget('a/b/c')).to.throw('name the claim as <kind>/<name>');
  });

  it('prefers kubify claim APIs, and refuses a name shared by claim APIs of two groups', () => {
    expect(
      pickMapping('app', [mapping('apps', 'App'), mapping('apps.kubify.io', 'App', ['kubify'])]).group,
    ).to.equal('apps.kubify.io');
    expect(() =>
      pickMapping('widget', [mapping('a.io', 'Widget', ['kubify']), mapping('b.io', 'Widget', ['kubify'])]),
    ).to.throw('"widget" is ambiguous: it names widgets.a.io, widgets.b.io; use one of these');
    expect(() => pickMapping('nope', [])).to.throw('does not serve a resource type "nope"');
  });
});
