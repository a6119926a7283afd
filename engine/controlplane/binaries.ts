import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const buildScript = join(repoRoot, 'tools', 'controlplane', 'build.sh');

export interface ControlPlaneBinaries {
  dir: string;
  kubeApiserver: string;
  etcd: string;
  /** kubectl of the same version (tests apply with it to see what users see); absent in older caches. */
  kubectl?: string;
}

function fromDir(dir: string): ControlPlaneBinaries {
  const kubectl = join(dir, 'kubectl');
  return {
    dir,
    kubeApiserver: join(dir, 'kube-apiserver'),
    etcd: join(dir, 'etcd'),
    ...(existsSync(kubectl) ? { kubectl } : {}),
  };
}

/** The pinned kubectl next to the control plane binaries (built by `tools/controlplane/build.sh`). */
export async function ensureKubectl(onProgress?: (line: string) => void): Promise<string> {
  const bins = await ensureBinaries(onProgress);
  if (bins.kubectl) return bins.kubectl;
  throw new Error(
    `${bins.dir} has no kubectl: run tools/controlplane/build.sh (it builds the missing binaries)`,
  );
}

/**
 * Finds the kube-apiserver and etcd binaries: `KUBIFY_CONTROLPLANE_DIR` when set, else the
 * version-keyed cache that `tools/controlplane/build.sh` fills (building them on a miss).
 * Build progress goes to `onProgress` line by line.
 */
export async function ensureBinaries(
  onProgress: (line: string) => void = () => {},
): Promise<ControlPlaneBinaries> {
  const fromEnv = process.env.KUBIFY_CONTROLPLANE_DIR;
  if (fromEnv) {
    const bins = fromDir(fromEnv);
    for (const file of [bins.kubeApiserver, bins.etcd]) {
      if (!existsSync(file)) {
        throw new Error(`KUBIFY_CONTROLPLANE_DIR=${fromEnv} has no ${file}; unset it to build the binaries`);
      }
    }
    return bins;
  }
  const dir = await runBuild(onProgress);
  return fromDir(dir);
}

function runBuild(onProgress: (line: string) => void): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [buildScript], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let partial = '';
    child.stderr.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        onProgress(line);
        stderrTail = (stderrTail + line + '\n').slice(-4000);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = stdout.trim().split('\n').pop();
      if (code === 0 && dir) resolvePromise(dir);
      else reject(new Error(`building the control plane failed (exit ${code}):\n${stderrTail}${partial}`));
    });
  });
}
