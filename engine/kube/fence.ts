import { performance } from 'node:perf_hooks';
import { KubeError, type RequestContext } from './errors.ts';

/** Thrown instead of sending a write when this process may no longer hold the leader lease. */
export class NotLeaderError extends KubeError {}

export const isNotLeader = (e: unknown): e is NotLeaderError => e instanceof NotLeaderError;

/** What the client asks before every write (and again when the request gets its socket). */
export interface WriteFence {
  /** Undefined while writes are allowed; else the error to fail the write with. */
  check(request: RequestContext): NotLeaderError | undefined;
}

export interface LeaseFenceOptions {
  /**
   * How long a successful lease write keeps writes allowed, counted from the moment that lease
   * request was sent: the elector's renew deadline, strictly below the lease duration.
   */
  validForMs: number;
  /** Monotonic milliseconds (default performance.now(), which keeps counting while the process is stopped). */
  now?: () => number;
}

/**
 * Write fencing for a leader-elected process, by its own monotonic clock and without any request.
 * Another candidate can take the lease only after it has seen our last renewal unchanged for a full
 * lease duration, i.e. no earlier than (when we sent that renewal) + leaseDuration. Writes are allowed
 * only until (when we sent it) + validForMs, validForMs < leaseDuration; the difference is the margin
 * for a write that passed the check to reach the server. A process that was paused (SIGSTOP, a long
 * GC) finds its fence expired before its first write after it resumes. CLOCK_MONOTONIC does not count
 * a suspend of the whole machine.
 */
export class LeaseFence implements WriteFence {
  private readonly validForMs: number;
  private readonly now: () => number;
  private validUntil = -Infinity;
  /** Writes refused so far (for metrics and tests). */
  refused = 0;

  constructor(options: LeaseFenceOptions) {
    if (!(options.validForMs > 0)) throw new Error('validForMs must be positive');
    this.validForMs = options.validForMs;
    this.now = options.now ?? (() => performance.now());
  }

  /** Monotonic now, for callers that note when they send a lease request. */
  clock(): number {
    return this.now();
  }

  /** A lease write sent at `sentAt` (from clock()) succeeded: writes are allowed until sentAt + validFor. */
  renewed(sentAt: number): void {
    this.validUntil = Math.max(this.validUntil, sentAt + this.validForMs);
  }

  /** Leadership ended (lost, released, or stepping down): refuse writes from now on. */
  revoke(): void {
    this.validUntil = -Infinity;
  }

  held(): boolean {
    return this.now() < this.validUntil;
  }

  /** Milliseconds writes stay allowed without another renewal (0 when not held). */
  remainingMs(): number {
    return Math.max(0, this.validUntil - this.now());
  }

  check(request: RequestContext): NotLeaderError | undefined {
    if (this.held()) return undefined;
    this.refused++;
    return new NotLeaderError(
      `${request.verb} ${request.resource}${request.name ? ` ${request.name}` : ''}: not sent, this process does not hold the leader lease`,
      { status: 0, reason: 'NotLeader', request },
    );
  }
}
