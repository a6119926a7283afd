import { performance } from 'node:perf_hooks';
import type {
  ApplyOptions,
  CollectionRef,
  DeleteOptions,
  DeleteResult,
  KubeClient,
  ListOptions,
  PatchOptions,
  RawRequest,
  RawResponse,
  RequestRecord,
  WatchOptions,
  WriteOptions,
} from './client.ts';
import { discover } from './discovery.ts';
import { NotLeaderError, type WriteFence } from './fence.ts';
import { errorFromStatus, KubeError, networkError, parseStatus, type RequestContext } from './errors.ts';
import { stderrLogger, type KubeLogger } from './logger.ts';
import { resourceLabel, resourcePath, withQuery } from './paths.ts';
import { RestMapper, type RestMapperOptions } from './rest-mapper.ts';
import { labelSelectorString } from './selectors.ts';
import { readStream } from './stream-reader.ts';
import type { HttpMethod, SocketStats, Transport, TransportRequest, TransportResponse } from './transport.ts';
import type { KubeObject, KubeStatus, ObjectList, ObjectRef, ResourceMapping, WatchEvent } from './types.ts';

export interface HttpKubeClientOptions {
  transport: Transport;
  /** Namespace for namespaced objects that name none. Default `default`. */
  defaultNamespace?: string;
  /** Default `kubify`. */
  fieldManager?: string;
  /** Called once per HTTP exchange (metrics, request counting). Must not throw. */
  onRequest?: (record: RequestRecord) => void;
  /** `Warning` headers of responses (deprecations, `fieldValidation=Warn` findings). */
  onWarning?: (warning: string, request: RequestContext) => void;
  logger?: KubeLogger;
  mapper?: RestMapperOptions;
  /** Retries of 429 responses (honouring Retry-After, capped at 5s). Default 3. */
  maxThrottleRetries?: number;
  /**
   * Asked before every write (any method but GET) and again when it gets its connection; a refusal
   * fails the write with NotLeaderError without sending it. See LeaseFence.
   */
  writeFence?: WriteFence;
}

const CONTENT_TYPES = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

type Query = Record<string, string | number | boolean | undefined>;

/** A resolved request target: where it goes and how it is labelled. */
interface Target {
  m: ResourceMapping;
  namespace: string | undefined;
  ctx: RequestContext;
  path: string;
}

interface CallOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal | undefined;
  dryRun?: boolean | undefined;
}

function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

const isNotFoundObject = (err: unknown): boolean =>
  err instanceof KubeError && err.status === 404 && err.reason !== 'NoMatch';

/** The KubeClient over any Transport (node:https in production, fakes in unit tests). */
export class HttpKubeClient implements KubeClient {
  readonly mapper: RestMapper;
  readonly defaultNamespace: string;
  private readonly transport: Transport;
  private readonly fieldManager: string;
  private readonly hook: ((record: RequestRecord) => void) | undefined;
  private readonly onWarning: (warning: string, request: RequestContext) => void;
  private readonly logger: KubeLogger;
  private readonly maxThrottleRetries: number;
  private fence: WriteFence | undefined;

  constructor(options: HttpKubeClientOptions) {
    this.transport = options.transport;
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    this.fieldManager = options.fieldManager ?? 'kubify';
    this.logger = options.logger ?? stderrLogger;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 3;
    this.hook = options.onRequest;
    this.fence = options.writeFence;
    this.onWarning = options.onWarning ?? ((w, r) => this.logger.debug('API warning', { warning: w, ...r }));
    const discoveryCtx = { verb: 'get', resource: 'discovery' };
    this.mapper = new RestMapper(
      () =>
        discover((path, accept) =>
          this.send(discoveryCtx, { method: 'GET', path, headers: { Accept: accept } }, false),
        ),
      options.mapper,
    );
  }

  private record(ctx: RequestContext, code: number, t0: number, dryRun?: boolean): void {
    if (!this.hook) return;
    try {
      this.hook({ ...ctx, code, durationMs: performance.now() - t0, ...(dryRun ? { dryRun } : {}) });
    } catch (err) {
      this.logger.warn('onRequest hook threw', { error: String(err) });
    }
  }

  /** One request with accounting, 429 retries and (when `check`) typed errors for non-2xx. */
  private async send(
    ctx: RequestContext,
    req: TransportRequest,
    check = true,
    dryRun?: boolean,
  ): Promise<TransportResponse> {
    const fence = req.method === 'GET' ? undefined : this.fence;
    if (fence) req = { ...req, guard: () => fence.check(ctx) };
    for (let attempt = 0; ; attempt++) {
      const refused = fence?.check(ctx);
      if (refused) throw refused;
      const t0 = performance.now();
      let res: TransportResponse;
      try {
        res = await this.transport.request(req);
      } catch (err) {
        if (err instanceof NotLeaderError) throw err;
        this.record(ctx, 0, t0, dryRun);
        if (req.signal?.aborted) throw err;
        throw networkError(err, ctx);
      }
      this.record(ctx, res.status, t0, dryRun);
      if (res.headers.warning) this.onWarning(res.headers.warning, ctx);
      if (res.status === 429 && attempt < this.maxThrottleRetries && !req.signal?.aborted) {
        const after = Number(res.headers['retry-after'] ?? '1');
        await new Promise((r) => setTimeout(r, Math.min(5_000, (Number.isFinite(after) ? after : 1) * 1000)));
        continue;
      }
      if (check && (res.status < 200 || res.status >= 300)) {
        throw errorFromStatus(res.status, parseStatus(res.body), ctx, res.headers['retry-after']);
      }
      return res;
    }
  }

