import {
  NoMatchError,
  objectKey,
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
        onDelete: enqueue,
      }),
    );
    await this.watchComposedKinds(composedKinds);
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
    const onChild = (obj: KubeObject): void => {
      const claimKey = claimKeyOfChild(obj, this.options.kind.kindLabel);
      if (claimKey) this.queue.add(claimKey);
    };
    const seen = (obj: KubeObject): void => {
      const claimKey = claimKeyOfChild(obj, this.options.kind.kindLabel);
      if (claimKey) this.reconciler.childSeen(claimKey, obj);
    };
    // The echo of kubify's own apply (same resourceVersion as the apply returned) changes nothing.
    const ownEcho = (obj: KubeObject): boolean =>
      obj.metadata.uid !== undefined &&
      this.lastApplied.get(obj.metadata.uid)?.resourceVersion === obj.metadata.resourceVersion;
    this.removeHandlers.push(
      lease.informer.addHandlers({
        onAdd: (obj) => {
          seen(obj);
          if (!ownEcho(obj)) onChild(obj);
        },
        onUpdate: (_o, obj) => {
          seen(obj);
          if (!ownEcho(obj)) onChild(obj);
        },
        onDelete: (obj) => {
          if (obj.metadata.uid) this.lastApplied.delete(obj.metadata.uid);
          onChild(obj);
        },
      }),
    );
    this.childLeases.set(key, lease);
    await lease.informer.waitForSync();
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

  enqueueAll(): void {
    for (const key of this.claimLease?.informer.store.keys() ?? []) this.queue.add(key);
  }

  claims(): KubeObject[] {
    return this.claimLease?.informer.store.list() ?? [];
  }

  private childrenOf(claimKey: string): KubeObject[] {
    const slash = claimKey.indexOf('/');
    const ns = slash >= 0 ? claimKey.slice(0, slash) : undefined;
    const name = slash >= 0 ? claimKey.slice(slash + 1) : claimKey;
    const value = claimIndexValue(this.options.kind.kindLabel, ns, name);
    return [...this.childLeases.values()].flatMap((l) => l.informer.store.byIndex(CLAIM_INDEX, value));
  }

  private async process(key: string): Promise<void> {
    const { metrics, kind, composition, logger } = this.options;
    const started = performance.now();
    let result = 'success';
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
