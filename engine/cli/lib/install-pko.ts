/**
 * `kubify install --with-pko`: the Pulumi Kubernetes Operator is installed with its own Helm chart and the
 * values in `deploy/pko-values.yaml` (the RBAC rule that lets PKO read ProgramSources). kubify does not
 * vendor PKO's manifests: its CRDs are large and versioned with PKO, and Helm upgrades them properly.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { CliIo } from '../context.ts';
import { DEPLOY_DIR } from './install.ts';

export const PKO_RELEASE = 'pulumi-kubernetes-operator';
export const PKO_NAMESPACE = 'pulumi-kubernetes-operator';
export const PKO_CHART = 'oci://ghcr.io/pulumi/helm-charts/pulumi-kubernetes-operator';
export const PKO_CHART_VERSION = '2.3.0';
export const PKO_VALUES = join(DEPLOY_DIR, 'pko-values.yaml');

export interface HelmTarget {
  kubeconfig?: string;
  context?: string;
}

/** The `helm upgrade --install` arguments (idempotent: installs, or upgrades to these values). */
export function pkoHelmArgs(target: HelmTarget, valuesFile = PKO_VALUES): string[] {
  return [
    'upgrade',
    '--install',
    PKO_RELEASE,
    PKO_CHART,
    '--version',
    PKO_CHART_VERSION,
    '--namespace',
    PKO_NAMESPACE,
    '--create-namespace',
    '--values',
    valuesFile,
    '--wait',
    ...(target.kubeconfig ? ['--kubeconfig', target.kubeconfig] : []),
    ...(target.context ? ['--kube-context', target.context] : []),
  ];
}

/** The command line as a user would type it. */
export function pkoHelmCommand(target: HelmTarget): string {
  return ['helm', ...pkoHelmArgs(target)].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ');
}

/** The `helm` executable on `$PATH`, if any. */
export function findHelm(io: CliIo): string | undefined {
  for (const dir of (io.env.PATH ?? '').split(delimiter).filter((d) => d !== '')) {
    const candidate = join(dir, 'helm');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Runs helm, passing its output on as progress lines; resolves to its exit code. */
export function runHelm(
  io: CliIo,
  helm: string,
  args: readonly string[],
  onLine: (line: string) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(helm, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...io.env } });
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      onLine(`cannot run ${helm}: ${err.message}`);
      resolve(127);
    });
    child.on('close', (code) => {
      if (partial) onLine(partial);
      resolve(code ?? 1);
    });
  });
}