  /** Resolves kind -> REST path. `name` undefined: the collection; a namespaced collection without namespace: all. */
  private async target(
    verb: string,
    ref: { apiVersion: string; kind: string; namespace?: string | undefined },
    name?: string,
    subresource?: string,
  ): Promise<Target> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const collectionVerb = verb === 'list' || verb === 'watch';
    const namespace = m.namespaced
      ? ref.namespace || (collectionVerb ? undefined : this.defaultNamespace)
      : undefined;
    const ctx: RequestContext = { verb, resource: resourceLabel(m, subresource) };
    if (namespace) ctx.namespace = namespace;
    if (name) ctx.name = name;
    return { m, namespace, ctx, path: resourcePath(m, namespace, name, subresource) };
  }

  private async call<T>(t: Target, method: HttpMethod, o: CallOptions = {}): Promise<T> {
    const req: TransportRequest = { method, path: withQuery(t.path, o.query ?? {}) };
    if (o.signal) req.signal = o.signal;
    if (o.body !== undefined) {
      req.body = JSON.stringify(o.body);
      req.headers = { 'Content-Type': o.contentType ?? 'application/json' };
    }
    const res = await this.send(t.ctx, req, true, o.dryRun);
    return JSON.parse(res.body) as T;
  }

  private writeQuery(o: WriteOptions): Query {
    return {
      fieldManager: o.fieldManager ?? this.fieldManager,
      dryRun: o.dryRun ? 'All' : undefined,
      fieldValidation: o.fieldValidation,
    };
  }

  private async applyTo<T extends KubeObject>(
    obj: KubeObject,
    o: ApplyOptions,
    subresource?: string,
  ): Promise<T> {
    const name = obj.metadata?.name;
    if (!name)
      throw new KubeError(`apply ${obj.kind}: metadata.name is required`, { status: 0, reason: 'Invalid' });
    const t = await this.target('apply', { ...obj, namespace: obj.metadata.namespace }, name, subresource);
    const query = { ...this.writeQuery(o), force: o.force ?? true };
    const body = withoutManagedFields(obj);
    return this.call<T>(t, 'PATCH', {
      query,
      body,
      contentType: CONTENT_TYPES.apply,
      signal: o.signal,
      dryRun: o.dryRun,
    });
  }

  apply<T extends KubeObject = KubeObject>(obj: KubeObject, options: ApplyOptions = {}): Promise<T> {
    return this.applyTo<T>(obj, options);
  }

  applyStatus<T extends KubeObject = KubeObject>(obj: KubeObject, options: ApplyOptions = {}): Promise<T> {
    return this.applyTo<T>(obj, options, 'status');
  }

  async get<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    return this.call<T>(await this.target('get', ref, ref.name), 'GET', { signal: options.signal });
  }

  async find<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options: { signal?: AbortSignal } = {},
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(ref, options);
    } catch (err) {
      if (isNotFoundObject(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const t = await this.target('list', ref);
    const query: Query = {
      labelSelector: labelSelectorString(ref.labelSelector),
      fieldSelector: ref.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
    };
    const list = await this.call<Partial<ObjectList<T>>>(t, 'GET', { query, signal: options.signal });
    const items = list.items ?? [];
    for (const item of items) {
      // list items carry no apiVersion/kind; the shared strings cost nothing per object
      item.apiVersion = t.m.apiVersion;
      item.kind = t.m.kind;
    }
    return { items, metadata: list.metadata ?? { resourceVersion: '' } };
  }

  async listAll<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const items: T[] = [];
    let cont: string | undefined = options.continue;
    for (;;) {
      const page: ObjectList<T> = await this.list<T>(ref, {
        ...options,
        limit: options.limit ?? 500,
        continue: cont,
      });
      for (const item of page.items) items.push(item);
      cont = page.metadata.continue || undefined;
      if (!cont) return { items, metadata: { resourceVersion: page.metadata.resourceVersion } };
    }
  }

  async create<T extends KubeObject = KubeObject>(obj: KubeObject, options: WriteOptions = {}): Promise<T> {
    const t = await this.target('create', { ...obj, namespace: obj.metadata?.namespace });
    if (obj.metadata?.name) t.ctx.name = obj.metadata.name;
    return this.call<T>(t, 'POST', {
      query: this.writeQuery(options),
      body: obj,
      signal: options.signal,
      dryRun: options.dryRun,
    });
  }

  async update<T extends KubeObject = KubeObject>(
    obj: KubeObject,
    options: WriteOptions & { subresource?: string } = {},
  ): Promise<T> {
    const t = await this.target(
      'update',
      { ...obj, namespace: obj.metadata?.namespace },
      obj.metadata?.name ?? '',
      options.subresource,
    );
    return this.call<T>(t, 'PUT', {
      query: this.writeQuery(options),
      body: obj,
      signal: options.signal,
      dryRun: options.dryRun,
    });
  }

  async patch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    const t = await this.target('patch', ref, ref.name, options.subresource);
    const contentType = CONTENT_TYPES[options.type ?? 'merge'];
    return this.call<T>(t, 'PATCH', {
      query: this.writeQuery(options),
      body: patch,
      contentType,
      signal: options.signal,
      dryRun: options.dryRun,
    });
  }

  async delete<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options: DeleteOptions = {},
  ): Promise<DeleteResult<T>> {
    const t = await this.target('delete', ref, ref.name);
    const preconditions: Record<string, string> = {};
    if (options.uid) preconditions.uid = options.uid;
    if (options.resourceVersion) preconditions.resourceVersion = options.resourceVersion;
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(Object.keys(preconditions).length ? { preconditions } : {}),
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.dryRun ? { dryRun: ['All'] } : {}),
    };
    try {
      const res = await this.call<KubeObject | KubeStatus>(t, 'DELETE', {
        body,
        signal: options.signal,
        dryRun: options.dryRun,
      });
      if (res.kind === 'Status') return { outcome: 'deleted' };
      const obj = res as T;
      const pending = Boolean(obj.metadata?.deletionTimestamp) && (obj.metadata.finalizers?.length ?? 0) > 0;
      return { outcome: pending ? 'terminating' : 'deleted', object: obj };
    } catch (err) {
      if (isNotFoundObject(err)) return { outcome: 'notFound' };
      throw err;
    }
  }

  async watch<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<void> {
    const t = await this.target('watch', ref);
    const path = withQuery(t.path, {
      watch: 1,
      labelSelector: labelSelectorString(ref.labelSelector),
      fieldSelector: ref.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
    // nothing at all (not even a bookmark) for this long means a dead connection
    const timeoutMs = ((options.timeoutSeconds ?? 1800) + 60) * 1000;
    const req: TransportRequest = { method: 'GET', path, timeoutMs };
    if (options.signal) req.signal = options.signal;
    await this.openStream(t.ctx, req, true, (line) => {
      const event = JSON.parse(line) as { type: string; object: T & KubeStatus };
      if (event.type === 'ERROR') throw errorFromStatus(500, event.object, t.ctx);
      if (event.type !== 'BOOKMARK') {
        event.object.apiVersion ??= t.m.apiVersion;
        event.object.kind ??= t.m.kind;
      }
      onEvent(event as WatchEvent<T>);
    });
  }

  request(req: RawRequest): Promise<RawResponse> {
    return this.send({ verb: 'raw', resource: req.path.split('?')[0] ?? req.path }, this.raw(req));
  }

  stream(req: RawRequest, onChunk: (text: string) => void): Promise<void> {
    return this.openStream(
      { verb: 'raw', resource: req.path.split('?')[0] ?? req.path },
      this.raw(req),
      false,
      onChunk,
    );
  }

  private raw(req: RawRequest): TransportRequest {
    const t: TransportRequest = { method: req.method, path: req.path, headers: { ...req.headers } };
    if (req.body !== undefined) {
      t.body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      t.headers = { 'Content-Type': 'application/json', ...req.headers };
    }
    if (req.signal) t.signal = req.signal;
    if (req.timeoutMs !== undefined) t.timeoutMs = req.timeoutMs;
    return t;
  }

  private async openStream(
    ctx: RequestContext,
    req: TransportRequest,
    lines: boolean,
    onData: (text: string) => void,
  ): Promise<void> {
    const t0 = performance.now();
    const refused = req.method === 'GET' ? undefined : this.fence?.check(ctx);
    if (refused) throw refused;
    let stream;
    try {
      stream = await this.transport.stream(req);
    } catch (err) {
      this.record(ctx, 0, t0);
      if (req.signal?.aborted) return;
      throw networkError(err, ctx);
    }
    this.record(ctx, stream.status, t0);
    if (stream.status < 200 || stream.status >= 300) {
      let text = '';
      for await (const chunk of stream.body) text += String(chunk);
      throw errorFromStatus(stream.status, parseStatus(text), ctx, stream.headers['retry-after']);
    }
    try {
      await readStream(stream.body, onData, { lines, ...(req.signal ? { signal: req.signal } : {}) });
    } catch (err) {
      throw err instanceof KubeError ? err : networkError(err, ctx);
    }
  }

  /**
   * The same client (connections, mapper, hooks) without the write fence: for the leader elector's
   * own Lease writes, which must go out exactly when the fence is down.
   */
  unfenced(): HttpKubeClient {
    if (!this.fence) return this;
    const view = Object.create(this) as HttpKubeClient;
    view.fence = undefined;
    return view;
  }

  socketStats(): SocketStats {
    return this.transport.socketStats();
  }

  close(): void {
    this.transport.close();
  }
}
