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
import { errorFromStatus, KubeError, networkError, parseStatus, type RequestContext } from './errors.ts';
import { stderrLogger, type KubeLogger } from './logger.ts';
import { resourceLabel, resourcePath, withQuery } from './paths.ts';
import { RestMapper, type RestMapperOptions } from './rest-mapper.ts';
import { labelSelectorString } from './selectors.ts';
import type { HttpMethod, SocketStats, Transport, TransportRequest, TransportResponse } from './transport.ts';
import type { KubeObject, KubeStatus, ObjectList, ObjectRef, ResourceMapping, WatchEvent } from './types.ts';
import { LineDecoder } from './watch-decoder.ts';

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
}

const CONTENT_TYPES = {
  apply: 'application/apply-patch+yaml',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
} as const;

function withoutManagedFields(obj: KubeObject): KubeObject {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** The KubeClient over any Transport (node:https in production, fakes in unit tests). */
export class HttpKubeClient implements KubeClient {
  readonly mapper: RestMapper;
  readonly defaultNamespace: string;
  private readonly transport: Transport;
  private readonly fieldManager: string;
  private readonly onRequest: (record: RequestRecord) => void;
  private readonly onWarning: (warning: string, request: RequestContext) => void;
  private readonly logger: KubeLogger;
  private readonly maxThrottleRetries: number;

  constructor(options: HttpKubeClientOptions) {
    this.transport = options.transport;
    this.defaultNamespace = options.defaultNamespace ?? 'default';
    this.fieldManager = options.fieldManager ?? 'kubify';
    this.logger = options.logger ?? stderrLogger;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 3;
    const onRequest = options.onRequest;
    this.onRequest = onRequest
      ? (r) => {
          try {
            onRequest(r);
          } catch (err) {
            this.logger.warn('onRequest hook threw', { error: String(err) });
          }
        }
      : () => {};
    this.onWarning = options.onWarning ?? ((w, r) => this.logger.debug('API warning', { warning: w, ...r }));
    this.mapper = new RestMapper(
      () =>
        discover(async (path, accept) =>
          this.send(
            { verb: 'get', resource: 'discovery' },
            { method: 'GET', path, headers: { Accept: accept } },
            false,
          ),
        ),
      options.mapper,
    );
  }

  private async send(
    ctx: RequestContext,
    req: TransportRequest,
    check = true,
    dryRun?: boolean,
  ): Promise<TransportResponse> {
    for (let attempt = 0; ; attempt++) {
      const t0 = performance.now();
      let res: TransportResponse;
      try {
        res = await this.transport.request(req);
      } catch (err) {
        this.onRequest({
          ...ctx,
          code: 0,
          durationMs: performance.now() - t0,
          ...(dryRun ? { dryRun } : {}),
        });
        if (req.signal?.aborted) throw err;
        throw networkError(err, ctx);
      }
      this.onRequest({
        ...ctx,
        code: res.status,
        durationMs: performance.now() - t0,
        ...(dryRun ? { dryRun } : {}),
      });
      const warning = res.headers.warning;
      if (warning) this.onWarning(warning, ctx);
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

  private namespaceFor(m: ResourceMapping, namespace: string | undefined): string | undefined {
    return m.namespaced ? namespace || this.defaultNamespace : undefined;
  }

  private async json<T>(
    ctx: RequestContext,
    method: HttpMethod,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    signal?: AbortSignal,
    dryRun?: boolean,
  ): Promise<T> {
    const req: TransportRequest = { method, path, ...(signal ? { signal } : {}) };
    if (body !== undefined) {
      req.body = JSON.stringify(body);
      req.headers = { 'Content-Type': contentType };
    }
    const res = await this.send(ctx, req, true, dryRun);
    return JSON.parse(res.body) as T;
  }

  private async target(ref: { apiVersion: string; kind: string; namespace?: string | undefined }) {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    return { m, namespace: this.namespaceFor(m, ref.namespace) };
  }

  private writeQuery(o: WriteOptions, extra: Record<string, string | boolean | undefined> = {}) {
    return {
      fieldManager: o.fieldManager ?? this.fieldManager,
      dryRun: o.dryRun ? 'All' : undefined,
      fieldValidation: o.fieldValidation,
      ...extra,
    };
  }

  private async applyTo<T extends KubeObject = KubeObject>(
    obj: KubeObject,
    o: ApplyOptions,
    subresource?: string,
  ): Promise<T> {
    const name = obj.metadata?.name;
    if (!name)
      throw new KubeError(`apply ${obj.kind}: metadata.name is required`, { status: 0, reason: 'Invalid' });
    const { m, namespace } = await this.target({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata.namespace,
    });
    const ctx = {
      verb: 'apply',
      resource: resourceLabel(m, subresource),
      name,
      ...(namespace ? { namespace } : {}),
    };
    const path = withQuery(
      resourcePath(m, namespace, name, subresource),
      this.writeQuery(o, { force: o.force ?? true }),
    );
    return this.json<T>(
      ctx,
      'PATCH',
      path,
      withoutManagedFields(obj),
      CONTENT_TYPES.apply,
      o.signal,
      o.dryRun,
    );
  }

  apply<T extends KubeObject = KubeObject>(obj: KubeObject, options: ApplyOptions = {}): Promise<T> {
    return this.applyTo(obj, options);
  }

  applyStatus<T extends KubeObject = KubeObject>(obj: KubeObject, options: ApplyOptions = {}): Promise<T> {
    return this.applyTo(obj, options, 'status');
  }

  async get<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options: { signal?: AbortSignal } = {},
  ): Promise<T> {
    const { m, namespace } = await this.target(ref);
    const ctx = {
      verb: 'get',
      resource: resourceLabel(m),
      name: ref.name,
      ...(namespace ? { namespace } : {}),
    };
    return this.json<T>(
      ctx,
      'GET',
      resourcePath(m, namespace, ref.name),
      undefined,
      undefined,
      options.signal,
    );
  }

  async find<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options: { signal?: AbortSignal } = {},
  ): Promise<T | undefined> {
    try {
      return await this.get<T>(ref, options);
    } catch (err) {
      if (err instanceof KubeError && err.status === 404 && err.reason !== 'NoMatch') return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: ListOptions = {},
  ): Promise<ObjectList<T>> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const namespace = m.namespaced ? ref.namespace : undefined;
    const ctx = { verb: 'list', resource: resourceLabel(m), ...(namespace ? { namespace } : {}) };
    const path = withQuery(resourcePath(m, namespace), {
      labelSelector: labelSelectorString(ref.labelSelector),
      fieldSelector: ref.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
    });
    const list = await this.json<ObjectList<T>>(ctx, 'GET', path, undefined, undefined, options.signal);
    list.items ??= [];
    for (const item of list.items) {
      // list items carry no apiVersion/kind; the shared strings cost nothing per object
      item.apiVersion = m.apiVersion;
      item.kind = m.kind;
    }
    list.metadata ??= { resourceVersion: '' };
    return { items: list.items, metadata: list.metadata };
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
    const { m, namespace } = await this.target({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata?.namespace,
    });
    const ctx = {
      verb: 'create',
      resource: resourceLabel(m),
      name: obj.metadata?.name ?? '',
      ...(namespace ? { namespace } : {}),
    };
    const path = withQuery(resourcePath(m, namespace), this.writeQuery(options));
    return this.json<T>(ctx, 'POST', path, obj, undefined, options.signal, options.dryRun);
  }

  async update<T extends KubeObject = KubeObject>(
    obj: KubeObject,
    options: WriteOptions & { subresource?: string } = {},
  ): Promise<T> {
    const name = obj.metadata?.name ?? '';
    const { m, namespace } = await this.target({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: obj.metadata?.namespace,
    });
    const ctx = {
      verb: 'update',
      resource: resourceLabel(m, options.subresource),
      name,
      ...(namespace ? { namespace } : {}),
    };
    const path = withQuery(resourcePath(m, namespace, name, options.subresource), this.writeQuery(options));
    return this.json<T>(ctx, 'PUT', path, obj, undefined, options.signal, options.dryRun);
  }

  async patch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    options: PatchOptions = {},
  ): Promise<T> {
    const { m, namespace } = await this.target(ref);
    const ctx = {
      verb: 'patch',
      resource: resourceLabel(m, options.subresource),
      name: ref.name,
      ...(namespace ? { namespace } : {}),
    };
    const path = withQuery(
      resourcePath(m, namespace, ref.name, options.subresource),
      this.writeQuery(options),
    );
    return this.json<T>(
      ctx,
      'PATCH',
      path,
      patch,
      CONTENT_TYPES[options.type ?? 'merge'],
      options.signal,
      options.dryRun,
    );
  }

  async delete<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options: DeleteOptions = {},
  ): Promise<DeleteResult<T>> {
    const { m, namespace } = await this.target(ref);
    const ctx = {
      verb: 'delete',
      resource: resourceLabel(m),
      name: ref.name,
      ...(namespace ? { namespace } : {}),
    };
    const preconditions =
      options.uid || options.resourceVersion
        ? {
            ...(options.uid ? { uid: options.uid } : {}),
            ...(options.resourceVersion ? { resourceVersion: options.resourceVersion } : {}),
          }
        : undefined;
    const body = {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      ...(preconditions ? { preconditions } : {}),
      ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
      ...(options.dryRun ? { dryRun: ['All'] } : {}),
    };
    try {
      const res = await this.json<T | { kind: 'Status' }>(
        ctx,
        'DELETE',
        resourcePath(m, namespace, ref.name),
        body,
        undefined,
        options.signal,
        options.dryRun,
      );
      if (res.kind === 'Status') return { outcome: 'deleted' };
      const obj = res as T;
      const pending = Boolean(obj.metadata?.deletionTimestamp) && (obj.metadata.finalizers?.length ?? 0) > 0;
      return { outcome: pending ? 'terminating' : 'deleted', object: obj };
    } catch (err) {
      if (err instanceof KubeError && err.status === 404 && err.reason !== 'NoMatch')
        return { outcome: 'notFound' };
      throw err;
    }
  }

  async watch<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<void> {
    const m = await this.mapper.mapping(ref.apiVersion, ref.kind);
    const namespace = m.namespaced ? ref.namespace : undefined;
    const ctx = { verb: 'watch', resource: resourceLabel(m), ...(namespace ? { namespace } : {}) };
    const path = withQuery(resourcePath(m, namespace), {
      watch: 1,
      labelSelector: labelSelectorString(ref.labelSelector),
      fieldSelector: ref.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? 'true' : undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
    // nothing at all (not even a bookmark) for this long means a dead connection
    const idleMs = ((options.timeoutSeconds ?? 1800) + 60) * 1000;
    await this.openStream(
      ctx,
      { method: 'GET', path, timeoutMs: idleMs, ...(options.signal ? { signal: options.signal } : {}) },
      (line) => {
        const event = JSON.parse(line) as { type: string; object: T & KubeStatus };
        if (event.type === 'ERROR') throw errorFromStatus(500, event.object, ctx);
        if (event.type !== 'BOOKMARK') {
          event.object.apiVersion ??= m.apiVersion;
          event.object.kind ??= m.kind;
        }
        onEvent(event as WatchEvent<T>);
      },
    );
  }

  async request(req: RawRequest): Promise<RawResponse> {
    const ctx = { verb: 'raw', resource: req.path.split('?')[0] ?? req.path };
    const res = await this.send(ctx, this.rawToTransport(req));
    return res;
  }

  stream(req: RawRequest, onChunk: (text: string) => void): Promise<void> {
    const ctx = { verb: 'raw', resource: req.path.split('?')[0] ?? req.path };
    return this.openStream(ctx, this.rawToTransport(req), onChunk, true);
  }

  private rawToTransport(req: RawRequest): TransportRequest {
    const t: TransportRequest = { method: req.method, path: req.path, headers: { ...req.headers } };
    if (req.body !== undefined) {
      t.body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      t.headers = { 'Content-Type': 'application/json', ...req.headers };
    }
    if (req.signal) t.signal = req.signal;
    if (req.timeoutMs !== undefined) t.timeoutMs = req.timeoutMs;
    return t;
  }

  /** Opens a stream and feeds it to `onData` line by line (or chunk by chunk when `raw`). */
  private async openStream(
    ctx: RequestContext,
    req: TransportRequest,
    onData: (text: string) => void,
    raw = false,
  ): Promise<void> {
    const t0 = performance.now();
    let stream;
    try {
      stream = await this.transport.stream(req);
    } catch (err) {
      this.onRequest({ ...ctx, code: 0, durationMs: performance.now() - t0 });
      if (req.signal?.aborted) return;
      throw networkError(err, ctx);
    }
    this.onRequest({ ...ctx, code: stream.status, durationMs: performance.now() - t0 });
    const body = stream.body;
    if (stream.status < 200 || stream.status >= 300) {
      let text = '';
      for await (const chunk of body) text += String(chunk);
      throw errorFromStatus(stream.status, parseStatus(text), ctx, stream.headers['retry-after']);
    }
    const decoder = new LineDecoder();
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: unknown): void => {
        if (settled) return;
        settled = true;
        req.signal?.removeEventListener('abort', onAbort);
        body.destroy();
        if (err === undefined || req.signal?.aborted) resolve();
        else reject(err instanceof KubeError ? err : networkError(err, ctx));
      };
      const onAbort = (): void => finish();
      req.signal?.addEventListener('abort', onAbort, { once: true });
      if (req.signal?.aborted) return finish();
      body.on('data', (chunk: string | Buffer) => {
        if (settled) return;
        try {
          if (raw) onData(String(chunk));
          else decoder.push(String(chunk), onData);
        } catch (err) {
          finish(err);
        }
      });
      body.on('end', () => {
        try {
          if (!raw) decoder.flush(onData);
          finish();
        } catch (err) {
          finish(err);
        }
      });
      body.on('error', (err) => finish(err));
      body.on('close', () => finish(new Error('connection closed before the stream ended')));
    });
  }

  socketStats(): SocketStats {
    return this.transport.socketStats();
  }

  close(): void {
    this.transport.close();
  }
}
