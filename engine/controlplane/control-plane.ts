import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export interface RestartOptions {
  /** How the process is stopped: SIGTERM (graceful, the default) or SIGKILL (a crash). */
  signal?: 'SIGTERM' | 'SIGKILL';
  /** How long it stays down before it is started again. Default 0. */
  downMs?: number;
}

export interface ApiserverRestartOptions extends RestartOptions {
  /**
   * kube-apiserver flags of the new process in place of `ControlPlaneOptions.apiserverFlags`
   * (e.g. `--min-request-timeout=5`); kept for later restarts. Default: the flags in force.
   */
  flags?: string[];
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
  /** etcd's client URL (`http://127.0.0.1:<port>`; its gRPC gateway serves `/v3/...` JSON). */
  etcdUrl: string;
  /** Process ids of etcd and kube-apiserver (current ones, after restarts). */
  readonly pids: number[];
  /** Kubeconfig text for another identity, impersonated by the admin (e.g. a service account). */
  kubeconfigAs(user: string): string;
  /**
   * Stops kube-apiserver and starts it again on the same port with the same certificates and etcd;
   * resolves with Date.now() when /readyz answers 200 again.
   */
  restartApiserver(options?: ApiserverRestartOptions): Promise<number>;
  /**
   * Stops etcd and starts it again with the same data dir and ports; resolves with Date.now() once
   * kube-apiserver's /readyz (which checks etcd) answers 200 again.
   */
  restartEtcd(options?: RestartOptions): Promise<number>;
  /** Stops kube-apiserver only (start it again with startApiserver). */
  stopApiserver(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a stopped kube-apiserver; resolves with Date.now() at /readyz 200. */
  startApiserver(flags?: string[]): Promise<number>;
  /**
   * Compacts etcd's history up to its current revision (what `--etcd-compaction-interval` does
   * periodically); watches from an older resourceVersion then get 410 Gone. Returns the revision.
   */
  compactEtcd(): Promise<number>;
  /** kube-apiserver's log file (appended to across restarts). */
  apiserverLog: string;
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

/** POSTs JSON to etcd's gRPC gateway. */
async function etcdCall(etcdUrl: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${etcdUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`etcd ${path}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts etcd and kube-apiserver on free loopback ports with generated certificates, waits for
 * /readyz and returns a handle. Everything lives in one temp dir that stop() removes; an exit hook
 * and a watchdog process clean up when the caller dies without calling stop(). Either process can
 * be restarted alone (same ports, certificates and data) to test how clients live through it.
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const progress = options.onProgress ?? (() => {});
  const binaries = await ensureBinaries(progress);
  const dir = mkdtempSync(join(tmpdir(), 'kubify-cp-'));
  const current: { etcd?: ManagedProcess; apiserver?: ManagedProcess } = {};
  const everStarted: ManagedProcess[] = [];
  const pidFile = join(dir, 'pids');
  let watchdog: ChildProcess | undefined;
  const killNow = (): void => {
    for (const p of everStarted) p.child.kill('SIGKILL');
    watchdog?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  installExitHook();
  live.add(killNow);
  const recordPids = (): void => {
    const pids = [current.etcd, current.apiserver].map((p) => p?.child.pid ?? 0).filter((pid) => pid > 0);
    writeFileSync(pidFile, pids.join(' '));
  };
  try {
    const certs: ControlPlaneCerts = await generateCerts(dir);
    const caPem = readFileSync(certs.caCert, 'utf8');
    const adminToken = randomBytes(24).toString('hex');
    await writeFile(join(dir, 'tokens.csv'), `${adminToken},kubify-admin,kubify-admin,"system:masters"\n`);
    await mkdir(join(dir, 'etcd'));
    const [etcdClient, etcdPeer, securePort] = (await freePorts(3)) as [number, number, number];
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    const server = `https://127.0.0.1:${securePort}`;
    let apiserverFlags = options.apiserverFlags ?? [];
    const startEtcd = (): ManagedProcess => {
      progress(`starting etcd on 127.0.0.1:${etcdClient}`);
      const etcd = startProcess(
        'etcd',
        binaries.etcd,
        [
          '--name=kubify',
          `--data-dir=${join(dir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
          `--initial-cluster=kubify=http://127.0.0.1:${etcdPeer}`,
          '--unsafe-no-fsync',
          '--log-level=warn',
        ],
        join(dir, 'etcd.log'),
      );
      current.etcd = etcd;
      everStarted.push(etcd);
      recordPids();
      return etcd;
    };
    const startApiserverProcess = (): ManagedProcess => {
      progress(`starting kube-apiserver on ${server}`);
      const apiserver = startProcess(
        'kube-apiserver',
        binaries.kubeApiserver,
        [
          `--etcd-servers=${etcdUrl}`,
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
          ...apiserverFlags,
        ],
        join(dir, 'kube-apiserver.log'),
      );
      current.apiserver = apiserver;
      everStarted.push(apiserver);
      recordPids();
      return apiserver;
    };
    /** Waits for /readyz 200; returns Date.now() at that moment. */
    const waitReady = async (timeoutMs: number): Promise<number> => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const p of [current.etcd, current.apiserver]) {
          if (p && p.child.exitCode !== null) {
            throw new Error(`${p.name} exited with code ${p.child.exitCode}:\n${logTail(p)}`);
          }
        }
        if (await readyz(server, caPem, adminToken)) return Date.now();
        if (Date.now() > deadline)
          throw new Error(
            `kube-apiserver was not ready in time:\n${current.apiserver ? logTail(current.apiserver) : ''}`,
          );
        await sleep(100);
      }
    };
    const stopOne = async (p: ManagedProcess | undefined, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
      if (!p) return;
      if (signal === 'SIGKILL') {
        if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        await p.exited;
      } else {
        await stopProcess(p);
      }
    };

