/**
 * A loaded kubeconfig's current context -> what a transport needs: the server URL, TLS material for the
 * agents, and per-request credentials (headers, and a client certificate when an exec plugin issues
 * one). Static credentials are computed once; token files, exec plugins and auth-providers are asked
 * on every request (each caches as its source allows).
 */
import { readFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import type { KubeConfig as ClientNodeKubeConfig } from '@kubernetes/client-node';
import { systemClock, type Clock } from './clock.ts';
import { ExecCredentialProvider, type ExecClusterInfo } from './exec-credential.ts';
import { availableContexts, KubeConfigData } from './kubeconfig-data.ts';
import { parseKubeConfig } from './kubeconfig-parse.ts';
import type { KubeCluster, KubeUser } from './kubeconfig-types.ts';

/** What `createKubeClient` and `HttpsTransport` accept: kubify's own, or a client-node `KubeConfig`. */
export type KubeConfigSource = KubeConfigData | ClientNodeKubeConfig;

export type AuthHeaders = Record<string, string | string[]>;

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
  rejectUnauthorized?: boolean;
}

export interface RequestCredentials {
  headers: AuthHeaders;
  /** A client certificate (PEM) issued by an exec plugin: pass per request. */
  cert?: string;
  key?: string;
}

export interface KubeConnection {
  context: string;
  server: URL;
  /** For the agents. Without `cert`/`key` when they come per request (`dynamicCert`). */
  tls: TlsMaterial;
  /** Credentials may differ between requests (token file, exec plugin, auth-provider). */
  dynamic: boolean;
  /** An exec plugin may issue the client certificate. */
  dynamicCert: boolean;
  credentials(): Promise<RequestCredentials>;
  /** The server answered 401: drop cached credentials so the next request gets fresh ones. */
  invalidate(): void;
}

