import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../../../engine/controlplane/index.ts';
import { eventually } from '../../support/http.ts';

const here = dirname(fileURLToPath(import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts owner-process.ts, waits for its report, sends `signal`, and returns what it had started. */
async function startOwnerAndKill(signal: NodeJS.Signals): Promise<{ pids: number[]; dir: string }> {
  const child = spawn(process.execPath, ['--import=tsx', join(here, 'owner-process.ts')], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = await new Promise<{ pids: number[]; dir: string }>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(JSON.parse(out) as { pids: number[]; dir: string });
    });
    child.once('exit', (code) => reject(new Error(`owner process exited early with ${code}`)));
  });
  expect(started.pids.every(alive)).to.equal(true);
  expect(existsSync(started.dir)).to.equal(true);
  child.kill(signal);
  return started;
}

describe('embedded control plane lifecycle', function () {
  this.timeout(120_000);

  it('stop() ends etcd and kube-apiserver and removes the temp dir', async () => {
    const cp = await startControlPlane();
    expect(cp.pids).to.have.length(2);
    expect(cp.pids.every(alive)).to.equal(true);
    await cp.stop();
    expect(cp.pids.some(alive)).to.equal(false);
    expect(existsSync(cp.dir)).to.equal(false);
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`cleans up when its owner process gets ${signal}`, async () => {
      const { pids, dir } = await startOwnerAndKill(signal);
      await eventually(
        'the control plane processes to end',
        () => (pids.some(alive) ? undefined : true),
        15_000,
      );
      await eventually('the temp dir to be removed', () => (existsSync(dir) ? undefined : true), 15_000);
    });
  }
});
