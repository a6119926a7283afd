import type { BackoffOptions } from './backoff.ts';
import type { CollectionRef } from './client.ts';
import type { Clock } from './clock.ts';
import { Informer, type ListWatchClient, type Transform } from './informer.ts';
import type { KubeLogger } from './logger.ts';
import { labelSelectorString } from './selectors.ts';
import type { KubeObject } from './types.ts';

export interface SharedInformerFactoryOptions {
  /** Applied to every cached object of every informer (e.g. `stripManagedFields`). */
  transform?: Transform<KubeObject>;
  pageSize?: number;
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  refusedBackoff?: BackoffOptions;
  minWatchMs?: number;
  clock?: Clock;
  logger?: KubeLogger;
}

export interface InformerLease<T extends KubeObject> {
  informer: Informer<T>;
  /** Drops this use; the informer stops when its last user releases it. */
  release(): Promise<void>;
}

interface Entry {
  informer: Informer<KubeObject>;
  /** Users from acquire(); `pinned` informers (from informer()) live until the factory stops. */
  refs: number;
  pinned: boolean;
}

/** `apiVersion|kind|namespace|labelSelector|fieldSelector`: one watch per distinct key. */
export function informerKey(ref: CollectionRef): string {
  return [
    ref.apiVersion,
    ref.kind,
    ref.namespace ?? '',
    labelSelectorString(ref.labelSelector) ?? '',
    ref.fieldSelector ?? '',
  ].join('|');
}

/**
 * Hands out one shared Informer per collection (GVK + namespace + selectors), so every consumer of
 * the same collection shares one list, one watch and one cache. Informers created after start()
 * start at once.
 */
export class SharedInformerFactory {
  private readonly entries = new Map<string, Entry>();
  private started = false;

  constructor(
    private readonly client: ListWatchClient,
    private readonly options: SharedInformerFactoryOptions = {},
  ) {}

  private entry(ref: CollectionRef): Entry {
    const key = informerKey(ref);
    let e = this.entries.get(key);
    if (!e) {
      const { apiVersion, kind, namespace, labelSelector, fieldSelector } = ref;
      const informer = new Informer<KubeObject>({
        ...this.options,
        client: this.client,
        apiVersion,
        kind,
        namespace,
        labelSelector,
        fieldSelector,
      });
      e = { informer, refs: 0, pinned: false };
      this.entries.set(key, e);
      if (this.started) informer.start();
    }
    return e;
  }

  /** The shared informer of `ref`, kept until the factory stops. */
  informer<T extends KubeObject = KubeObject>(ref: CollectionRef): Informer<T> {
    const e = this.entry(ref);
    e.pinned = true;
    return e.informer as unknown as Informer<T>;
  }

  /** The shared informer of `ref`, reference-counted: stopped when the last lease is released. */
  acquire<T extends KubeObject = KubeObject>(ref: CollectionRef): InformerLease<T> {
    const key = informerKey(ref);
    const e = this.entry(ref);
    e.refs++;
    let released = false;
    return {
      informer: e.informer as unknown as Informer<T>,
      release: async () => {
        if (released) return;
        released = true;
        e.refs--;
        if (e.refs === 0 && !e.pinned && this.entries.get(key) === e) {
          this.entries.delete(key);
          await e.informer.stop();
        }
      },
    };
  }

  start(): void {
    this.started = true;
    for (const e of this.entries.values()) e.informer.start();
  }

  /** Resolves when every informer created so far has synced. */
  async waitForSync(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.informer.waitForSync()));
  }

  hasSynced(): boolean {
    for (const e of this.entries.values()) if (!e.informer.hasSynced()) return false;
    return true;
  }

  informers(): Informer<KubeObject>[] {
    return [...this.entries.values()].map((e) => e.informer);
  }

  async stop(): Promise<void> {
    this.started = false;
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.informer.stop()));
  }
}