    startEtcd();
    startApiserverProcess();
    watchdog = startWatchdog([], dir, pidFile);
    await waitReady(options.readyTimeoutMs ?? 90_000);
    const kubeconfigPath = join(dir, 'kubeconfig');
    const adminUser = {
      'client-certificate-data': Buffer.from(readFileSync(certs.adminCert)).toString('base64'),
      'client-key-data': Buffer.from(readFileSync(certs.adminKey)).toString('base64'),
    };
    await writeFile(kubeconfigPath, kubeconfig(server, caPem, adminUser), { mode: 0o600 });
    progress(`control plane ready at ${server}`);
    let stopped = false;
    const readyTimeout = options.readyTimeoutMs ?? 90_000;
    const stopApiserver = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
      await stopOne(current.apiserver, signal);
      current.apiserver = undefined;
      recordPids();
    };
    const startApiserver = async (flags?: string[]): Promise<number> => {
      if (current.apiserver) throw new Error('kube-apiserver is running');
      if (flags) apiserverFlags = flags;
      startApiserverProcess();
      return waitReady(readyTimeout);
    };
    return {
      server,
      kubeconfigPath,
      adminToken,
      caPem,
      dir,
      binaries,
      etcdUrl,
      apiserverLog: join(dir, 'kube-apiserver.log'),
      get pids() {
        return [current.etcd, current.apiserver].map((p) => p?.child.pid ?? 0);
      },
      kubeconfigAs: (user) => kubeconfig(server, caPem, { ...adminUser, as: user }),
      stopApiserver,
      startApiserver,
      restartApiserver: async (o = {}) => {
        await stopApiserver(o.signal);
        if (o.downMs) await sleep(o.downMs);
        return startApiserver(o.flags);
      },
      restartEtcd: async (o = {}) => {
        await stopOne(current.etcd, o.signal ?? 'SIGTERM');
        current.etcd = undefined;
        recordPids();
        if (o.downMs) await sleep(o.downMs);
        startEtcd();
        return waitReady(readyTimeout);
      },
      compactEtcd: async () => {
        // any range answers with the store's current revision in its header
        const range = await etcdCall(etcdUrl, '/v3/kv/range', { key: Buffer.from('/').toString('base64') });
        const revision = Number((range.header as { revision?: string } | undefined)?.revision ?? 0);
        if (!(revision > 0)) throw new Error(`etcd reported no revision: ${JSON.stringify(range)}`);
        await etcdCall(etcdUrl, '/v3/kv/compaction', { revision: String(revision), physical: true });
        return revision;
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await stopOne(current.apiserver, 'SIGTERM');
        await stopOne(current.etcd, 'SIGTERM');
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
