import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * kubify's Prometheus metrics, registered on an injected registry (tests and benchmarks use their
 * own). Labels are bounded: kind, composition, result, verb, code — never a name or a UID.
 */
export class ControllerMetrics {
  readonly reconcileTotal: Counter<'kind' | 'composition' | 'result'>;
  readonly reconcileDuration: Histogram<'kind' | 'result'>;
  readonly queueDepth: Gauge<'kind'>;
  readonly claims: Gauge<'kind' | 'ready'>;
  readonly writes: Counter<'verb' | 'kind'>;
  readonly apiRequests: Counter<'verb' | 'code'>;
  readonly compositions: Gauge<'ready'>;
  /** Claim counts by readiness, per kind, read at scrape time (no per-reconcile bookkeeping). */
  private readonly claimSources = new Map<string, () => { ready: number; notReady: number }>();

  constructor(readonly registry: Registry) {
    const registers = [registry];
    const sources = this.claimSources;
    this.reconcileTotal = new Counter({
      name: 'kubify_reconcile_total',
      help: 'Claim reconciles by claim kind, composition and result (success, error, requeue, terminal).',
      labelNames: ['kind', 'composition', 'result'],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'kubify_reconcile_duration_seconds',
      help: 'Time spent in one claim reconcile.',
      labelNames: ['kind', 'result'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.queueDepth = new Gauge({
      name: 'kubify_queue_depth',
      help: 'Keys waiting in a claim work queue.',
      labelNames: ['kind'],
      registers,
    });
    this.claims = new Gauge({
      name: 'kubify_claims',
      help: 'Claims known to the operator by kind and readiness.',
      labelNames: ['kind', 'ready'],
      registers,
      collect() {
        this.reset();
        for (const [kind, count] of sources) {
          const { ready, notReady } = count();
          this.set({ kind, ready: 'true' }, ready);
          this.set({ kind, ready: 'false' }, notReady);
        }
      },
    });
    this.writes = new Counter({
      name: 'kubify_apply_total',
      help: 'Writes to the API server by verb (apply, status, delete, create, patch) and object kind.',
      labelNames: ['verb', 'kind'],
      registers,
    });
    this.apiRequests = new Counter({
      name: 'kubify_api_requests_total',
      help: 'Requests to the API server by verb and HTTP status code.',
      labelNames: ['verb', 'code'],
      registers,
    });
    this.compositions = new Gauge({
      name: 'kubify_compositions',
      help: 'Compositions by readiness.',
      labelNames: ['ready'],
      registers,
    });
  }

  /** Registers the claims of one kind for `kubify_claims`; returns a function that unregisters them. */
  countClaims(kind: string, count: () => { ready: number; notReady: number }): () => void {
    this.claimSources.set(kind, count);
    return () => this.claimSources.delete(kind);
  }
}
