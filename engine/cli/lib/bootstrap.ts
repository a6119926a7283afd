/**
 * `kubify bootstrap`: a local cluster with kubify in it. With `kind` or `k3d` and a working container
 * engine, the plan is the exact commands to run (a real cluster; pods run). Without them, the embedded
 * control plane (etcd + kube-apiserver, no nodes: no pods ever run) and the operator, as one detached
 * local process whose state file lives under `<cache dir>/bootstrap/`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIo } from '../context.ts';
import { UsageError } from '../context.ts';
import { findOnPath } from './which.ts';
import { cacheDir } from './user-dirs.ts';

export type BootstrapMode = 'kind' | 'k3d' | 'embedded';
export const BOOTSTRAP_MODES = ['auto', 'kind', 'k3d', 'embedded'] as const;

export interface Tools {
  kind?: string;
  k3d?: string;
  /** A container engine whose `info` works. */
  engine?: 'docker' | 'podman';
}

/** kind/k3d on the PATH, and whether `docker info` (or `podman info`) succeeds. */
export function detectTools(io: CliIo): Tools {
  const tools: Tools = {};
  const kind = findOnPath('kind', io.env.PATH);
  const k3d = findOnPath('k3d', io.env.PATH);
  if (kind) tools.kind = kind;
  if (k3d) tools.k3d = k3d;
  for (const engine of ['docker', 'podman'] as const) {
    const bin = findOnPath(engine, io.env.PATH);
    if (!bin) continue;
    const probe = spawnSync(bin, ['info'], {
      stdio: 'ignore',
      timeout: 15_000,
      env: io.env,
    });
    if (probe.status === 0) {
      tools.engine = engine;
      break;
    }
  }
  return tools;
}

/** The mode `--mode` asks for, or the best one available for `auto`; asking for what is missing is an error. */
export function chooseMode(requested: (typeof BOOTSTRAP_MODES)[number], tools: Tools): BootstrapMode {
  if (requested === 'embedded') return 'embedded';
  if (requested === 'kind' || requested === 'k3d') {
    if (!tools[requested]) throw new UsageError(`--mode ${requested}: ${requested} is not on the PATH`);
    if (!tools.engine)
      throw new UsageError(`--mode ${requested}: no container engine answers (docker info failed)`);
    return requested;
  }
  if (tools.engine && tools.kind) return 'kind';
  if (tools.engine && tools.k3d) return 'k3d';
  return 'embedded';
}

/** The exact commands `up` runs for a container-based cluster, in order. */
export function upCommands(mode: 'kind' | 'k3d', name: string, packs: readonly string[]): string[][] {
  const install = [
    'kubify',
    'install',
    '--context',
    `${mode}-${name}`,
    ...(packs.length > 0 ? ['--packs', ...packs] : []),
  ];
  if (mode === 'kind') return [['kind', 'create', 'cluster', '--name', name, '--wait', '120s'], install];
  return [['k3d', 'cluster', 'create', name, '--wait', '--timeout', '180s'], install];
}

export function downCommands(mode: 'kind' | 'k3d', name: string): string[][] {
  return mode === 'kind'
    ? [['kind', 'delete', 'cluster', '--name', name]]
    : [['k3d', 'cluster', 'delete', name]];
}

/** A command line as a shell would take it. */
export function shellLine(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(' ');
}

export const EMBEDDED_NOTE =
  'embedded mode: etcd and kube-apiserver only, no nodes: claims reconcile and composed objects are created, but no pods ever run (use kind or k3d with docker for workloads)';

export interface BootstrapState {
  mode: 'embedded';
  /** The detached process running the control plane and the operator. */
  pid: number;
  /** etcd and kube-apiserver. */
  childPids: number[];
  server: string;
  kubeconfig: string;
  log: string;
  startedAt: string;
  ready: boolean;
  packs: string[];
  error?: string;
}

export function stateDir(io: CliIo): string {
  return join(cacheDir(io), 'bootstrap');
}

export function stateFile(dir: string): string {
  return join(dir, 'state.json');
}

export function readState(dir: string): BootstrapState | undefined {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BootstrapState;
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
