import {
  ForbiddenError,
  NoMatchError,
  objectKey,
  splitObjectKey,
  type InformerLease,
  type KubeClient,
  type KubeObject,
  type SharedInformerFactory,
} from '../kube/index.ts';
import {
  CLAIM_INDEX,
  claimIndexValue,
  claimKeyOfChild,
  claimOfChild,
  MANAGED_SELECTOR,
} from './child-index.ts';
import { identity } from './claim/children.ts';
import { isConditionTrue } from './claim/conditions.ts';
import { ClaimReconciler } from './claim/reconciler.ts';
import type { ClaimKind, CompositionLookup, EventSink } from './claim/types.ts';
import type { LastApplied } from './claim/drift.ts';
import type { InstallerOptions } from './claim/installers.ts';
import type { AuditLog } from './audit.ts';
import type { Logger } from './logger.ts';
import type { ControllerMetrics } from './metrics.ts';
import { runWorkers, WorkQueue } from './work-queue.ts';

export interface ClaimControllerOptions {
  kind: ClaimKind;
  /** Name of the Composition serving this kind (metrics label). */
  composition: string;
  client: KubeClient;
  factory: SharedInformerFactory;
  lookup: (claim: KubeObject) => CompositionLookup;
  events: EventSink;
  audit?: AuditLog;
  metrics?: ControllerMetrics;
  logger: Logger;
  workers: number;
  /** Re-queue every claim this often; a converged claim makes no writes on resync. 0 disables. */
  resyncMs: number;
  installers?: InstallerOptions;
  now?: () => Date;
}

type GVK = { apiVersion: string; kind: string };
/** Child informers are shared between claim controllers; each store gets the claim index once. */
const indexedStores = new WeakSet<object>();
const gvkKey = (g: GVK): string => `${g.apiVersion}|${g.kind}`;

/**
 * Runs the claims of one kind: a claim informer, informers on the kinds its composition composes
 * (shared with other claim controllers, filtered to kubify's objects and indexed by claim), a
 * coalescing work queue with per-key backoff, and a bounded number of workers.
 */
