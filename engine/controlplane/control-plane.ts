import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ensureBinaries, type ControlPlaneBinaries } from './binaries.ts';
import { generateCerts, type ControlPlaneCerts } from './certs.ts';
import { freePorts } from './ports.ts';
import { startProcess, startWatchdog, stopProcess, type ManagedProcess } from './process.ts';

export interface ControlPlaneOptions {
  /** Progress lines (build, start-up). */
  onProgress?: (line: string) => void;
  /** Extra kube-apiserver flags, e.g. `--audit-log-path=...`. */
  apiserverFlags?: string[];
  /** How long to wait for /readyz. */
  readyTimeoutMs?: number;
}

export interface ControlPlane {
  /** `https://127.0.0.1:<port>` */
  server: string;
  /** A kubeconfig with admin (system:masters) client-certificate credentials. */
  kubeconfigPath: string;
  /** Bearer token of the admin user (for raw HTTP calls and curl). */
  adminToken: string;
  caPem: string;
  /** The temp dir holding data, certs, logs and the kubeconfig; removed by stop(). */
  dir: string;
  binaries: ControlPlaneBinaries;
  /** Process ids of etcd and kube-apiserver. */
  pids: number[];
  /** Kubeconfig text for another identity, impersonated by the admin (e.g. a service account). */
  kubeconfigAs(user: string): string;
  stop(): Promise<void>;
}

const live = new Set<() => void>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = (): void => {
    for (const kill of live) kill();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

function kubeconfig(server: string, caPem: string, user: Record<string, string>): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  return JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'kubify-embedded', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
      users: [{ name: 'kubify-embedded', user }],
      contexts: [
        { name: 'kubify-embedded', context: { cluster: 'kubify-embedded', user: 'kubify-embedded' } },
      ],
      'current-context': 'kubify-embedded',
    },
    null,
    2,
  );
}

function readyz(server: string, caPem: string, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      `${server}/readyz`,
      { ca: caPem, headers: { Authorization: `Bearer ${token}` }, timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function logTail(p: ManagedProcess): string {
  try {
    return readFileSync(p.logFile, 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts etcd and kube-apiserver on free loopback ports with generated certificates, waits for
 * /readyz and returns a handle. Everything lives in one temp dir that stop() removes; an exit hook
 * and a watchdog process clean up when the caller dies without calling stop().
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const progress = options.onProgress ?? (() => {});
  const binaries = await ensureBinaries(progress);
  const dir = mkdtempSync(join(tmpdir(), 'kubify-cp-'));
  const processes: ManagedProcess[] = [];
  let watchdog: ChildProcess | undefined;
  const killNow = (): void => {
    for (const p of processes) p.child.kill('SIGKILL');
    watchdog?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  installExitHook();
  live.add(killNow);
  try {
    const certs: ControlPlaneCerts = await generateCerts(dir);
    const caPem = readFileSync(certs.caCert, 'utf8');
    const adminToken = randomBytes(24).toString('hex');
    await writeFile(join(dir, 'tokens.csv'), `${adminToken},kubify-admin,kubify-admin,"system:masters"\n`);
    await mkdir(join(dir, 'etcd'));
    const [etcdClient, etcdPeer, securePort] = (await freePorts(3)) as [number, number, number];
    progress(`starting etcd on 127.0.0.1:${etcdClient}`);
    const etcd = startProcess(
      'etcd',
      binaries.etcd,
      [
        '--name=kubify',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=kubify=http://127.0.0.1:${etcdPeer}`,
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      join(dir, 'etcd.log'),
    );
    processes.push(etcd);
    const server = `https://127.0.0.1:${securePort}`;
    progress(`starting kube-apiserver on ${server}`);
    const apiserver = startProcess(
      'kube-apiserver',
      binaries.kubeApiserver,
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${securePort}`,
        `--cert-dir=${join(dir, 'certs')}`,
        `--tls-cert-file=${certs.serverCert}`,
        `--tls-private-key-file=${certs.serverKey}`,
        `--client-ca-file=${certs.caCert}`,
        `--token-auth-file=${join(dir, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        `--service-account-issuer=https://kubernetes.default.svc`,
        `--service-account-key-file=${certs.serviceAccountPub}`,
        `--service-account-signing-key-file=${certs.serviceAccountKey}`,
        '--service-cluster-ip-range=10.0.0.0/24',
        '--allow-privileged=true',
        '--disable-admission-plugins=ServiceAccount',
        ...(options.apiserverFlags ?? []),
      ],
      join(dir, 'kube-apiserver.log'),
    );
    processes.push(apiserver);
    watchdog = startWatchdog(
      processes.map((p) => p.child.pid ?? 0).filter((pid) => pid > 0),
      dir,
    );
    const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
    for (;;) {
      for (const p of processes) {
        if (p.child.exitCode !== null) {
          throw new Error(`${p.name} exited with code ${p.child.exitCode}:\n${logTail(p)}`);
        }
      }
      if (await readyz(server, caPem, adminToken)) break;
      if (Date.now() > deadline)
        throw new Error(`kube-apiserver was not ready in time:\n${logTail(apiserver)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const kubeconfigPath = join(dir, 'kubeconfig');
    const adminUser = {
      'client-certificate-data': Buffer.from(readFileSync(certs.adminCert)).toString('base64'),
      'client-key-data': Buffer.from(readFileSync(certs.adminKey)).toString('base64'),
    };
    await writeFile(kubeconfigPath, kubeconfig(server, caPem, adminUser), { mode: 0o600 });
    progress(`control plane ready at ${server}`);
    let stopped = false;
    return {
      server,
      kubeconfigPath,
      adminToken,
      caPem,
      dir,
      binaries,
      pids: processes.map((p) => p.child.pid ?? 0),
      kubeconfigAs: (user) => kubeconfig(server, caPem, { ...adminUser, as: user }),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopProcess(apiserver);
        await stopProcess(etcd);
        watchdog?.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
        live.delete(killNow);
      },
    };
  } catch (err) {
    killNow();
    live.delete(killNow);
    throw err;
  }
}
