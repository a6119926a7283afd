import { expect } from 'chai';
import {
  chooseMarker,
  countOccurrences,
  fingerprint,
  tokenFor,
  tokenPattern,
} from '../../../../engine/compose/template/tokens.ts';
import { context, documents } from './support.ts';

describe('compose/template: placeholder tokens', () => {
  it('derives the same marker from the same input', () => {
    const print = fingerprint('a: {{claim.x}}', context({ x: 'y' }));
    expect(chooseMarker('a', print, 0)).to.equal(chooseMarker('a', print, 0));
    expect(chooseMarker('a', print, 0)).to.match(/^K[0-9a-f]{12}$/);
  });

  it('derives a different marker for another claim or another attempt', () => {
    const a = fingerprint('src', context({ x: 'y' }));
    const b = fingerprint('src', context({ x: 'z' }));
    expect(a).not.to.equal(b);
    expect(chooseMarker('src', a, 0)).not.to.equal(chooseMarker('src', b, 0));
    expect(chooseMarker('src', a, 0)).not.to.equal(chooseMarker('src', a, 1));
  });

  it('skips a marker that occurs in the template source', () => {
    const print = fingerprint('src', context({}));
    const taken = chooseMarker('', print, 0);
    const source = `a: ${taken}`;
    const marker = chooseMarker(source, print, 0);
    expect(marker).not.to.equal(taken);
    expect(source).not.to.include(marker);
  });

  it('finds tokens and counts marker occurrences', () => {
    const text = `a ${tokenFor('Kabc', 0)}${tokenFor('Kabc', 12)} Kabcx`;
    expect([...text.matchAll(tokenPattern('Kabc'))].map((m) => m[1])).to.deep.equal(['0', '12']);
    expect(countOccurrences(text, 'Kabc')).to.equal(3);
  });

  it('never leaves a token in the output', () => {
    const docs = documents(
      'a: {{claim.x}}\n{{claim.k}}: x-{{claim.x}}\nb: |\n  {{claim.x}}\n# {{claim.x}}',
      context({ x: 'v', k: 'k' }),
    );
    expect(JSON.stringify(docs)).not.to.match(/K[0-9a-f]{12}x\d+x/);
    expect(docs).to.deep.equal([{ a: 'v', k: 'x-v', b: 'v\n' }]);
  });
});
