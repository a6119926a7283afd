/**
 * Golden tests: every example claim of every pack (`compositions/<pack>/examples/*.yaml`) is rendered
 * with `kubify render` and compared to `golden/<example>.yaml`. An example with observed objects in
 * `examples/observed/<example>.yaml` is also rendered with them, into `golden/<example>.observed.yaml`.
 *
 * `npm run golden:update` (KUBIFY_UPDATE_GOLDEN=1) rewrites the golden files instead of comparing.
 * KUBIFY_GOLDEN_PACKS=a,b limits the test (and the update) to those packs.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runKubify } from '../cli/run-cli.ts';

const UPDATE = process.env.KUBIFY_UPDATE_GOLDEN === '1';
/** The fixed clock of every golden render. */
const GOLDEN_NOW = '2025-01-01T00:00:00Z';
const COMPOSITIONS = 'compositions';
const ONLY = process.env.KUBIFY_GOLDEN_PACKS ? process.env.KUBIFY_GOLDEN_PACKS.split(',') : undefined;

const packs = readdirSync(join(REPO_ROOT, COMPOSITIONS), { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(REPO_ROOT, COMPOSITIONS, e.name, 'composition.yaml')))
  .map((e) => e.name)
  .filter((name) => ONLY === undefined || ONLY.includes(name))
  .sort();

interface GoldenCase {
  /** Golden file, relative to the repo root. */
  golden: string;
  args: string[];
}

function casesOf(pack: string): GoldenCase[] {
  const dir = `${COMPOSITIONS}/${pack}`;
  const examplesDir = join(REPO_ROOT, dir, 'examples');
  const examples = existsSync(examplesDir)
    ? readdirSync(examplesDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  return examples.flatMap((file) => {
    const name = file.replace(/\.ya?ml$/, '');
    const base = ['render', `${dir}/examples/${file}`, '--composition', dir, '--now', GOLDEN_NOW];
    const out: GoldenCase[] = [{ golden: `${dir}/golden/${name}.yaml`, args: base }];
    const observed = `${dir}/examples/observed/${file}`;
    if (existsSync(join(REPO_ROOT, observed))) {
      out.push({ golden: `${dir}/golden/${name}.observed.yaml`, args: [...base, '--observed', observed] });
    }
    return out;
  });
}

describe('golden: every pack example renders as recorded', () => {
  it('finds the packs', () => {
    expect(packs).to.not.be.empty;
    if (ONLY === undefined) expect(packs).to.include('rayservice');
  });

  for (const pack of packs) {
    describe(`pack ${pack}`, () => {
      const cases = casesOf(pack);

      it('has at least one example claim', () => {
        expect(cases, `add a claim to ${COMPOSITIONS}/${pack}/examples/`).to.not.be.empty;
      });

      for (const c of cases) {
        it(`kubify ${c.args.slice(0, 2).join(' ')}${c.args.includes('--observed') ? ' --observed' : ''} matches ${c.golden}`, async () => {
          const run = await runKubify(c.args);
          expect(run.stderr, `kubify ${c.args.join(' ')} reported problems`).to.equal('');
          expect(run.code).to.equal(0);
          const path = join(REPO_ROOT, c.golden);
          if (UPDATE) {
            mkdirSync(join(path, '..'), { recursive: true });
            writeFileSync(path, run.stdout);
            return;
          }
          expect(
            existsSync(path),
            `${c.golden} is missing: run \`npm run golden:update\` to create it`,
          ).to.equal(true);
          expect(
            run.stdout,
            `${c.golden} is out of date: review the change, then run \`npm run golden:update\``,
          ).to.equal(readFileSync(path, 'utf8'));
        });
      }

      it('has no golden file without an example', () => {
        const goldenDir = join(REPO_ROOT, COMPOSITIONS, pack, 'golden');
        if (!existsSync(goldenDir)) return;
        const expected = new Set(cases.map((c) => c.golden));
        const stale = readdirSync(goldenDir)
          .map((f) => `${COMPOSITIONS}/${pack}/golden/${f}`)
          .filter((f) => !expected.has(f));
        if (UPDATE) for (const f of stale) rmSync(join(REPO_ROOT, f));
        else expect(stale, 'golden files of removed examples: run `npm run golden:update`').to.deep.equal([]);
      });
    });
  }
});
