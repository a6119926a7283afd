import { expect } from 'chai';
import { maskSecret, maskSecretPair } from '../../../engine/cli/lib/mask-secrets.ts';
import { diffDesired } from '../../../engine/cli/lib/render-diff.ts';

const secret = (
  data: Record<string, string>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 's', annotations: { 'kubify.io/desired-hash': 'abc', keep: 'me' } },
  stringData: data,
  ...extra,
});

describe('masking Secret values in diffs', () => {
  it('masks every value, marking the ones that change, and the annotations derived from them', () => {
    const [a, b] = maskSecretPair(
      secret({ same: 'p1', changed: 'p2', gone: 'p3' }),
      secret({ same: 'p1', changed: 'p4', added: 'p5' }),
    );
    expect(a?.stringData).to.deep.equal({ same: '***', changed: '*** (before)', gone: '***' });
    expect(b?.stringData).to.deep.equal({ same: '***', changed: '*** (after)', added: '***' });
    expect((b?.metadata as { annotations: unknown }).annotations).to.deep.equal({
      'kubify.io/desired-hash': '***',
      keep: 'me',
    });
    expect(maskSecret(secret({}, { data: { k: 'cDE=' } })).data).to.deep.equal({ k: '***' });
  });

  it('leaves other kinds alone', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
    expect(maskSecretPair(cm, cm)).to.deep.equal([cm, cm]);
  });

  it('a fleet diff of a changed Secret names the key, never the value', () => {
    const diffs = diffDesired(
      new Map([['s', secret({ password: 'hunter2' })]]),
      new Map([['s', secret({ password: 'hunter3' })]]),
      'ns/c/',
    );
    expect(diffs).to.have.length(1);
    expect(diffs[0]?.diff).to.contain('password: "*** (after)"');
    expect(diffs[0]?.diff).to.not.match(/hunter/);
  });
});
