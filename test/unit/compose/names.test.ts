import { expect } from 'chai';
import { claimKindLabel, labelValue, resourceName, shorten } from '../../../engine/compose/names.ts';

describe('names', () => {
  /** [claim, id, the name without its hash suffix (or the whole name when it fits), cut?] */
  const table: [string, string, string, boolean][] = [
    ['shop', 'db', 'shop-db', false],
    ['a'.repeat(60), 'db', `${'a'.repeat(60)}-db`, false],
    ['a'.repeat(61), 'db', 'a'.repeat(54), true],
    [`${'x'.repeat(53)}-`, 'abcdefghi', 'x'.repeat(53), true],
  ];
  for (const [claim, id, head, cut] of table) {
    it(`names ${claim.slice(0, 8)}… / ${id}${cut ? ' with a hash' : ''}`, () => {
      const name = resourceName(claim, id);
      expect(name).to.have.length.at.most(63);
      expect(name).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (cut) expect(name).to.match(new RegExp(`^${head}-[0-9a-f]{8}$`));
      else expect(name).to.equal(head);
      expect(resourceName(claim, id)).to.equal(name);
    });
  }

  it('hashes the full value, so names that share a prefix stay distinct', () => {
    const a = shorten(`${'a'.repeat(70)}-one`);
    const b = shorten(`${'a'.repeat(70)}-two`);
    expect(a).to.not.equal(b);
    expect(a.slice(0, 54)).to.equal(b.slice(0, 54));
  });

  const labels: [string, string][] = [
    ['shop', 'shop'],
    ['RayService.ml.kubify.io', 'RayService.ml.kubify.io'],
    ['-weird name!-', 'weird-name'],
  ];
  for (const [value, expected] of labels) {
    it(`label value of ${JSON.stringify(value)} is ${JSON.stringify(expected)}`, () =>
      expect(labelValue(value)).to.equal(expected));
  }

  it('keeps long claim kinds within 63 characters', () => {
    const label = claimKindLabel('VeryLongKindName', `${'sub.'.repeat(20)}kubify.io`);
    expect(label).to.have.length.at.most(63);
    expect(label).to.match(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  });
});
