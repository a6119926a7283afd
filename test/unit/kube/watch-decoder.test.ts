import { expect } from 'chai';
import { LineDecoder } from '../../../engine/kube/watch-decoder.ts';

describe('LineDecoder', () => {
  it('emits complete lines however the text is chunked, skipping blank ones', () => {
    const text = '{"a":1}\n\n{"b":"x\\ny"}\n{"c":3}';
    for (let size = 1; size <= text.length; size++) {
      const d = new LineDecoder();
      const lines: string[] = [];
      for (let i = 0; i < text.length; i += size) d.push(text.slice(i, i + size), (l) => lines.push(l));
      d.flush((l) => lines.push(l));
      expect(lines, `chunk size ${size}`).to.deep.equal(['{"a":1}', '{"b":"x\\ny"}', '{"c":3}']);
    }
  });
});