export class ClaimController {
  readonly queue = new WorkQueue();
  private claimLease: InformerLease<KubeObject> | undefined;
  private readonly childLeases = new Map<string, InformerLease<KubeObject>>();
  private readonly unserved = new Map<string, GVK>();
  private readonly watching = new Map<string, Promise<void>>();
  private readonly removeHandlers: (() => void)[] = [];
  private readonly lastApplied = new Map<string, LastApplied>();
  /** `identity()` of an object another claim holds -> the claims refused it (re-queued when it goes). */
  private readonly blocked = new Map<string, Set<string>>();
  private readonly blocking = new Map<string, readonly string[]>();
  /**
   * Claims being reconciled right now -> child events that arrived meanwhile. The watch often delivers
   * the echo of an apply before the apply's response is read (so it cannot be told from someone else's
   * change yet); these are judged when the reconcile ends instead of queueing the claim again at once.
   */
  private readonly reconciling = new Map<string, { obj: KubeObject; deleted: boolean }[]>();
  private readonly reconciler: ClaimReconciler;
  private workersDone: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ClaimControllerOptions) {
    const { kind, client, events, metrics, logger } = options;
    this.reconciler = new ClaimReconciler({
      kind,
      client,
      claims: { get: (key) => this.claimLease?.informer.store.get(key) },
      childrenOf: (key) => this.childrenOf(key),
      cached: (obj) =>
        this.childLeases
          .get(gvkKey({ apiVersion: obj.apiVersion, kind: obj.kind }))
          ?.informer.store.get(objectKey(obj)),
      blockedOn: (key, identities) => this.recordBlocked(key, identities),
      watches: (apiVersion, k) => this.childLeases.has(gvkKey({ apiVersion, kind: k })),
      ensureWatches: (kinds) => this.watchComposedKinds(kinds),
      composition: options.lookup,
      events,
      ...(options.audit ? { audit: options.audit } : {}),
      ...(metrics ? { metrics } : {}),
      logger: logger.with({ kind: kind.kind }),
      now: options.now ?? (() => new Date()),
      lastApplied: this.lastApplied,
      ...(options.installers ? { installers: options.installers } : {}),
      applyConcurrency: 8,
    });
  }

  get kind(): ClaimKind {
    return this.options.kind;
  }

  /** Starts the informers, waits for their caches, then starts the workers. */
  async start(composedKinds: readonly GVK[]): Promise<void> {
    const { kind, factory } = this.options;
    this.claimLease = factory.acquire<KubeObject>({ apiVersion: kind.apiVersion, kind: kind.kind });
    const enqueue = (obj: KubeObject): void => this.queue.add(objectKey(obj));
    this.removeHandlers.push(
      this.claimLease.informer.addHandlers({
        onAdd: enqueue,
        onUpdate: (old, obj) => {
          if (claimChanged(old, obj)) enqueue(obj);
        },
        onDelete: (obj) => {
          this.reconciler.claimDeleted(objectKey(obj), obj);
          enqueue(obj);
        },
      }),
    );
    // A kind it may not watch fails the reconciles of the claims composing it (with the reason in their
    // conditions), not the whole controller.
    await this.watchComposedKinds(composedKinds).catch((err: unknown) =>
      this.options.logger.warn('cannot watch a composed kind', { kind: kind.kind, error: err }),
    );
    await this.claimLease.informer.waitForSync();
    for (const key of this.claimLease.informer.store.keys()) this.queue.add(key);
    const unregister = this.options.metrics?.countClaims(kind.kind, () => {
      const claims = this.claims();
      const ready = claims.filter((c) => isConditionTrue(c, 'Ready')).length;
      return { ready, notReady: claims.length - ready };
    });
    if (unregister) this.removeHandlers.push(unregister);
    this.workersDone = runWorkers(this.queue, this.options.workers, (key) => this.process(key));
    if (this.options.resyncMs > 0) {
      this.resyncTimer = setInterval(() => this.enqueueAll(), this.options.resyncMs);
      this.resyncTimer.unref();
    }
  }

  /**
   * Watches the kinds a revision composes and waits for their caches; unserved kinds are retried when
   * CRDs change. Concurrent callers for one kind share one start.
   */
  async watchComposedKinds(kinds: readonly GVK[]): Promise<void> {
    await Promise.all(
      kinds.map((gvk) => {
        const key = gvkKey(gvk);
        let started = this.watching.get(key);
        if (!started) {
          started = this.startWatch(key, gvk);
          this.watching.set(key, started);
          started.catch(() => this.watching.delete(key));
        }
        return started;
      }),
    );
  }

  private async startWatch(key: string, gvk: GVK): Promise<void> {
    try {
      await this.options.client.mapper.mapping(gvk.apiVersion, gvk.kind);
    } catch (err) {
      if (!(err instanceof NoMatchError)) throw err;
      this.unserved.set(key, gvk);
      return;
    }
    this.unserved.delete(key);
    const lease = this.options.factory.acquire<KubeObject>({ ...gvk, labelSelector: MANAGED_SELECTOR });
    if (!indexedStores.has(lease.informer.store)) {
      lease.informer.store.addIndex(CLAIM_INDEX, claimOfChild);
      indexedStores.add(lease.informer.store);
    }
    const onChild = (obj: KubeObject, deleted = false): void => {
      const claimKey = claimKeyOfChild(obj, this.options.kind.kindLabel);
      if (!claimKey) return;
      const held = this.reconciling.get(claimKey);
      if (held) held.push({ obj, deleted });
      else this.queue.add(claimKey);
    };
    const seen = (obj: KubeObject): void => {
      const claimKey = claimKeyOfChild(obj, this.options.kind.kindLabel);
      if (claimKey) this.reconciler.childSeen(claimKey, obj);
    };
    const removeHandler = lease.informer.addHandlers({
      onAdd: (obj) => {
        seen(obj);
        if (!this.ownEcho(obj)) onChild(obj);
      },
      onUpdate: (_o, obj) => {
        seen(obj);
        if (!this.ownEcho(obj)) onChild(obj);
      },
      onDelete: (obj) => {
        if (obj.metadata.uid) this.lastApplied.delete(obj.metadata.uid);
        onChild(obj, true);
        for (const claimKey of this.blocked.get(identity(obj)) ?? []) this.queue.add(claimKey);
      },
    });
    this.childLeases.set(key, lease);
    try {
      // Not allowed to list the kind (RBAC): fail now with the server's words instead of waiting forever.
      await lease.informer.waitForSync({ failOn: (err) => err instanceof ForbiddenError });
    } catch (err) {
      removeHandler();
      this.childLeases.delete(key);
      await lease.release();
      throw err;
    }
    this.removeHandlers.push(removeHandler);
  }

  /**
   * Called when CRDs change: start watching composed kinds that are now served, and re-queue the claims
   * that were waiting for an API (the others cannot have been affected).
   */
  async apisChanged(): Promise<void> {
    const retry = [...this.unserved.entries()];
    for (const [key] of retry) this.watching.delete(key);
    if (retry.length) await this.watchComposedKinds(retry.map(([, gvk]) => gvk));
    for (const key of this.reconciler.waitingForApis) this.queue.add(key);
  }

  /** Remembers which objects held by other claims keep `claimKey` from syncing (replacing the last record). */
  private recordBlocked(claimKey: string, identities: readonly string[]): void {
    for (const id of this.blocking.get(claimKey) ?? []) {
      const claims = this.blocked.get(id);
      claims?.delete(claimKey);
      if (claims?.size === 0) this.blocked.delete(id);
    }
    if (identities.length === 0) {
      this.blocking.delete(claimKey);
      return;
    }
    this.blocking.set(claimKey, identities);
    for (const id of identities) {
      const claims = this.blocked.get(id) ?? new Set<string>();
      claims.add(claimKey);
      this.blocked.set(id, claims);
    }
  }

  enqueueAll(): void {
    for (const key of this.claimLease?.informer.store.keys() ?? []) this.queue.add(key);
  }

  claims(): KubeObject[] {
    return this.claimLease?.informer.store.list() ?? [];
  }

  private childrenOf(claimKey: string): KubeObject[] {
    const { namespace, name } = splitObjectKey(claimKey);
    const value = claimIndexValue(this.options.kind.kindLabel, namespace, name);
    return [...this.childLeases.values()].flatMap((l) => l.informer.store.byIndex(CLAIM_INDEX, value));
  }

  /** The echo of kubify's own apply (same resourceVersion as the apply returned) changes nothing. */
  private ownEcho(obj: KubeObject): boolean {
    return (
      obj.metadata.uid !== undefined &&
      this.lastApplied.get(obj.metadata.uid)?.resourceVersion === obj.metadata.resourceVersion
    );
  }

  private async process(key: string): Promise<void> {
    const { metrics, kind, composition, logger } = this.options;
    const started = performance.now();
    let result = 'success';
    this.reconciling.set(key, []);
    try {
      const outcome = await this.reconciler.reconcile(key);
      this.queue.forget(key);
      if (outcome.terminal) result = 'terminal';
      if (outcome.requeueAfterMs) {
        result = 'requeue';
        this.queue.addAfter(key, outcome.requeueAfterMs);
      }
    } catch (err) {
      result = 'error';
      const delay = this.queue.addRateLimited(key);
      logger.warn('reconcile failed, retrying', { kind: kind.kind, key, retryInMs: delay, error: err });
    } finally {
      // Child events seen during the reconcile: its own applies' echoes are known as such now.
      const held = this.reconciling.get(key) ?? [];
      this.reconciling.delete(key);
      if (held.some((h) => h.deleted || !this.ownEcho(h.obj))) this.queue.add(key);
      metrics?.reconcileTotal.inc({ kind: kind.kind, composition, result });
      metrics?.reconcileDuration.observe({ kind: kind.kind, result }, (performance.now() - started) / 1000);
      metrics?.queueDepth.set({ kind: kind.kind }, this.queue.length());
    }
  }

  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.queue.shutDown();
    await this.workersDone;
    for (const remove of this.removeHandlers.splice(0)) remove();
    await this.claimLease?.release();
    await Promise.all([...this.childLeases.values()].map((l) => l.release()));
    this.childLeases.clear();
  }
}

/**
 * Whether a claim update can change what kubify does: spec (generation), labels, annotations (pause)
 * or deletion. kubify's own status and finalizer writes are not worth a reconcile (a finalizer someone
 * removed is put back by the next resync).
 */
export function claimChanged(old: KubeObject, obj: KubeObject): boolean {
  const a = old.metadata;
  const b = obj.metadata;
  return (
    a.generation !== b.generation ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    JSON.stringify(a.labels) !== JSON.stringify(b.labels) ||
    JSON.stringify(a.annotations) !== JSON.stringify(b.annotations)
  );
}
