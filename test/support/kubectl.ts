/**
 * The pinned kubectl (same version as the control plane, built by tools/controlplane/build.sh) against the
 * shared control plane, and `kubify validate` output with its `file:line:col: ` prefixes cut off — what
 * the admission webhook can say without lines.
 */
import { execFile } from 'node:child_process';
import { ensureKubectl } from '../../engine/controlplane/index.ts';
import { runKubify } from '../unit/cli/run-cli.ts';
import { sharedControlPlane } from './cluster.ts';

export interface KubectlRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function kubectl(args: readonly string[]): Promise<KubectlRun> {
  const [bin, cp] = await Promise.all([ensureKubectl(), sharedControlPlane()]);
  return new Promise((resolve) => {
    execFile(
      bin,
      [`--kubeconfig=${cp.kubeconfigPath}`, ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The text after `denied the request: ` in kubectl's error output, or undefined when not denied. */
export function denial(stderr: string): string | undefined {
  const marker = 'denied the request: ';
  const at = stderr.indexOf(marker);
  return at < 0 ? undefined : stderr.slice(at + marker.length).trimEnd();
}

/** `kubify validate <file>`'s error lines without the `file:line:col: ` prefix, sorted. */
export async function validateProblemLines(file: string): Promise<{ code: number; lines: string[] }> {
  const run = await runKubify(['validate', file]);
  const prefix = `${file}:`;
  const lines = run.stdout
    .split('\n')
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length).replace(/^(\d+:\d+: | )/, ''))
    .filter((l) => !/(^|: )(warning|note): /.test(l))
    .sort();
  return { code: run.code, lines };
}
