/**
 * `kubify bootstrap up|status|down` in embedded mode, for real: a detached process runs a second
 * control plane, installs kubify and runs the operator; down stops everything and leaves no process.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BootstrapState } from '../../../engine/cli/lib/bootstrap.ts';
import { alive } from '../../../engine/cli/lib/bootstrap.ts';
import { createKubeClient, loadKubeConfig } from '../../../engine/kube/index.ts';
import { runCli } from '../../../engine/cli/program.ts';
import { eventually } from '../../support/http.ts';

async function kubify(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    env,
    cwd: process.cwd(),
    colorCapable: false,
    now: () => new Date(),
  });
  return { code, stdout, stderr };
}

describe('kubify bootstrap (embedded mode)', function () {
  this.timeout(300_000);
  let cache: string;
  let state: BootstrapState | undefined;

  before(() => {
    cache = mkdtempSync(join(tmpdir(), 'kubify-bootstrap-'));
  });
  after(async () => {
    // Never leave the detached process behind, even when an assertion failed half-way.
    if (state && alive(state.pid))
      await kubify(['bootstrap', 'down'], { PATH: process.env.PATH ?? '', KUBIFY_CACHE_DIR: cache });
    rmSync(cache, { recursive: true, force: true });
  });

  it('up starts the control plane and the operator, status reports them, down stops every process', async () => {
    const env = { PATH: process.env.PATH ?? '', KUBIFY_CACHE_DIR: cache };
    const up = await kubify(['bootstrap', 'up', '--packs', 'rayservice'], env);
    expect(up.code, up.stderr).to.equal(0);
    expect(up.stderr).to.contain('no pods ever run');
    expect(up.stdout).to.contain(`export KUBECONFIG=${join(cache, 'bootstrap', 'kubeconfig')}\n`);

    const status = await kubify(['bootstrap', 'status', '-o', 'json'], env);
    expect(status.code).to.equal(0);
    const report = JSON.parse(status.stdout) as { running: boolean; state: BootstrapState };
    state = report.state;
    expect(report.running).to.equal(true);
    expect(state.packs).to.deep.equal(['rayservice']);
    expect(state.childPids).to.have.length(2);
    expect((await kubify(['bootstrap', 'status'], env)).stdout).to.match(/^embedded: running\n/);

    const client = createKubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: state.kubeconfig }) });
    try {
      await eventually(
        'the operator to serve the rayservice Composition',
        async () => {
          const c = await client.find({
            apiVersion: 'kubify.io/v1alpha1',
            kind: 'Composition',
            name: 'rayservice',
          });
          const ready = (
            c?.status as { conditions?: { type: string; status: string }[] } | undefined
          )?.conditions?.find((x) => x.type === 'Ready');
          return ready?.status === 'True' || undefined;
        },
        60_000,
      );
    } finally {
      client.close();
    }
    const again = await kubify(['bootstrap', 'up'], env);
    expect(again.stdout).to.equal(`already running (pid ${state.pid}); kubeconfig: ${state.kubeconfig}\n`);

    const down = await kubify(['bootstrap', 'down'], env);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.equal(
      `stopped (pids ${[state.pid, ...state.childPids].join(', ')}) and removed ${join(cache, 'bootstrap')}\n`,
    );
    for (const pid of [state.pid, ...state.childPids]) expect(alive(pid), `pid ${pid}`).to.equal(false);
    expect(existsSync(join(cache, 'bootstrap'))).to.equal(false);
    expect((await kubify(['bootstrap', 'down'], env)).stdout).to.equal('not running\n');
  });
});
