import { expect } from 'chai';
import {
  asStored,
  isSubset,
  needsApply,
  withDesiredHash,
} from '../../../../engine/controller/claim/drift.ts';

const desired = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'a', namespace: 'n' },
  data: { k: 'v' },
};

describe('drift', () => {
  const { object, hash } = withDesiredHash(desired);
  const observed = (extra: Record<string, unknown> = {}, annotationHash = hash): Record<string, unknown> => ({
    ...object,
    metadata: {
      name: 'a',
      namespace: 'n',
      resourceVersion: '7',
      uid: 'u',
      annotations: { 'kubify.io/desired-hash': annotationHash },
    },
    ...extra,
  });

  it('hashes deterministically and records the hash as an annotation', () => {
    expect(withDesiredHash(structuredClone(desired)).hash).to.equal(hash);
    expect(
      (object.metadata as { annotations: Record<string, string> }).annotations['kubify.io/desired-hash'],
    ).to.equal(hash);
    expect(withDesiredHash({ ...desired, data: { k: 'w' } }).hash).to.not.equal(hash);
  });

  const cases: [
    string,
    Record<string, unknown> | undefined,
    { hash: string; resourceVersion: string } | undefined,
    boolean,
  ][] = [
    ['absent object', undefined, undefined, true],
    ['same hash, every field present', observed(), undefined, false],
    ['same hash, extra server fields', observed({ extra: { defaulted: true } }), undefined, false],
    ['same hash, a field changed by someone else', observed({ data: { k: 'edited' } }), undefined, true],
    [
      'same hash and resourceVersion as the last apply',
      observed({ data: { k: 'normalised' } }),
      { hash, resourceVersion: '7' },
      false,
    ],
    ['different hash', observed({}, 'old'), undefined, true],
    ['being deleted', { ...observed(), metadata: { deletionTimestamp: 'now' } }, undefined, false],
  ];
  for (const [what, current, last, expected] of cases) {
    it(`needsApply: ${what} -> ${expected}`, () => {
      expect(needsApply(object, hash, current, last)).to.equal(expected);
    });
  }

  it('isSubset compares lists item by item and ignores extra keys', () => {
    expect(isSubset({ a: [1, { b: 2 }] }, { a: [1, { b: 2, c: 3 }], d: 4 })).to.equal(true);
    expect(isSubset({ a: [1] }, { a: [1, 2] })).to.equal(false);
    expect(isSubset({ a: { b: 1 } }, { a: 'x' })).to.equal(false);
  });

  it('isSubset takes empty lists, empty maps and nulls the server dropped as present', () => {
    expect(isSubset({ spec: { ingress: [], selector: {}, x: null, y: 1 } }, { spec: { y: 1 } })).to.equal(
      true,
    );
    expect(isSubset({ spec: { ingress: [{ from: [] }] } }, { spec: {} })).to.equal(false);
  });

  it("asStored writes a Secret's stringData into base64 data", () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', data: { x: 'eA==' }, stringData: { y: 'ü' } };
    expect(asStored(secret)).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Secret',
      data: { x: 'eA==', y: 'w7w=' },
    });
    expect(asStored(desired)).to.equal(desired);
  });
});
