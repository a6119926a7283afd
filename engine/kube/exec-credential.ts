/**
 * client-go credential plugins (`users[].user.exec`): run the command, read an ExecCredential
 * (`client.authentication.k8s.io/v1` or `/v1beta1`) from its stdout, cache it until its
 * `expirationTimestamp` (or, without one, until the server answers 401).
 */
import { spawn } from 'node:child_process';
import { systemClock, type Clock } from './clock.ts';
import type { ExecConfig } from './kubeconfig-types.ts';

export const EXEC_API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];

/** What a plugin returned: a bearer token, or a client certificate and key (PEM), or both. */
export interface ExecCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  /** Epoch ms; none: valid until the server rejects it. */
  expiresAt?: number;
}

/** `spec.cluster` for plugins with `provideClusterInfo: true`. */
export interface ExecClusterInfo {
  server: string;
  'tls-server-name'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'certificate-authority-data'?: string;
  config?: unknown;
}

export interface ExecCredentialProviderOptions {
  clock?: Clock;
  /** Kill the plugin after this long (default 60 s). */
  timeoutMs?: number;
  /** Base environment of the plugin (default process.env); `exec.env` is added to it. */
  env?: Readonly<Record<string, string | undefined>>;
  cluster?: ExecClusterInfo;
}

function describe(config: ExecConfig): string {
  return [config.command, ...config.args].join(' ');
}

function tail(text: string): string {
  const t = text.trim();
  return t.length > 2000 ? `...${t.slice(-2000)}` : t;
}

export class ExecCredentialProvider {
  private cached: ExecCredential | undefined;
  private pending: Promise<ExecCredential> | undefined;
  private readonly clock: Clock;

  constructor(
    private readonly config: ExecConfig,
    private readonly options: ExecCredentialProviderOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    if (!EXEC_API_VERSIONS.includes(config.apiVersion))
      throw new Error(
        `exec plugin ${config.command}: unsupported apiVersion "${config.apiVersion}" ` +
          `(supported: ${EXEC_API_VERSIONS.join(', ')})`,
      );
    if (config.interactiveMode === 'Always')
      throw new Error(
        `exec plugin ${config.command} needs an interactive terminal (interactiveMode: Always), which kubify never has`,
      );
  }

  /** The cached credential while it is valid, else a fresh one (concurrent callers share one run). */
  get(): Promise<ExecCredential> {
    const c = this.cached;
    if (c && (c.expiresAt === undefined || this.clock.now() < c.expiresAt)) return Promise.resolve(c);
    this.pending ??= this.run().then(
      (fresh) => {
        this.pending = undefined;
        this.cached = fresh;
        return fresh;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }

  /** Forget the cached credential (the server answered 401). */
  invalidate(): void {
    this.cached = undefined;
  }

  private run(): Promise<ExecCredential> {
    const { config } = this;
    const info = {
      apiVersion: config.apiVersion,
      kind: 'ExecCredential',
      spec: {
        interactive: false,
        ...(config.provideClusterInfo && this.options.cluster ? { cluster: this.options.cluster } : {}),
      },
    };
    const env: Record<string, string | undefined> = { ...(this.options.env ?? process.env) };
    for (const v of config.env) env[v.name] = v.value;
    env.KUBERNETES_EXEC_INFO = JSON.stringify(info);
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return new Promise<ExecCredential>((resolve, reject) => {
      const child = spawn(config.command, config.args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const hint = config.installHint ? `\n${config.installHint}` : '';
        reject(
          new Error(
            e.code === 'ENOENT'
              ? `exec plugin: executable ${config.command} not found${hint}`
              : `exec plugin ${config.command}: ${e.message}`,
            { cause: e },
          ),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const stderr = tail(Buffer.concat(err).toString('utf8'));
        if (timedOut || code !== 0) {
          const why = timedOut
            ? `timed out after ${timeoutMs}ms`
            : code === null
              ? `was killed by ${signal}`
              : `failed with exit code ${code}`;
          reject(new Error(`exec plugin "${describe(config)}" ${why}${stderr ? `: ${stderr}` : ''}`));
          return;
        }
        try {
          resolve(this.parse(Buffer.concat(out).toString('utf8')));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
    });
  }

  private parse(stdout: string): ExecCredential {
    const name = `exec plugin "${describe(this.config)}"`;
    let doc: unknown;
    try {
      doc = JSON.parse(stdout);
    } catch {
      throw new Error(`${name} printed no ExecCredential JSON: ${tail(stdout).slice(0, 200) || '(nothing)'}`);
    }
    const obj = (doc ?? {}) as {
      apiVersion?: unknown;
      kind?: unknown;
      status?: {
        token?: unknown;
        clientCertificateData?: unknown;
        clientKeyData?: unknown;
        expirationTimestamp?: unknown;
      };
    };
    if (obj.kind !== 'ExecCredential')
      throw new Error(`${name} printed kind ${String(obj.kind)}, expected ExecCredential`);
    if (obj.apiVersion !== this.config.apiVersion)
      throw new Error(
        `${name} printed apiVersion ${String(obj.apiVersion)}, expected ${this.config.apiVersion}`,
      );
    const s = obj.status ?? {};
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
    const cred: ExecCredential = {};
    const token = str(s.token);
    const cert = str(s.clientCertificateData);
    const key = str(s.clientKeyData);
    if (token) cred.token = token;
    if (Boolean(cert) !== Boolean(key))
      throw new Error(`${name} returned only one of clientCertificateData and clientKeyData`);
    if (cert && key) {
      cred.clientCertificateData = cert;
      cred.clientKeyData = key;
    }
    if (!token && !cert) throw new Error(`${name} returned neither a token nor a client certificate`);
    const exp = str(s.expirationTimestamp);
    if (exp) {
      const ms = Date.parse(exp);
      if (Number.isNaN(ms)) throw new Error(`${name} returned an invalid expirationTimestamp "${exp}"`);
      cred.expiresAt = ms;
    }
    return cred;
  }
}
