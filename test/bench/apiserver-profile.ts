/**
 * With `--profile`, a Go CPU profile of kube-apiserver over the busy part of each convergence run
 * (kubify, bare controller, floor), fetched from its `/debug/pprof/profile` by the pinned kubectl.
 * Read with `go tool pprof -top -nodecount=40 <kube-apiserver binary> <file>`: it shows which
 * requests and watch deliveries the API server spends its CPU on.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKubectl } from '../../engine/controlplane/index.ts';

/** Starts a profile of `seconds`; the promise resolves with the file once it is written. */
export async function profileApiserver(
  kubeconfig: string,
  dir: string,
  label: string,
  seconds: number,
): Promise<string> {
  const kubectl = await ensureKubectl();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `kube-apiserver-${label}-${Date.now()}.pprof`);
  const child = spawn(
    kubectl,
    [
      '--kubeconfig',
      kubeconfig,
      'get',
      '--raw',
      `/debug/pprof/profile?seconds=${Math.max(1, Math.round(seconds))}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.pipe(createWriteStream(file));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(file)
        : reject(new Error(`kubectl get --raw pprof exited ${code}: ${stderr.trim()}`)),
    );
  });
}
