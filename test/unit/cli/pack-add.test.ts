import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RAYSERVICE_PACK, workspace, type Workspace } from './fixtures.ts';
import { runKubify } from './run-cli.ts';

describe('kubify pack add', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.remove());

  it('validates a pack folder and copies it into ./compositions/<composition name>', async () => {
    ws.brokenPack('src/ray', 'README.md', (t) => t);
    const run = await runKubify(['pack', 'add', 'src/ray'], { cwd: ws.dir });
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      'added pack rayservice (directory src/ray, 3 example(s) rendered) to compositions/rayservice\n',
    );
    expect(readdirSync(join(ws.dir, 'compositions/rayservice'))).to.include.members([
      'composition.yaml',
      'templates',
      'examples',
    ]);
    const again = await runKubify(['pack', 'add', 'src/ray'], { cwd: ws.dir });
    expect(again).to.deep.include({
      code: 1,
      stderr: 'error: compositions/rayservice exists: pass --force to replace it\n',
    });
  });

  it('installs from a local npm tarball whose package.json names the pack folder', async () => {
    cpSync(RAYSERVICE_PACK, join(ws.dir, 'pkg/pack'), { recursive: true });
    ws.write(
      'pkg/package.json',
      JSON.stringify({ name: 'kubify-pack-ray', version: '1.0.0', kubify: { pack: 'pack' } }),
    );
    execFileSync('tar', [
      '-czf',
      join(ws.dir, 'kubify-pack-ray-1.0.0.tgz'),
      '-C',
      ws.dir,
      '--transform',
      's,^pkg,package,',
      'pkg',
    ]);
    const run = await runKubify(['pack', 'add', 'kubify-pack-ray-1.0.0.tgz', '--user', '--name', 'ray'], {
      cwd: ws.dir,
      env: { KUBIFY_PACKS_DIR: join(ws.dir, 'user-packs') },
    });
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      `added pack ray (tarball kubify-pack-ray-1.0.0.tgz, 3 example(s) rendered) to user-packs/ray\n`,
    );
    expect(existsSync(join(ws.dir, 'user-packs/ray/composition.yaml'))).to.equal(true);
    expect(existsSync(join(ws.dir, 'user-packs/ray/package.json'))).to.equal(false);
  });

  it('refuses a pack that does not validate, copying nothing', async () => {
    ws.brokenPack('bad', 'templates/rayservice.yaml.hbs', (t) =>
      t.replace('{{claim.spec.image}}', '{{claim.spec.imag}}'),
    );
    const run = await runKubify(['pack', 'add', 'bad'], { cwd: ws.dir });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('claim.spec.imag is not in the claim schema');
    expect(run.stderr).to.contain('error: bad is not a valid pack: nothing copied\n');
    expect(existsSync(join(ws.dir, 'compositions'))).to.equal(false);
  });

  it('a folder without composition.yaml is an error', async () => {
    ws.write('empty/README.md', 'x');
    const run = await runKubify(['pack', 'add', 'empty'], { cwd: ws.dir });
    expect(run).to.deep.include({
      code: 1,
      stderr: 'error: empty holds no composition pack: composition.yaml not found\n',
    });
  });
});
