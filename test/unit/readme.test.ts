import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { render } from '../../engine/compose/index.ts';
import { compile } from '../../engine/compose/index.ts';
import { readPack } from '../../engine/packs/index.ts';

/** The README's claims must render without problems through the shipped packs. */
describe('README', () => {
  const blocks = [...readFileSync('README.md', 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has at least one example claim', () => {
    expect(blocks.length).to.be.greaterThan(0);
  });

  for (const [i, text] of blocks.entries()) {
    it(`claim ${i + 1} renders through its pack without problems`, async () => {
      const claim = parse(text) as { apiVersion: string; kind: string };
      const packs = { 'ml.kubify.io/v1alpha1 RayService': 'compositions/rayservice' } as Record<
        string,
        string
      >;
      const dir = packs[`${claim.apiVersion} ${claim.kind}`];
      expect(dir, `no pack known for ${claim.apiVersion} ${claim.kind}`).to.be.a('string');
      const compiled = compile(await readPack(dir!)).compiled!;
      const result = render({ claim, compiled });
      expect(result.results.filter((r) => r.severity !== 'Normal')).to.deep.equal([]);
      expect(result.desired.map((d) => d.id)).to.include('rayservice');
    });
  }
});
