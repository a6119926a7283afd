import http from 'node:http';
import https from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
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
}

interface Base {
  url: URL;
  pathPrefix: string;
  headers: Record<string, string>;
  dynamicAuth: boolean;
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

/**
 * node:https transport: TLS material and credentials from a client-node KubeConfig, one keep-alive
 * agent (bounded maxSockets) for requests and one for long-lived streams (watches), so a hundred
 * watches never starve ordinary requests and a restarted watch never leaks its socket.
 */
export class HttpsTransport implements Transport {
  private base: Promise<Base> | undefined;
  private resolved: Base | undefined;
  private closed = false;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly options: HttpsTransportOptions = {},
  ) {}

  private async init(): Promise<Base> {
    const cluster = this.kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('kubeconfig has no current cluster');
    const user = this.kubeConfig.getCurrentUser();
    const opts: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const url = new URL(cluster.server);
    const secure = url.protocol === 'https:';
    const agentOptions: https.AgentOptions = {
      keepAlive: true,
      keepAliveMsecs: 30_000,
      scheduling: 'lifo',
      timeout: this.options.idleSocketTimeoutMs ?? 60_000,
      ca: opts.ca,
      cert: opts.cert,
      key: opts.key,
      pfx: opts.pfx,
      passphrase: opts.passphrase,
      servername: opts.servername,
      rejectUnauthorized: opts.rejectUnauthorized,
    };
    const make = (maxSockets: number): http.Agent =>
      secure
        ? new https.Agent({ ...agentOptions, maxSockets, maxFreeSockets: maxSockets })
        : new http.Agent({
            keepAlive: true,
            timeout: agentOptions.timeout,
            maxSockets,
            maxFreeSockets: maxSockets,
          });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (typeof v === 'string') headers[k] = v;
      else if (Array.isArray(v)) headers[k] = v.join(', ');
      else if (typeof v === 'number') headers[k] = String(v);
    }
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return {
      url,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
      headers,
      dynamicAuth: Boolean(user?.exec ?? user?.authProvider),
      agent: make(this.options.maxSockets ?? 16),
      streamAgent: make(Infinity),
      secure,
    };
  }

  private ensure(): Promise<Base> {
    if (this.closed) return Promise.reject(new Error('transport closed'));
    this.base ??= this.init().then(
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
        this.base = undefined; // e.g. an exec credential plugin failed: try again next request
        throw err;
      },
    );
    return this.base;
  }

  private async headersFor(base: Base): Promise<Record<string, string>> {
    if (!base.dynamicAuth) return base.headers;
    // exec and auth-provider credentials expire: ask client-node each time (it caches tokens)
    const opts: https.RequestOptions = { headers: {} };
    await this.kubeConfig.applyToHTTPSOptions(opts);
    const headers = { ...base.headers };
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
    return headers;
  }

  private async open(req: TransportRequest, stream: boolean): Promise<IncomingMessage> {
    const base = await this.ensure();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      ...(await this.headersFor(base)),
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
        });
        let responded = false;
        r.setTimeout(req.timeoutMs ?? this.options.requestTimeoutMs ?? 30_000, () => {
          r.destroy(
            Object.assign(new Error(`no response data for ${req.timeoutMs ?? 30_000}ms`), {
              code: 'ETIMEDOUT',
            }),
          );
        });
        r.on('response', (res) => {
          responded = true;
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
