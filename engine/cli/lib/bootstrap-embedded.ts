/**
 * Embedded-mode bootstrap: `up` starts a detached `kubify bootstrap serve` process and waits until its
 * state file says ready; `serve` runs the control plane, installs kubify (CRDs and packs through the
 * install plan of `kubify install`, without deploy/: no pods run) and the operator in-process until it
 * gets SIGUSR2 (graceful stop) ; `down` signals it, waits, and removes the state.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../../controlplane/index.ts';
import type { ControlPlane } from '../../controlplane/index.ts';
import { startOperator } from '../../controller/operator.ts';
import type { Operator } from '../../controller/operator.ts';
import { applyInstall } from '../../controller/install.ts';
import { createLogger } from '../../controller/logger.ts';
import { createKubeClient, loadKubeConfig, silentLogger } from '../../kube/index.ts';
import type { CliIo } from '../context.ts';
import { CliError } from '../context.ts';
import type { BootstrapState } from './bootstrap.ts';
import { alive, readState, stateFile } from './bootstrap.ts';
import { loadInstall } from './install.ts';

const BIN = fileURLToPath(new URL('../../../bin/kubify.js', import.meta.url));

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts the detached server and waits for it; `progress` gets its log path once. */
export async function upEmbedded(
  io: CliIo,
  dir: string,
  packs: readonly string[],
  timeoutMs: number,
  progress: (line: string) => void,
): Promise<BootstrapState> {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'bootstrap.log');
  const fd = openSync(log, 'a');
  const args = [
    BIN,
    'bootstrap',
    'serve',
    '--state-dir',
    dir,
    ...(packs.length > 0 ? ['--packs', ...packs] : []),
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', fd, fd],
    cwd: io.cwd,
    env: { ...process.env, ...io.env },
  });
  child.unref();
  progress(
    `starting the embedded control plane and the operator (pid ${child.pid ?? '?'}, log ${log}); the first run builds kube-apiserver and etcd`,
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = readState(dir);
    if (state?.ready) return state;
    if (state?.error) throw new CliError(`bootstrap failed: ${state.error} (log: ${log})`);
    if (child.pid === undefined || !alive(child.pid))
      throw new CliError(`the bootstrap process exited early (log: ${log})`);
    if (Date.now() > deadline) {
      process.kill(child.pid, 'SIGUSR2');
      throw new CliError(`the embedded control plane was not ready in time (log: ${log})`);
    }
    await sleep(250);
  }
}

/** The detached process: control plane + install + operator, until SIGUSR2/SIGINT. */
export async function serveEmbedded(dir: string, packs: readonly string[], io: CliIo): Promise<void> {
  const write = (state: BootstrapState): void =>
    writeFileSync(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
  const base: BootstrapState = {
    mode: 'embedded',
    pid: process.pid,
    childPids: [],
    server: '',
    kubeconfig: join(dir, 'kubeconfig'),
    log: join(dir, 'bootstrap.log'),
    startedAt: new Date().toISOString(),
    ready: false,
    packs: [...packs],
  };
  let cp: ControlPlane | undefined;
  let operator: Operator | undefined;
  try {
    cp = await startControlPlane({ onProgress: (line) => process.stdout.write(`${line}\n`) });
    copyFileSync(cp.kubeconfigPath, base.kubeconfig);
    const kubeConfig = loadKubeConfig({ kubeconfig: base.kubeconfig });
    const client = createKubeClient({ kubeConfig, logger: silentLogger });
    const install = await loadInstall(io, client, { ...(packs.length > 0 ? { packs } : {}), deploy: false });
    await applyInstall({
      client,
      steps: install.steps,
      onProgress: (line) => process.stdout.write(`${line}\n`),
    });
    await client
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubify-system' } })
      .catch(() => undefined);
    client.close();
    operator = await startOperator({ kubeConfig, namespace: 'kubify-system', logger: createLogger('info') });
    write({ ...base, childPids: cp.pids, server: cp.server, ready: true, packs: install.compositions });
  } catch (error) {
    write({ ...base, error: (error as Error).message });
    await operator?.stop();
    await cp?.stop();
    throw error;
  }
  const stopping = new Promise<void>((resolve) => {
    for (const signal of ['SIGUSR2', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  await stopping;
  await operator.stop();
  await cp.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** Stops the server (SIGUSR2, then SIGKILL after `graceMs`) and removes the state; the pids it waited for. */
export async function downEmbedded(dir: string, state: BootstrapState, graceMs = 30_000): Promise<number[]> {
  const pids = [state.pid, ...state.childPids];
  if (alive(state.pid)) process.kill(state.pid, 'SIGUSR2');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
  while (pids.some(alive)) await sleep(50);
  rmSync(dir, { recursive: true, force: true });
  return pids;
}
