import type { KubeClient } from './client.ts';
import { microTime, systemClock, type Clock } from './clock.ts';
import { isAlreadyExists, isConflict } from './errors.ts';
import type { LeaseFence } from './fence.ts';
import { errorFields, stderrLogger, type KubeLogger } from './logger.ts';
import type { KubeObject } from './types.ts';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderElectorOptions {
  client: Pick<KubeClient, 'find' | 'create' | 'update'>;
  /** The Lease's namespace and name. */
  namespace: string;
  name: string;
  /** Unique per candidate, e.g. the pod name plus a random suffix. */
  identity: string;
  /** How long a lease is honoured without renewal. Default 15s (whole seconds on the wire). */
  leaseDurationMs?: number;
  /** A leader that could not renew for this long steps down. Default 10s; < leaseDurationMs. */
  renewDeadlineMs?: number;
  /** Pause between acquire attempts and between renewals. Default 2s. */
  retryPeriodMs?: number;
  /** Called on becoming leader; `signal` aborts when leadership ends. */
  onStartedLeading?: (signal: AbortSignal) => void;
  /** Called when leadership ends (lost or stop()); awaited before the lease is released. */
  onStoppedLeading?: () => void | Promise<void>;
  /** Called when the observed holder changes (including to this identity). */
  onNewLeader?: (identity: string) => void;
  /** Give the lease up on stop() so another candidate takes over at once. Default true. */
  releaseOnStop?: boolean;
  /**
   * Told when each successful lease write was sent, and revoked when leadership ends, so the
   * process's other writes can be refused once the lease may have passed to another candidate. Its
   * validity must be below the lease duration (use renewDeadlineMs). The elector's own Lease writes
   * must not go through a client fenced by it.
   */
  fence?: LeaseFence;
  clock?: Clock;
  logger?: KubeLogger;
}

/**
 * Lease-based leader election (coordination.k8s.io/v1), client-go style: optimistic concurrency on
 * the Lease's resourceVersion, expiry judged by the local time at which the record last changed (no
 * trust in other clocks), renewal without a GET while leading, release on graceful stop. After
 * losing the lease it becomes a candidate again.
 */
export class LeaderElector {
  private readonly clock: Clock;
  private readonly logger: KubeLogger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private abort: AbortController | undefined;
  private running: Promise<void> | undefined;
  private leading = false;
  /** The last Lease we read or wrote, and the local time its resourceVersion was first seen. */
  private observed: Lease | undefined;
  private observedTime = 0;
  private observedHolder: string | undefined;

  constructor(private readonly options: LeaderElectorOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? stderrLogger;
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs =
      options.renewDeadlineMs ?? Math.min(10_000, Math.floor(this.leaseDurationMs * 0.66));
    this.retryPeriodMs = options.retryPeriodMs ?? Math.min(2_000, Math.floor(this.renewDeadlineMs / 2));
    if (this.renewDeadlineMs >= this.leaseDurationMs)
      throw new Error('renewDeadlineMs must be below leaseDurationMs');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The holder last observed (possibly this identity). */
  leader(): string | undefined {
    return this.observedHolder;
  }

  start(): void {
    if (this.running) return;
    this.abort = new AbortController();
    this.running = this.run(this.abort.signal);
  }

  /** Steps down (releasing the lease if held) and stops competing. */
  async stop(): Promise<void> {
    this.abort?.abort();
    await this.running;
    this.running = undefined;
  }

  private get leaseRef() {
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: this.options.namespace,
      name: this.options.name,
    };
  }

