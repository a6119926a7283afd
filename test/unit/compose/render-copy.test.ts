import { expect } from 'chai';
import { copyData } from '../../../engine/compose/render-copy.ts';

describe('compose/render-copy', () => {
  it('copies plain data deeply, like structuredClone', () => {
    const input = { a: [1, 'two', { three: null }], b: { c: true, d: undefined }, e: 'x' };
    const out = copyData(input);
    expect(out).to.deep.equal(structuredClone(input));
    expect(out).not.to.equal(input);
    expect(out.a).not.to.equal(input.a);
    expect(out.a[2]).not.to.equal(input.a[2]);
    expect(Object.keys(out.b)).to.deep.equal(['c', 'd']);
  });

  it('keeps shared references and cycles', () => {
    const shared = { s: 1 };
    const input: Record<string, unknown> = { x: shared, y: [shared] };
    input.self = input;
    const out = copyData(input);
    expect(out.x).to.equal((out.y as unknown[])[0]);
    expect(out.x).not.to.equal(shared);
    expect(out.self).to.equal(out);
  });

  it('copies a __proto__ key as an own property and drops a null prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": true}, "k": 1}') as Record<string, unknown>;
    const out = copyData(input);
    expect(Object.keys(out)).to.deep.equal(['__proto__', 'k']);
    expect(Object.getPrototypeOf(out)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    expect(Object.getPrototypeOf(copyData(bare))).to.equal(Object.prototype);
  });

  it('leaves other objects and lists with holes to structuredClone', () => {
    const date = new Date(0);
    const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
    const out = copyData({ date, holes, map: new Map([['k', 1]]) });
    expect(out.date).to.be.instanceOf(Date);
    expect(out.date).not.to.equal(date);
    expect(out.date.getTime()).to.equal(0);
    expect(1 in out.holes).to.equal(false);
    expect(out.holes).to.have.length(3);
    expect(out.map.get('k')).to.equal(1);
  });
});
