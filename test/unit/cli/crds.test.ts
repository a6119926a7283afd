import { kubifyCrds } from '../../../engine/api/kubify-crds.ts';
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, runKubify } from './run-cli.ts';

const CRDS_DIR = join(REPO_ROOT, 'crds');

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name), 'utf8');
  return out;
}

describe('kubify crds', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'kubify-crds-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('crds/ equals what the generator produces now (run `kubify crds --out crds/` after a change)', async () => {
    const run = await runKubify(['crds', '--out', out]);
    expect(run.code, run.stderr).to.equal(0);
    expect(filesOf(CRDS_DIR)).to.deep.equal(filesOf(out));
  });

  it("writes kubify's own CRDs and one claim CRD per pack, named <group>_<plural>.yaml", async () => {
    const run = await runKubify(['crds', '--out', out]);
    expect(run.code).to.equal(0);
    expect(readdirSync(out)).to.include.members([
      'kubify.io_compositions.yaml',
      'kubify.io_compositionrevisions.yaml',
      'ml.kubify.io_rayservices.yaml',
    ]);
    expect(run.stderr).to.contain(`wrote ${join(out, 'ml.kubify.io_rayservices.yaml')}`);
  });

  it('prints the same CRDs as one YAML stream without --out', async () => {
    const run = await runKubify(['crds']);
    expect(run.code).to.equal(0);
    const streamed = parseAllDocuments(run.stdout).map((d) => d.toJS() as { metadata: { name: string } });
    const files = Object.values(filesOf(CRDS_DIR)).map(
      (text) => parseAllDocuments(text)[0]?.toJS() as unknown,
    );
    expect(streamed).to.deep.equal(files);
    expect(streamed.map((c) => c.metadata.name)).to.include('rayservices.ml.kubify.io');
  });

  it('limits the claim CRDs to the packs named', async () => {
    const run = await runKubify(['crds', 'compositions/rayservice']);
    expect(run.code).to.equal(0);
    const names = parseAllDocuments(run.stdout).map(
      (d) => (d.toJS() as { metadata: { name: string } }).metadata.name,
    );
    expect(names.sort()).to.deep.equal(
      [...kubifyCrds().map((c) => c.metadata.name), 'rayservices.ml.kubify.io'].sort(),
    );
  });

  it('fails with exit 2 for a pack that does not exist', async () => {
    const run = await runKubify(['crds', 'compositions/nope']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal('error: composition not found: compositions/nope\n');
  });
});
