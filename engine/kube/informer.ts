import { Backoff, type BackoffOptions } from './backoff.ts';
import type { CollectionRef, KubeClient } from './client.ts';
import { systemClock, type Clock } from './clock.ts';
import { isConnectionRefused, isGone } from './errors.ts';
import { errorFields, stderrLogger, type KubeLogger } from './logger.ts';
import { labelSelectorString } from './selectors.ts';
import { Store, type ReadonlyStore } from './store.ts';
import { objectKey, type KubeObject, type WatchEvent } from './types.ts';

export interface InformerHandlers<T extends KubeObject> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  /** The last state seen (from the watch, or the cache when a relist found the object gone). */
  onDelete?(obj: T): void;
}

/** Reshapes each object before it is cached, e.g. `stripManagedFields`. May mutate its argument. */
export type Transform<T extends KubeObject> = (obj: KubeObject) => T;

/** What an informer needs of a client (so tests can wrap a real one to inject faults). */
export type ListWatchClient = Pick<KubeClient, 'list' | 'watch'>;

export interface InformerOptions<T extends KubeObject> extends CollectionRef {
  client: ListWatchClient;
  transform?: Transform<T>;
  /** List page size. Default 500. */
  pageSize?: number;
  /**
   * Server-side watch timeout; default random in [300, 600) so reconnects spread out. `0` sends none:
   * the server then ends each watch after its `--min-request-timeout` (randomised up to twice that).
   */
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  /**
   * Retry delays while connections are refused (the API server is down or restarting). Kept apart
   * from `backoff` and capped low (default 250 ms doubling to 2 s): a refused connection costs the
   * server nothing, and a delay grown during a long outage would otherwise hold the informer back for
   * up to `backoff.maxMs` after the server is back.
   */
  refusedBackoff?: BackoffOptions;
  /** A watch that ends with no events sooner than this counts as a failure (backs off). Default 1000. */
  minWatchMs?: number;
  clock?: Clock;
  logger?: KubeLogger;
}

export interface InformerStats {
  lists: number;
  watches: number;
  /** Watches or lists that failed (and were retried after a backoff). */
  errors: number;
  /** Relists forced by 410 Gone. */
  relists: number;
}

/**
 * List-then-watch cache of one collection. Watches from the last resourceVersion with bookmarks;
 * a 410 relists (diffing against the cache: synthetic deletes for vanished objects, no update when
 * the resourceVersion is unchanged); any other failure retries with exponential backoff and jitter.
 * It never gives up until stop().
 */
export class Informer<T extends KubeObject = KubeObject> {
  readonly stats: InformerStats = { lists: 0, watches: 0, errors: 0, relists: 0 };
  private readonly cache = new Store<T>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private readonly backoff: Backoff;
  private readonly refusedBackoff: Backoff;
  private readonly clock: Clock;
  private readonly logger: KubeLogger;
  private readonly transform: Transform<T>;
  private readonly ref: CollectionRef;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private synced = false;
  private rv: string | undefined;
  private syncWaiters: {
    resolve: () => void;
    reject: (err: Error) => void;
    failOn?: (err: unknown) => boolean;
  }[] = [];
  /** The error of the last failed list or watch before the first sync. */
  private syncError: unknown;

