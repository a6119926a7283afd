import { expect } from 'chai';
import { Store } from '../../../engine/kube/store.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';

const obj = (namespace: string | undefined, name: string, claim?: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}), ...(claim ? { labels: { claim } } : {}) },
});
const byClaim = (o: KubeObject) => (o.metadata.labels?.claim ? [o.metadata.labels.claim] : []);

describe('Store', () => {
  it('keys by namespace/name (name alone when cluster-scoped)', () => {
    const s = new Store();
    s.upsert(obj('a', 'x'));
    s.upsert(obj(undefined, 'cluster'));
    expect(s.get('a/x')?.metadata.name).to.equal('x');
    expect(s.getByName(undefined, 'cluster')).to.not.equal(undefined);
    expect(s.getByName('a', 'x')).to.equal(s.get('a/x'));
    expect([...s.keys()]).to.deep.equal(['a/x', 'cluster']);
    expect(s.list('a')).to.have.length(1);
    expect(s.list()).to.have.length(2);
  });

  it('keeps indexes in step with inserts, updates and removals', () => {
    const s = new Store();
    s.addIndex('claim', byClaim);
    s.upsert(obj('a', 'x', 'c1'));
    s.upsert(obj('a', 'y', 'c1'));
    s.upsert(obj('b', 'z', 'c2'));
    expect(s.byIndex('claim', 'c1').map((o) => o.metadata.name)).to.deep.equal(['x', 'y']);
    s.upsert(obj('a', 'y', 'c2')); // relabelled
    expect(s.byIndex('claim', 'c1').map((o) => o.metadata.name)).to.deep.equal(['x']);
    expect(s.byIndex('claim', 'c2').map((o) => o.metadata.name)).to.deep.equal(['z', 'y']);
    expect(s.remove('a/x')?.metadata.name).to.equal('x');
    expect(s.byIndex('claim', 'c1')).to.deep.equal([]);
    expect(s.remove('a/x')).to.equal(undefined);
    expect(s.size).to.equal(2);
  });

  it('builds an index added after the data, and refuses unknown or duplicate indexes', () => {
    const s = new Store();
    s.upsert(obj('a', 'x', 'c1'));
    s.addIndex('claim', byClaim);
    expect(s.byIndex('claim', 'c1')).to.have.length(1);
    expect(() => s.byIndex('owner', 'o')).to.throw(/no index "owner"/);
    expect(() => s.addIndex('claim', byClaim)).to.throw(/already has index/);
  });
});
