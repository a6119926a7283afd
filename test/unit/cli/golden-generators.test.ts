/**
 * `kubify ci init` and `kubify dev init` output, compared with golden files (npm run golden:update).
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspace } from './fixtures.ts';
import { REPO_ROOT, runKubify } from './run-cli.ts';

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden');

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (process.env.KUBIFY_UPDATE_GOLDEN) writeFileSync(path, actual);
  expect(actual, `${file} (update with npm run golden:update)`).to.equal(readFileSync(path, 'utf8'));
}

describe('generators: golden files', () => {
  for (const provider of ['github', 'gitlab', 'jenkins']) {
    it(`kubify ci init --provider ${provider}`, async () => {
      const run = await runKubify(['ci', 'init', '--provider', provider, '--stdout']);
      expect(run.code, run.stderr).to.equal(0);
      golden(`ci-${provider}.txt`, run.stdout.replace(/kubify@\d+\.\d+\.\d+/g, 'kubify@VERSION'));
      expect(run.stdout).to.match(/kubify@\d+\.\d+\.\d+ validate kubify\.yaml/);
    });
  }

  for (const tool of ['skaffold', 'tilt']) {
    it(`kubify dev init --tool ${tool} for a monorepo (one image per analysed service)`, async () => {
      const run = await runKubify([
        'dev',
        'init',
        join(REPO_ROOT, 'test/fixtures/packages/monorepo'),
        '--tool',
        tool,
        '--stdout',
      ]);
      expect(run.code, run.stderr).to.equal(0);
      golden(`dev-${tool}-monorepo.txt`, run.stdout);
    });
  }

  it('writes the file, and refuses to overwrite it without --force', async () => {
    const ws = workspace();
    try {
      const first = await runKubify(['ci', 'init', '--provider', 'github'], { cwd: ws.dir });
      expect(first).to.deep.include({ code: 0, stderr: 'wrote .github/workflows/kubify.yaml\n' });
      expect(existsSync(join(ws.dir, '.github/workflows/kubify.yaml'))).to.equal(true);
      const again = await runKubify(['ci', 'init', '--provider', 'github'], { cwd: ws.dir });
      expect(again).to.deep.include({
        code: 1,
        stderr: 'error: .github/workflows/kubify.yaml exists: pass --force to overwrite\n',
      });
      expect(
        (await runKubify(['ci', 'init', '--provider', 'github', '--force'], { cwd: ws.dir })).code,
      ).to.equal(0);
      const missing = await runKubify(['ci', 'init'], { cwd: ws.dir });
      expect(missing.code).to.equal(2);
    } finally {
      ws.remove();
    }
  });
});