export interface ConnectionOptions {
  clock?: Clock;
  /** How long a token file's content is reused before it is read again (default 60 s, like client-go). */
  tokenFileRefreshMs?: number;
  /** Exec plugin timeout (default 60 s). */
  execTimeoutMs?: number;
  /** Base environment of exec plugins (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** kubify's form of any accepted config (a client-node KubeConfig is read through its export). */
export function toKubeConfigData(source: KubeConfigSource): KubeConfigData {
  if (source instanceof KubeConfigData) return source;
  return new KubeConfigData(parseKubeConfig(source.exportConfig(), { source: 'KubeConfig' }));
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function material(data: string | undefined, file: string | undefined, what: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  return file ? readFile(file, what) : undefined;
}

/** A token file re-read at most every `refreshMs`; a failed re-read keeps the last good token. */
export class TokenFile {
  private value: string | undefined;
  private readAt = -Infinity;

  constructor(
    readonly file: string,
    private readonly clock: Clock = systemClock,
    private readonly refreshMs = 60_000,
  ) {}

  token(): string {
    const now = this.clock.now();
    if (this.value !== undefined && now - this.readAt < this.refreshMs) return this.value;
    try {
      const t = readFileSync(this.file, 'utf8').trim();
      if (!t) throw new Error('the file is empty');
      this.value = t;
    } catch (err) {
      if (this.value === undefined)
        throw new Error(`cannot read token file ${this.file}: ${(err as Error).message}`, { cause: err });
    }
    this.readAt = now;
    return this.value;
  }

  invalidate(): void {
    this.readAt = -Infinity;
  }
}

/** Legacy `auth-provider` users: `@kubernetes/client-node` does the work, imported only now. */
class AuthProviderDelegate {
  private kc: Promise<ClientNodeKubeConfig> | undefined;

  constructor(
    private readonly cluster: KubeCluster,
    private readonly user: KubeUser,
  ) {}

  private load(): Promise<ClientNodeKubeConfig> {
    this.kc ??= import('@kubernetes/client-node').then(
      ({ KubeConfig }) => {
        const kc = new KubeConfig();
        const { name, server, skipTLSVerify } = this.cluster;
        kc.loadFromOptions({
          clusters: [{ name, server, skipTLSVerify }],
          users: [{ name: this.user.name, authProvider: this.user.authProvider }],
          contexts: [{ name: 'kubify', cluster: name, user: this.user.name }],
          currentContext: 'kubify',
        });
        return kc;
      },
      (err: unknown) => {
        this.kc = undefined;
        throw err;
      },
    );
    return this.kc;
  }

  async headers(): Promise<Record<string, string>> {
    const opts: RequestOptions = { headers: {} };
    await (await this.load()).applyToHTTPSOptions(opts);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') out[k] = v;
    return out;
  }
}

function impersonation(user: KubeUser): AuthHeaders {
  const h: AuthHeaders = {};
  if (user.impersonateUser) h['Impersonate-User'] = user.impersonateUser;
  if (user.impersonateUid) h['Impersonate-Uid'] = user.impersonateUid;
  if (user.impersonateGroups?.length) h['Impersonate-Group'] = [...user.impersonateGroups];
  for (const [key, values] of Object.entries(user.impersonateExtra ?? {}))
    if (values.length) h[`Impersonate-Extra-${encodeURIComponent(key)}`] = [...values];
  return h;
}

function clusterInfo(cluster: KubeCluster, server: URL, ca: Buffer | undefined): ExecClusterInfo {
  return {
    server: server.href.replace(/\/$/, ''),
    ...(cluster.tlsServerName ? { 'tls-server-name': cluster.tlsServerName } : {}),
    ...(cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
    ...(ca ? { 'certificate-authority-data': ca.toString('base64') } : {}),
    ...(cluster.execExtension !== undefined ? { config: cluster.execExtension } : {}),
  };
}

/** Resolves the current context of `source` (errors name the context, cluster or user at fault). */
export function resolveConnection(source: KubeConfigSource, options: ConnectionOptions = {}): KubeConnection {
  const kc = toKubeConfigData(source);
  const name = kc.currentContext;
  if (!name) throw new Error(`kubeconfig has no current context (${availableContexts(kc.contexts)})`);
  const ctx = kc.getContextObject(name);
  if (!ctx)
    throw new Error(`current context "${name}" not found in kubeconfig (${availableContexts(kc.contexts)})`);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster)
    throw new Error(`context "${name}" names cluster "${ctx.cluster}", which the kubeconfig does not define`);
  const user = ctx.user ? kc.getUser(ctx.user) : { name: '' };
  if (!user)
    throw new Error(`context "${name}" names user "${ctx.user}", which the kubeconfig does not define`);
  if (!cluster.server) throw new Error(`cluster "${cluster.name}" has no server`);
  if (cluster.proxyUrl)
    throw new Error(
      `cluster "${cluster.name}" sets proxy-url ${cluster.proxyUrl}: kubify does not support proxies`,
    );
  const server = new URL(cluster.server.includes('://') ? cluster.server : `https://${cluster.server}`);

  const tls: TlsMaterial = {};
  let ca: Buffer | undefined;
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  else ca = material(cluster.caData, cluster.caFile, `certificate-authority of cluster "${cluster.name}"`);
  if (ca) tls.ca = ca;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  const cert = material(user.certData, user.certFile, `client-certificate of user "${user.name}"`);
  const key = material(user.keyData, user.keyFile, `client-key of user "${user.name}"`);
  if (Boolean(cert) !== Boolean(key))
    throw new Error(
      `user "${user.name}" has a client ${cert ? 'certificate without a key' : 'key without a certificate'}`,
    );
  if (cert && key) Object.assign(tls, { cert, key });

  const fixed = impersonation(user);
  if (user.token) fixed.Authorization = `Bearer ${user.token}`;
  else if (user.username !== undefined || user.password !== undefined)
    fixed.Authorization = `Basic ${Buffer.from(`${user.username ?? ''}:${user.password ?? ''}`).toString('base64')}`;
  const tokenFile =
    user.tokenFile && !user.token
      ? new TokenFile(user.tokenFile, options.clock, options.tokenFileRefreshMs)
      : undefined;
  if (user.exec && user.authProvider)
    throw new Error(`user "${user.name}" sets both exec and auth-provider; only one may be used`);
  const exec = user.exec
    ? new ExecCredentialProvider(user.exec, {
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.execTimeoutMs !== undefined ? { timeoutMs: options.execTimeoutMs } : {}),
        ...(options.env ? { env: options.env } : {}),
        cluster: clusterInfo(cluster, server, ca),
      })
    : undefined;
  const provider =
    user.authProvider && !fixed.Authorization ? new AuthProviderDelegate(cluster, user) : undefined;
  const dynamic = Boolean(tokenFile ?? exec ?? provider);
  const staticCredentials = Promise.resolve({ headers: fixed });

  return {
    context: name,
    server,
    tls,
    dynamic,
    dynamicCert: Boolean(exec) && !tls.cert,
    credentials: async () => {
      if (!dynamic) return staticCredentials;
      const headers: AuthHeaders = { ...fixed };
      const out: RequestCredentials = { headers };
      if (tokenFile) headers.Authorization = `Bearer ${tokenFile.token()}`;
      if (exec) {
        const c = await exec.get();
        if (c.token && !headers.Authorization) headers.Authorization = `Bearer ${c.token}`;
        if (c.clientCertificateData && c.clientKeyData && !tls.cert) {
          out.cert = c.clientCertificateData;
          out.key = c.clientKeyData;
        }
      }
      if (provider) Object.assign(headers, await provider.headers());
      return out;
    },
    invalidate: () => {
      tokenFile?.invalidate();
      exec?.invalidate();
    },
  };
}
