import { expect } from 'chai';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { chooseMode, upCommands } from '../../../engine/cli/lib/bootstrap.ts';
import { workspace, type Workspace } from './fixtures.ts';
import { runKubify } from './run-cli.ts';

describe('kubify bootstrap: choosing and planning', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.remove());

  function tool(name: string, body: string): void {
    chmodSync(ws.write(join('bin', name), `#!/bin/sh\n${body}\n`), 0o755);
  }

  it('auto picks kind when kind and a working docker are on the PATH, and prints the exact commands (dry run)', async () => {
    tool('kind', 'exit 0');
    tool('docker', '[ "$1" = info ] && exit 0; exit 1');
    const env = { PATH: join(ws.dir, 'bin'), KUBIFY_CACHE_DIR: join(ws.dir, 'cache') };
    const run = await runKubify(['bootstrap', 'up', '--dry-run', '--packs', 'app', 'redis'], { env });
    expect(run).to.deep.equal({
      code: 0,
      stdout:
        'kind create cluster --name kubify --wait 120s\nkubify install --context kind-kubify --packs app redis\n',
      stderr: 'mode kind: a kind cluster named kubify\n',
    });
    const down = await runKubify(['bootstrap', 'down', '--dry-run', '--name', 'dev'], { env });
    expect(down.stdout).to.equal('kind delete cluster --name dev\n');
  });

  it('k3d when only k3d is there; embedded when docker does not answer', async () => {
    tool('k3d', 'exit 0');
    tool('docker', 'echo "Cannot connect to the Docker daemon" >&2; exit 1');
    const env = { PATH: join(ws.dir, 'bin'), KUBIFY_CACHE_DIR: join(ws.dir, 'cache') };
    const run = await runKubify(['bootstrap', 'up', '--dry-run'], { env });
    expect(run.stderr).to.contain('mode embedded: embedded mode: etcd and kube-apiserver only, no nodes');
    expect(run.stdout).to.equal(
      `would start: kubify bootstrap serve --state-dir ${join(ws.dir, 'cache', 'bootstrap')}\n`,
    );
    const forced = await runKubify(['bootstrap', 'up', '--mode', 'k3d', '--dry-run'], { env });
    expect(forced).to.deep.include({
      code: 2,
      stderr: 'error: --mode k3d: no container engine answers (docker info failed)\n',
    });
  });

  it('plans k3d commands and chooses modes from what is found', () => {
    expect(upCommands('k3d', 'x', [])).to.deep.equal([
      ['k3d', 'cluster', 'create', 'x', '--wait', '--timeout', '180s'],
      ['kubify', 'install', '--context', 'k3d-x'],
    ]);
    expect(chooseMode('auto', { k3d: '/k3d', engine: 'podman' })).to.equal('k3d');
    expect(chooseMode('auto', { kind: '/kind' })).to.equal('embedded');
    expect(() => chooseMode('kind', {})).to.throw('--mode kind: kind is not on the PATH');
  });

  it('status without state says so and exits 1', async () => {
    const run = await runKubify(['bootstrap', 'status'], {
      env: { PATH: '', KUBIFY_CACHE_DIR: join(ws.dir, 'cache') },
    });
    expect(run).to.deep.equal({
      code: 1,
      stdout: 'embedded: not running\ntools: kind missing, k3d missing, container engine none\n',
      stderr: '',
    });
  });
});
