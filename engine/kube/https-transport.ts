import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import {
  resolveConnection,
  type AuthHeaders,
  type ConnectionOptions,
  type KubeConfigSource,
  type KubeConnection,
} from './kubeconfig-credentials.ts';
import type {
  SocketStats,
  Transport,
  TransportRequest,
  TransportResponse,
  TransportStream,
} from './transport.ts';

export interface HttpsTransportOptions {
  /** Concurrent plain requests; more wait in the agent's queue. */
  maxSockets?: number;
  /** Idle timeout of plain requests. */
  requestTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this long (below the server's idle timeout). */
  idleSocketTimeoutMs?: number;
  /** Clock, token-file refresh period and exec-plugin settings of the credentials. */
  credentials?: ConnectionOptions;
  /** `User-Agent` of every request (the API server's audit log records it). Default `kubify`. */
  userAgent?: string;
}

interface Base {
  url: URL;
  pathPrefix: string;
  connection: KubeConnection;
  agent: http.Agent;
  streamAgent: http.Agent;
  secure: boolean;
}

const RETRYABLE_SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

function flatHeaders(h: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(h)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function countSockets(group: NodeJS.ReadOnlyDict<unknown[]>): number {
  let n = 0;
  for (const list of Object.values(group)) n += list?.length ?? 0;
  return n;
}

/** Drops undefined values: an agent's options override a request's, even when undefined. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * node:https transport: TLS material and credentials from kubify's kubeconfig loader, one keep-alive
 * agent (bounded maxSockets) for requests and one for long-lived streams (watches), so a hundred
 * watches never starve ordinary requests and a restarted watch never leaks its socket. Credentials
 * that change (token files, exec plugins, auth-providers) are asked for on every request; a 401
 * drops the cached ones.
 */
export class HttpsTransport implements Transport {
  private base: Promise<Base> | undefined;
  private resolved: Base | undefined;
  private closed = false;

  constructor(
    private readonly kubeConfig: KubeConfigSource,
    private readonly options: HttpsTransportOptions = {},
  ) {}

  private init(): Base {
    const connection = resolveConnection(this.kubeConfig, this.options.credentials);
    const url = connection.server;
    const secure = url.protocol === 'https:';
    const timeout = this.options.idleSocketTimeoutMs ?? 60_000;
    const agentOptions: https.AgentOptions = defined({
      keepAlive: true,
      keepAliveMsecs: 30_000,
      scheduling: 'lifo' as const,
      timeout,
      ...connection.tls,
    });
    const make = (maxSockets: number): http.Agent =>
      secure
        ? new https.Agent({ ...agentOptions, maxSockets, maxFreeSockets: maxSockets })
        : new http.Agent({ keepAlive: true, timeout, maxSockets, maxFreeSockets: maxSockets });
    return {
      url,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
      connection,
      agent: make(this.options.maxSockets ?? 16),
      streamAgent: make(Infinity),
      secure,
    };
  }

  private ensure(): Promise<Base> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    this.base ??= new Promise<Base>((resolve) => resolve(this.init())).then(
      (b) => {
        if (this.closed) {
          b.agent.destroy();
          b.streamAgent.destroy();
          throw new Error('transport closed');
        }
        this.resolved = b;
        return b;
      },
      (err: unknown) => {
        this.base = undefined; // e.g. an unreadable CA file: try again next request
        throw err;
      },
    );
    return this.base;
  }

  private async open(req: TransportRequest, stream: boolean): Promise<IncomingMessage> {
    const base = await this.ensure();
    const creds = await base.connection.credentials();
    const headers: AuthHeaders = {
      Accept: 'application/json',
      'User-Agent': this.options.userAgent ?? 'kubify',
      ...creds.headers,
      ...req.headers,
    };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const send = (attempt: number): Promise<IncomingMessage> =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const r = (base.secure ? https : http).request({
          protocol: base.url.protocol,
          hostname: base.url.hostname,
          port: base.url.port,
          path: base.pathPrefix + req.path,
          method: req.method,
          headers,
          agent: stream ? base.streamAgent : base.agent,
          signal: req.signal,
          // an exec plugin's client certificate: the agent keeps a socket pool per certificate
          ...(creds.cert !== undefined ? { cert: creds.cert, key: creds.key } : {}),
        });
        let responded = false;
        if (req.guard) {
          const guard = req.guard;
          // 'socket' is emitted before the request is flushed to it: destroying here sends nothing
          r.once('socket', () => {
            const refused = guard();
            if (refused) r.destroy(refused);
          });
        }
        r.setTimeout(req.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000, () => {
          r.destroy(
            Object.assign(new Error(`no response data for ${req.timeoutMs ?? 30_000}ms`), {
              code: 'ETIMEDOUT',
            }),
          );
        });
        r.on('response', (res) => {
          responded = true;
          if (res.statusCode === 401 && base.connection.dynamic) base.connection.invalidate();
          resolve(res);
        });
        r.on('error', (err: NodeJS.ErrnoException) => {
          if (responded) return; // surfaced through the response stream instead
          // a keep-alive socket the server closed while we picked it: retry once on a fresh one
          if (
            attempt === 0 &&
            r.reusedSocket &&
            RETRYABLE_SOCKET_ERRORS.has(err.code ?? '') &&
            !req.signal?.aborted
          ) {
            send(1).then(resolve, reject);
            return;
          }
          reject(err);
        });
        r.end(req.body);
      });
    return send(0);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    const res = await this.open(req, false);
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', resolve);
      res.on('error', reject);
      res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })));
    });
    return {
      status: res.statusCode ?? 0,
      headers: flatHeaders(res.headers),
      body: Buffer.concat(chunks).toString('utf8'),
    };
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const res = await this.open(req, true);
    res.setEncoding('utf8');
    return { status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: res };
  }

  socketStats(): SocketStats {
    const b = this.resolved;
    if (!b) return { active: 0, idle: 0, queued: 0, streams: 0, streamsIdle: 0 };
    return {
      active: countSockets(b.agent.sockets),
      idle: countSockets(b.agent.freeSockets),
      queued: countSockets(b.agent.requests),
      streams: countSockets(b.streamAgent.sockets),
      streamsIdle: countSockets(b.streamAgent.freeSockets),
    };
  }

  close(): void {
    this.closed = true;
    this.resolved?.agent.destroy();
    this.resolved?.streamAgent.destroy();
  }
}