  constructor(private readonly options: InformerOptions<T>) {
    const { apiVersion, kind, namespace, labelSelector, fieldSelector } = options;
    this.ref = { apiVersion, kind, namespace, labelSelector, fieldSelector };
    this.backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...options.backoff });
    this.refusedBackoff = new Backoff({ initialMs: 250, maxMs: 2_000, ...options.refusedBackoff });
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? stderrLogger;
    this.transform = options.transform ?? ((obj) => obj as T);
  }

  get store(): ReadonlyStore<T> {
    return this.cache;
  }

  /** The resourceVersion the cache is at. */
  get resourceVersion(): string | undefined {
    return this.rv;
  }

  get description(): string {
    const sel = labelSelectorString(this.ref.labelSelector);
    return `${this.ref.kind}.${this.ref.apiVersion}${this.ref.namespace ? ` in ${this.ref.namespace}` : ''}${sel ? ` [${sel}]` : ''}`;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Resolves once the first list is in the cache; rejects if the informer is stopped first, or, with
   * `failOn`, when a list before the first sync fails with an error it accepts (e.g. Forbidden: waiting
   * would be forever). The informer itself keeps retrying either way.
   */
  waitForSync(options: { failOn?: (err: unknown) => boolean } = {}): Promise<void> {
    if (this.synced) return Promise.resolve();
    const { failOn } = options;
    if (failOn && this.syncError !== undefined && failOn(this.syncError))
      return Promise.reject(toError(this.syncError));
    return new Promise((resolve, reject) =>
      this.syncWaiters.push({ resolve, reject, ...(failOn ? { failOn } : {}) }),
    );
  }

  /** Adds handlers; once synced they first receive onAdd for everything cached. Returns a remover. */
  addHandlers(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    if (this.synced) for (const obj of this.cache.list()) this.call(handlers, 'onAdd', obj);
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
  }

  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const w of waiters) w.reject(new Error(`informer ${this.description} stopped before it synced`));
  }

  get isRunning(): boolean {
    return this.running !== undefined && !this.abort?.signal.aborted;
  }

  private async run(signal: AbortSignal): Promise<void> {
    let goneInARow = 0;
    while (!signal.aborted) {
      try {
        if (this.rv === undefined) await this.relist(signal);
        if (signal.aborted) break;
        await this.watch(signal);
        goneInARow = 0;
      } catch (err) {
        if (signal.aborted) break;
        if (isGone(err)) {
          this.stats.relists++;
          this.rv = undefined;
          this.logger.info('watch expired, relisting', { informer: this.description });
          // a second 410 in a row (e.g. an expired continue token) waits like any other error
          if (goneInARow++ === 0) continue;
        }
        this.stats.errors++;
        if (!this.synced) this.failWaiters(err);
        const delay = isConnectionRefused(err) ? this.refusedBackoff.next() : this.backoff.next();
        this.logger.warn('list/watch failed, retrying', {
          informer: this.description,
          delayMs: delay,
          ...errorFields(err),
        });
        await this.clock.sleep(delay, signal);
      }
    }
  }

  private failWaiters(err: unknown): void {
    this.syncError = err;
    const failing = this.syncWaiters.filter((w) => w.failOn?.(err));
    if (failing.length === 0) return;
    this.syncWaiters = this.syncWaiters.filter((w) => !failing.includes(w));
    for (const w of failing) w.reject(toError(err));
  }

  private async relist(signal: AbortSignal): Promise<void> {
    this.stats.lists++;
    const fresh = new Map<string, T>();
    let cont: string | undefined;
    let rv: string;
    do {
      const page = await this.options.client.list(this.ref, {
        limit: this.options.pageSize ?? 500,
        continue: cont,
        signal,
      });
      for (const item of page.items) {
        const obj = this.transform(item);
        fresh.set(objectKey(obj), obj);
      }
      cont = page.metadata.continue || undefined;
      rv = page.metadata.resourceVersion;
    } while (cont && !signal.aborted);
    if (signal.aborted) return;
    for (const key of [...this.cache.keys()]) {
      if (fresh.has(key)) continue;
      const gone = this.cache.remove(key);
      if (gone) this.dispatch('onDelete', gone);
    }
    for (const [key, obj] of fresh) {
      const old = this.cache.get(key);
      if (!old) {
        this.cache.upsert(obj);
        this.dispatch('onAdd', obj);
      } else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) {
        this.cache.upsert(obj);
        this.dispatch('onUpdate', old, obj);
      }
    }
    this.rv = rv;
    this.backoff.reset();
    this.refusedBackoff.reset();
    if (!this.synced) {
      this.synced = true;
      this.syncError = undefined;
      const waiters = this.syncWaiters;
      this.syncWaiters = [];
      for (const w of waiters) w.resolve();
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    this.stats.watches++;
    const started = this.clock.now();
    let events = 0;
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
    await this.options.client.watch<KubeObject>(
      this.ref,
      {
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        ...(timeoutSeconds > 0 ? { timeoutSeconds } : {}),
        signal,
      },
      (event) => {
        events++;
        this.apply(event);
      },
    );
    if (signal.aborted) return;
    if (events === 0 && this.clock.now() - started < (this.options.minWatchMs ?? 1000)) {
      throw new Error('watch ended immediately without events');
    }
    this.backoff.reset();
    this.refusedBackoff.reset();
  }

  private apply(event: WatchEvent<KubeObject>): void {
    const rv = event.object.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') {
      if (rv) this.rv = rv;
      return;
    }
    const obj = this.transform(event.object);
    const key = objectKey(obj);
    if (event.type === 'DELETED') {
      const old = this.cache.remove(key);
      if (old) this.dispatch('onDelete', obj);
    } else {
      const old = this.cache.get(key);
      if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) {
        // replayed after a reconnect: nothing changed
      } else {
        this.cache.upsert(obj);
        if (old) this.dispatch('onUpdate', old, obj);
        else this.dispatch('onAdd', obj);
      }
    }
    if (rv) this.rv = rv;
  }

  private dispatch(kind: 'onAdd' | 'onDelete', obj: T): void;
  private dispatch(kind: 'onUpdate', old: T, obj: T): void;
  private dispatch(kind: keyof InformerHandlers<T>, a: T, b?: T): void {
    for (const h of this.handlers) this.call(h, kind, a, b);
  }

  private call(h: InformerHandlers<T>, kind: keyof InformerHandlers<T>, a: T, b?: T): void {
    try {
      if (kind === 'onUpdate') h.onUpdate?.(a, b ?? a);
      else h[kind]?.(a);
    } catch (err) {
      this.logger.error('informer handler threw', {
        informer: this.description,
        handler: kind,
        ...errorFields(err),
      });
    }
  }
}

/** Transform dropping `metadata.managedFields` (often half an object's size) from cached objects. */
export function stripManagedFields<T extends KubeObject = KubeObject>(obj: KubeObject): T {
  if (obj.metadata?.managedFields) delete obj.metadata.managedFields;
  return obj as T;
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
