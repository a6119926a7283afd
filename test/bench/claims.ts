/**
 * Creating claims and watching them converge: the harness watches the claim collection with one
 * informer (no polling per claim) and records when each claim is first seen `Synced=True`/`Ready=True`.
 */
import {
  Informer,
  silentLogger,
  stripManagedFields,
  type KubeClient,
  type KubeObject,
} from '../../engine/kube/index.ts';
import { APP_API_VERSION, APP_KIND, appClaim } from './app-composition.ts';
import { conditionOf } from './cluster.ts';
import { pool } from './stats.ts';

/** Creates claims `from..to-1` in `namespace`, `concurrency` at a time; returns their keys. */
export async function createClaims(
  client: KubeClient,
  namespace: string,
  from: number,
  to: number,
  concurrency = 16,
): Promise<string[]> {
  const claims = Array.from({ length: to - from }, (_, i) => appClaim(namespace, from + i));
  await pool(claims, concurrency, async (claim) => {
    await client.create(claim);
  });
  return claims.map((c) => `${namespace}/${c.metadata.name}`);
}

interface Waiter {
  /** `synced` or `ready` keys still missing. */
  remaining: Set<string>;
  on: 'synced' | 'ready';
  resolve: () => void;
}

export class ClaimTracker {
  /** performance.now() when each claim was first seen with Synced=True. */
  readonly syncedAt = new Map<string, number>();
  readonly readyAt = new Map<string, number>();
  private readonly informer: Informer<KubeObject>;
  private waiters: Waiter[] = [];

  constructor(client: KubeClient, namespace?: string) {
    this.informer = new Informer<KubeObject>({
      client,
      apiVersion: APP_API_VERSION,
      kind: APP_KIND,
      ...(namespace ? { namespace } : {}),
      transform: stripManagedFields,
      logger: silentLogger,
    });
    const see = (obj: KubeObject): void => this.see(obj);
    this.informer.addHandlers({ onAdd: see, onUpdate: (_o, n) => see(n) });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  async stop(): Promise<void> {
    await this.informer.stop();
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
  }

  get size(): number {
    return this.informer.store.size;
  }

  private see(obj: KubeObject): void {
    const now = performance.now();
    const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
    if (!this.syncedAt.has(key) && conditionOf(obj, 'Synced')?.status === 'True') {
      this.syncedAt.set(key, now);
      this.reached('synced', key);
    }
    if (!this.readyAt.has(key) && conditionOf(obj, 'Ready')?.status === 'True') {
      this.readyAt.set(key, now);
      this.reached('ready', key);
    }
  }

  private reached(on: Waiter['on'], key: string): void {
    for (const w of this.waiters) {
      if (w.on !== on || !w.remaining.delete(key) || w.remaining.size > 0) continue;
      w.resolve();
    }
  }

  private wait(on: Waiter['on'], keys: readonly string[], timeoutMs: number): Promise<void> {
    const seen = on === 'synced' ? this.syncedAt : this.readyAt;
    const remaining = new Set(keys.filter((k) => !seen.has(k)));
    if (remaining.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const remove = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      const timer = setTimeout(() => {
        remove();
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${keys.length} claims to be ${on}: ${remaining.size} missing (${this.describe()})`,
          ),
        );
      }, timeoutMs);
      const waiter: Waiter = {
        on,
        remaining,
        resolve: () => {
          clearTimeout(timer);
          remove();
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits until every key is Synced=True. */
  waitSynced(keys: readonly string[], timeoutMs: number): Promise<void> {
    return this.wait('synced', keys, timeoutMs);
  }

  /** Waits until every key is Ready=True. */
  waitReady(keys: readonly string[], timeoutMs: number): Promise<void> {
    return this.wait('ready', keys, timeoutMs);
  }

  private describe(): string {
    const objects = this.informer.store.list();
    const notSynced = objects.filter((o) => conditionOf(o, 'Synced')?.status !== 'True');
    const sample = notSynced[0];
    const why = sample
      ? `; e.g. ${sample.metadata.name}: ${JSON.stringify(conditionOf(sample, 'Synced') ?? 'no status')}`
      : '';
    return `${objects.length} claims seen, ${this.syncedAt.size} synced${why}`;
  }
}
