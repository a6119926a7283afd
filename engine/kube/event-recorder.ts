import type { KubeClient } from './client.ts';
import { microTime, systemClock, type Clock } from './clock.ts';
import { isNotFound } from './errors.ts';
import { errorFields, stderrLogger, type KubeLogger } from './logger.ts';
import type { KubeObject } from './types.ts';

export interface EventRecorderOptions {
  client: KubeClient;
  /** e.g. `kubify.io/operator`. */
  reportingController: string;
  /** This process, e.g. the pod name. */
  reportingInstance: string;
  /** Identical events within this window update one Event's series. Default 6 minutes. */
  windowMs?: number;
  /** A series' count is written at most this often per Event. Default 10s. */
  seriesFlushMs?: number;
  /** Distinct events remembered for de-duplication. Default 4096. */
  maxCached?: number;
  clock?: Clock;
  logger?: KubeLogger;
}

export interface EventInput {
  type: 'Normal' | 'Warning';
  /** CamelCase, why: `Synced`, `ApplyFailed`. */
  reason: string;
  /** CamelCase, what was done: `Apply`, `Delete`, `Reconcile`. */
  action: string;
  note?: string;
  related?: KubeObject;
}

interface Series {
  name: string;
  namespace: string;
  count: number;
  flushed: number;
  lastObserved: number;
  created: Promise<boolean>;
  timer: NodeJS.Timeout | undefined;
}

function reference(obj: KubeObject): Record<string, string> {
  const ref: Record<string, string> = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
  };
  if (obj.metadata.namespace) ref.namespace = obj.metadata.namespace;
  if (obj.metadata.uid) ref.uid = obj.metadata.uid;
  return ref;
}

const cap = (s: string, n: number): string => (s.length > n ? s.slice(0, n) : s);

/**
 * Records `events.k8s.io/v1` Events about objects. An event identical to one recorded within the
 * window (same object, type, reason, action, note) does not create another Event: it bumps the
 * first one's `series.count`, written at most every `seriesFlushMs`. It never throws: failures are
 * logged.
 */
export class EventRecorder {
  private readonly cache = new Map<string, Series>();
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly clock: Clock;
  private readonly logger: KubeLogger;
  private readonly windowMs: number;
  private readonly seriesFlushMs: number;
  private readonly maxCached: number;
  private seq = 0;
  private closed = false;

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? stderrLogger;
    this.windowMs = options.windowMs ?? 6 * 60_000;
    this.seriesFlushMs = options.seriesFlushMs ?? 10_000;
    this.maxCached = options.maxCached ?? 4096;
  }

  /** Records an event about `regarding`; returns at once. */
  event(regarding: KubeObject, input: EventInput): void {
    if (this.closed) return;
    try {
      this.record(regarding, input);
    } catch (err) {
      this.logger.error('recording event failed', { reason: input.reason, ...errorFields(err) });
    }
  }

  private record(regarding: KubeObject, input: EventInput): void {
    const now = this.clock.now();
    this.expire(now);
    const meta = regarding.metadata;
    const who =
      meta.uid ?? `${regarding.apiVersion}/${regarding.kind}/${meta.namespace ?? ''}/${meta.name ?? ''}`;
    const key = [who, input.type, input.reason, input.action, input.note ?? ''].join('\u0000');
    const existing = this.cache.get(key);
    if (existing) {
      existing.count++;
      existing.lastObserved = now;
      this.cache.delete(key); // keep the map in least-recently-observed order
      this.cache.set(key, existing);
      this.scheduleFlush(existing);
      return;
    }
    const namespace = meta.namespace || 'default';
    const name = `${cap(meta.name ?? 'object', 200)}.${(now * 1000 + (this.seq++ % 1000)).toString(16)}`;
    const body: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace },
      eventTime: microTime(now),
      reportingController: this.options.reportingController,
      reportingInstance: this.options.reportingInstance,
      type: input.type,
      reason: cap(input.reason, 128),
      action: cap(input.action, 128),
      regarding: reference(regarding),
      ...(input.note ? { note: cap(input.note, 1024) } : {}),
      ...(input.related ? { related: reference(input.related) } : {}),
    };
    const created = this.track(
      this.options.client.create(body).then(
        () => true,
        (err: unknown) => {
          this.cache.delete(key);
          this.logger.warn('creating event failed', {
            event: name,
            namespace,
            reason: input.reason,
            ...errorFields(err),
          });
          return false;
        },
      ),
    );
    this.cache.set(key, {
      name,
      namespace,
      count: 1,
      flushed: 1,
      lastObserved: now,
      created,
      timer: undefined,
    });
  }

  private scheduleFlush(s: Series): void {
    if (s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = undefined;
      void this.track(this.flushSeries(s));
    }, this.seriesFlushMs);
    s.timer.unref();
  }

  private async flushSeries(s: Series): Promise<void> {
    if (!(await s.created) || s.count === s.flushed) return;
    const count = s.count;
    try {
      await this.options.client.patch(
        { apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: s.namespace, name: s.name },
        { series: { count, lastObservedTime: microTime(s.lastObserved) } },
      );
      s.flushed = Math.max(s.flushed, count);
    } catch (err) {
      if (isNotFound(err)) {
        for (const [k, v] of this.cache) if (v === s) this.cache.delete(k);
      }
      this.logger.warn('updating event series failed', {
        event: s.name,
        namespace: s.namespace,
        ...errorFields(err),
      });
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
    return p;
  }

  private expire(now: number): void {
    for (const [key, s] of this.cache) {
      if (this.cache.size <= this.maxCached && now - s.lastObserved <= this.windowMs) break;
      if (s.count !== s.flushed) {
        if (s.timer) clearTimeout(s.timer);
        s.timer = undefined;
        void this.track(this.flushSeries(s));
      }
      this.cache.delete(key);
    }
  }

  /** Writes every pending create and series update now. */
  async flush(): Promise<void> {
    for (const s of this.cache.values()) {
      if (s.timer) {
        clearTimeout(s.timer);
        s.timer = undefined;
        void this.track(this.flushSeries(s));
      }
    }
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Flushes, then ignores further events. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }
}
