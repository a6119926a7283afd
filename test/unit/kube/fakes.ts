import { PassThrough } from 'node:stream';
import type { Clock } from '../../../engine/kube/clock.ts';
import { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type {
  SocketStats,
  Transport,
  TransportRequest,
  TransportResponse,
  TransportStream,
} from '../../../engine/kube/transport.ts';

export interface FakeResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  subresources?: string[];
}

export const CONFIGMAP: FakeResource = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  kind: 'ConfigMap',
  namespaced: true,
};
export const NAMESPACE: FakeResource = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  kind: 'Namespace',
  namespaced: false,
};
export const WIDGET: FakeResource = {
  group: 'test.kubify.io',
  version: 'v1',
  resource: 'widgets',
  kind: 'Widget',
  namespaced: true,
  subresources: ['status'],
};

/** An aggregated discovery document (apidiscovery.k8s.io/v2) for `resources` of `core` or not. */
export function aggregated(resources: FakeResource[], core: boolean): string {
  const groups = new Map<string, Map<string, FakeResource[]>>();
  for (const r of resources) {
    if ((r.group === '') !== core) continue;
    const versions = groups.get(r.group) ?? new Map<string, FakeResource[]>();
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
    groups.set(r.group, versions);
  }
  return JSON.stringify({
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    items: [...groups].map(([group, versions]) => ({
      metadata: { name: group },
      versions: [...versions].map(([version, rs]) => ({
        version,
        resources: rs.map((r) => ({
          resource: r.resource,
          responseKind: { group: '', version: '', kind: r.kind },
          scope: r.namespaced ? 'Namespaced' : 'Cluster',
          singularResource: r.kind.toLowerCase(),
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
          subresources: (r.subresources ?? []).map((s) => ({ subresource: s, verbs: ['get', 'patch'] })),
        })),
      })),
    })),
  });
}

export type Responder = (req: TransportRequest) => TransportResponse | Promise<TransportResponse>;

export const json = (
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): TransportResponse => ({
  status,
  headers,
  body: JSON.stringify(body),
});

export const status = (
  code: number,
  reason: string,
  message: string,
  extra: Record<string, unknown> = {},
): TransportResponse =>
  json(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, ...extra });

/** A watch the test writes to: `send` events, `end` it cleanly, or `fail` it. */
export class FakeWatch {
  readonly body = new PassThrough({ encoding: 'utf8' });
  constructor(readonly req: TransportRequest) {}
  send(type: string, object: unknown): void {
    this.body.write(`${JSON.stringify({ type, object })}\n`);
  }
  end(): void {
    this.body.end();
  }
  fail(message = 'connection reset'): void {
    this.body.destroy(Object.assign(new Error(message), { code: 'ECONNRESET' }));
  }
}

/**
 * Scripted transport: discovery answered from `resources`, other requests by `respond`, and
 * watches handed to `onWatch` (or queued in `watches`) so the test drives them.
 */
export class FakeTransport implements Transport {
  readonly requests: TransportRequest[] = [];
  readonly watches: FakeWatch[] = [];
  respond: Responder = () => status(404, 'NotFound', 'not scripted');
  /** Status for the next stream requests (e.g. 410 or 403), consumed in order. */
  streamStatuses: TransportResponse[] = [];
  private watchWaiters: ((w: FakeWatch) => void)[] = [];
  private taken = 0;

  constructor(public resources: FakeResource[] = [CONFIGMAP, NAMESPACE, WIDGET]) {}

  request(req: TransportRequest): Promise<TransportResponse> {
    this.requests.push(req);
    if (req.path === '/api') return Promise.resolve(json(200, JSON.parse(aggregated(this.resources, true))));
    if (req.path === '/apis')
      return Promise.resolve(json(200, JSON.parse(aggregated(this.resources, false))));
    return Promise.resolve().then(() => this.respond(req));
  }

  stream(req: TransportRequest): Promise<TransportStream> {
    this.requests.push(req);
    const scripted = this.streamStatuses.shift();
    if (scripted) {
      const body = new PassThrough({ encoding: 'utf8' });
      body.end(scripted.body);
      return Promise.resolve({ status: scripted.status, headers: scripted.headers, body });
    }
    const w = new FakeWatch(req);
    this.watches.push(w);
    const waiter = this.watchWaiters.shift();
    if (waiter) {
      this.taken++;
      waiter(w);
    }
    return Promise.resolve({ status: 200, headers: {}, body: w.body });
  }

  /** Resolves with the oldest watch not yet taken, waiting for one to open if needed. */
  nextWatch(): Promise<FakeWatch> {
    const ready = this.watches[this.taken];
    if (ready) {
      this.taken++;
      return Promise.resolve(ready);
    }
    return new Promise((resolve) => this.watchWaiters.push(resolve));
  }

  paths(method?: string): string[] {
    return this.requests.filter((r) => !method || r.method === method).map((r) => r.path);
  }

  socketStats(): SocketStats {
    return { active: 0, idle: 0, queued: 0, streams: 0, streamsIdle: 0 };
  }

  close(): void {}
}

export function fakeClient(
  transport = new FakeTransport(),
  options: Partial<ConstructorParameters<typeof HttpKubeClient>[0]> = {},
) {
  return { transport, client: new HttpKubeClient({ transport, logger: silentLogger, ...options }) };
}

/** A clock the test advances by hand; sleepers wake in deadline order. */
export class FakeClock implements Clock {
  private t = 1_700_000_000_000;
  private timers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = (): void => {
        this.timers = this.timers.filter((x) => x !== timer);
        resolve();
      };
      const timer = {
        at: this.t + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Moves time forward in small steps, letting woken code run between steps. */
  async advance(ms: number, stepMs = 50): Promise<void> {
    const end = this.t + ms;
    while (this.t < end) {
      this.t = Math.min(end, this.t + stepMs);
      const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at);
      this.timers = this.timers.filter((x) => x.at > this.t);
      for (const d of due) d.resolve();
      await settle();
    }
  }
}

/** Lets pending promise chains and immediates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