  private jitter(ms: number): number {
    return ms + Math.random() * ms * 0.2;
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      while (!signal.aborted && !(await this.tryAcquireOrRenew(signal))) {
        await this.clock.sleep(this.jitter(this.retryPeriodMs), signal);
      }
      if (signal.aborted) break;
      const leadership = new AbortController();
      this.leading = true;
      this.logger.info('became leader', { lease: this.options.name, identity: this.options.identity });
      try {
        this.options.onStartedLeading?.(leadership.signal);
      } catch (err) {
        this.logger.error('onStartedLeading threw', errorFields(err));
      }
      let lastRenew = this.clock.now();
      while (!signal.aborted) {
        await this.clock.sleep(this.retryPeriodMs, signal);
        if (signal.aborted) break;
        if (await this.tryAcquireOrRenew(signal)) {
          lastRenew = this.clock.now();
        } else if (this.clock.now() - lastRenew >= this.renewDeadlineMs || this.heldByOther()) {
          break;
        }
      }
      this.leading = false;
      // lost (or may have lost) the lease: no write from here on. A graceful stop still holds it
      // while the controllers wind down, and revokes just before the release below.
      if (!signal.aborted) this.options.fence?.revoke();
      leadership.abort();
      this.logger.info('stopped leading', { lease: this.options.name, identity: this.options.identity });
      try {
        await this.options.onStoppedLeading?.();
      } catch (err) {
        this.logger.error('onStoppedLeading threw', errorFields(err));
      }
      this.options.fence?.revoke();
      if (signal.aborted && (this.options.releaseOnStop ?? true)) await this.release();
    }
  }

  private heldByOther(): boolean {
    const holder = this.observed?.spec?.holderIdentity;
    return Boolean(holder) && holder !== this.options.identity;
  }

  private observe(lease: Lease): void {
    if (lease.metadata.resourceVersion !== this.observed?.metadata.resourceVersion) {
      this.observedTime = this.clock.now();
    }
    this.observed = lease;
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== this.observedHolder) {
      this.observedHolder = holder;
      if (holder) {
        try {
          this.options.onNewLeader?.(holder);
        } catch (err) {
          this.logger.error('onNewLeader threw', errorFields(err));
        }
      }
    }
  }

  private spec(acquireTime: string, transitions: number, nowMs: number): LeaseSpec {
    return {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.leaseDurationMs / 1000)),
      acquireTime,
      renewTime: microTime(nowMs),
      leaseTransitions: transitions,
    };
  }

  /** One attempt; true when this identity holds the lease afterwards. Never throws. */
  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const ac = new AbortController();
    const onAbort = (): void => ac.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(onAbort, Math.max(1000, this.renewDeadlineMs));
    timer.unref();
    try {
      // fast path while leading: renew the copy we hold, no GET; after a conflict, read and decide
      if (this.leading && this.observed) {
        const outcome = await this.attempt(this.observed, ac.signal);
        if (outcome !== 'conflict') return outcome === 'ok';
      }
      const lease = await this.options.client.find<Lease>(this.leaseRef, { signal: ac.signal });
      return (await this.attempt(lease, ac.signal)) === 'ok';
    } catch (err) {
      this.observed = undefined; // read the Lease again next time
      if (!signal.aborted) {
        this.logger.warn('lease acquire/renew failed', { lease: this.options.name, ...errorFields(err) });
      }
      return false;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Creates, takes over or renews `lease`; `held` when another holder's lease is still valid. */
  private async attempt(lease: Lease | undefined, signal: AbortSignal): Promise<'ok' | 'held' | 'conflict'> {
    const now = this.clock.now();
    const fence = this.options.fence;
    // the lease is ours from no earlier than the moment the write leaves: count validity from here
    const sentAt = fence?.clock() ?? 0;
    try {
      if (!lease) {
        const created = await this.options.client.create<Lease>(
          {
            ...this.leaseRef,
            metadata: { name: this.options.name, namespace: this.options.namespace },
            spec: this.spec(microTime(now), 0, now),
          },
          { signal },
        );
        this.observe(created);
        fence?.renewed(sentAt);
        return 'ok';
      }
      if (lease !== this.observed) this.observe(lease);
      const spec = lease.spec ?? {};
      const holder = spec.holderIdentity ?? '';
      const mine = holder === this.options.identity;
      const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.leaseDurationMs / 1000)) * 1000;
      if (holder && !mine && this.observedTime + durationMs > now) return 'held';
      const transitions = spec.leaseTransitions ?? 0;
      const next: Lease = {
        ...lease,
        spec: mine
          ? this.spec(spec.acquireTime ?? microTime(now), transitions, now)
          : this.spec(microTime(now), transitions + 1, now),
      };
      this.observe(await this.options.client.update<Lease>(next, { signal }));
      fence?.renewed(sentAt);
      return 'ok';
    } catch (err) {
      if (!isConflict(err) && !isAlreadyExists(err)) throw err;
      this.observed = undefined;
      return 'conflict';
    }
  }

  /** Hands the lease over: empty holder, so any candidate may take it at once. */
  private async release(): Promise<void> {
    const lease = this.observed;
    if (!lease || lease.spec?.holderIdentity !== this.options.identity) return;
    try {
      const now = this.clock.now();
      const released = await this.options.client.update<Lease>(
        {
          ...lease,
          spec: {
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: microTime(now),
            renewTime: microTime(now),
            leaseTransitions: lease.spec.leaseTransitions ?? 0,
          },
        },
        { signal: AbortSignal.timeout(5_000) },
      );
      this.observe(released);
    } catch (err) {
      this.logger.warn('releasing lease failed', { lease: this.options.name, ...errorFields(err) });
    }
  }
}
