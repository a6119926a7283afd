import type { RestMapper } from './rest-mapper.ts';
import type { HttpMethod, SocketStats } from './transport.ts';
import type { KubeObject, ObjectList, ObjectRef, WatchEvent } from './types.ts';

/** One finished HTTP exchange, for metrics and request counting. `code` is 0 when no response came. */
export interface RequestRecord {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `apply`, `delete`, `raw`. */
  verb: string;
  /** `deployments.apps`, `configmaps`, `leases.coordination.k8s.io`, `.../status`, `discovery`. */
  resource: string;
  namespace?: string;
  code: number;
  /** Until the full body arrived (until the headers, for watches and streams). */
  durationMs: number;
  dryRun?: boolean;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  /** Defaults to the client's field manager (`kubify`). */
  fieldManager?: string;
  dryRun?: boolean;
  fieldValidation?: FieldValidation;
  signal?: AbortSignal;
}

export interface ApplyOptions extends WriteOptions {
  /** Take ownership of fields other managers own. Default true (a controller's apply). */
  force?: boolean;
}

export type PatchType = 'merge' | 'json' | 'strategic';

export interface PatchOptions extends WriteOptions {
  /** Default `merge` (RFC 7386); `json` takes an RFC 6902 operation list. */
  type?: PatchType;
  subresource?: string;
}

export interface DeleteOptions {
  /** Delete only if the object still has this UID (else ConflictError). */
  uid?: string;
  resourceVersion?: string;
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  gracePeriodSeconds?: number;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface DeleteResult<T extends KubeObject = KubeObject> {
  /** `notFound`: it was already gone; `terminating`: finalizers or grace period still pending. */
  outcome: 'deleted' | 'terminating' | 'notFound';
  object?: T;
}

export type LabelSelector = string | Record<string, string>;

export interface CollectionRef {
  apiVersion: string;
  kind: string;
  /** Absent: all namespaces (for namespaced kinds). */
  namespace?: string;
  labelSelector?: LabelSelector;
  fieldSelector?: string;
}

export interface ListOptions {
  /** Page size; with `list` one page is returned, `listAll` follows `continue`. */
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: 'Exact' | 'NotOlderThan';
  signal?: AbortSignal;
}

export interface WatchOptions {
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  /** Server-side timeout; the server ends the watch cleanly after it. */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export interface RawRequest {
  method: HttpMethod;
  /** Path with query, e.g. `/api/v1/namespaces/a/pods/p/log?container=c`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | object;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/**
 * The one way kubify talks to the API server. Methods throw the typed errors of `errors.ts`
 * (NotFoundError, ConflictError, GoneError, ForbiddenError, InvalidError, UnavailableError,
 * NoMatchError, ...).
 */
export interface KubeClient {
  readonly mapper: RestMapper;
  /** The namespace used for namespaced objects that name none (kubeconfig context or `default`). */
  readonly defaultNamespace: string;
  /** Server-side apply of `obj` (fieldManager `kubify`, force by default). */
  apply<T extends KubeObject = KubeObject>(obj: KubeObject, options?: ApplyOptions): Promise<T>;
  /** Server-side apply of `obj.status` to the `/status` subresource. */
  applyStatus<T extends KubeObject = KubeObject>(obj: KubeObject, options?: ApplyOptions): Promise<T>;
  get<T extends KubeObject = KubeObject>(ref: ObjectRef, options?: { signal?: AbortSignal }): Promise<T>;
  /** Like get, but `undefined` instead of NotFoundError. */
  find<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options?: { signal?: AbortSignal },
  ): Promise<T | undefined>;
  /** One page (all of it when the server does not paginate). */
  list<T extends KubeObject = KubeObject>(ref: CollectionRef, options?: ListOptions): Promise<ObjectList<T>>;
  /** Every page, `options.limit` (default 500) objects at a time. */
  listAll<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options?: ListOptions,
  ): Promise<ObjectList<T>>;
  create<T extends KubeObject = KubeObject>(obj: KubeObject, options?: WriteOptions): Promise<T>;
  /** PUT; `metadata.resourceVersion` makes it conditional (ConflictError when stale). */
  update<T extends KubeObject = KubeObject>(
    obj: KubeObject,
    options?: WriteOptions & { subresource?: string },
  ): Promise<T>;
  patch<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    patch: unknown,
    options?: PatchOptions,
  ): Promise<T>;
  delete<T extends KubeObject = KubeObject>(
    ref: ObjectRef,
    options?: DeleteOptions,
  ): Promise<DeleteResult<T>>;
  /**
   * Streams watch events until the server ends the watch (resolves), the signal aborts (resolves),
   * or an error happens (rejects; an ERROR event becomes the matching typed error, 410 a GoneError).
   */
  watch<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): Promise<void>;
  /** Any request; throws the typed error on a non-2xx status. */
  request(req: RawRequest): Promise<RawResponse>;
  /** Any streaming request (e.g. `logs --follow`); calls `onChunk` until the stream ends. */
  stream(req: RawRequest, onChunk: (text: string) => void): Promise<void>;
  socketStats(): SocketStats;
  /** Closes idle and active connections; the client is unusable afterwards. */
  close(): void;
}
