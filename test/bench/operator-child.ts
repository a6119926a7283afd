/**
 * The operator under test, in its own process so the harness's memory and CPU do not pollute the
 * numbers. Driven over Node IPC (see protocol.ts): start, metrics, memory, resync, stop.
 * Run by operator-process.ts; not meant to be started by hand.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import { createLogger } from '../../engine/controller/logger.ts';
import { startOperator, type Operator } from '../../engine/controller/operator.ts';
import { loadKubeConfig } from '../../engine/kube/index.ts';
import type {
  CacheStats,
  Command,
  Hello,
  LeaderState,
  LoopDelay,
  Memory,
  OperatorMetrics,
  Reply,
  Request,
  Startup,
} from './protocol.ts';

let operator: Operator | undefined;
let registry: Registry | undefined;
let startup: Startup | undefined;
let tracker: NodeJS.Timeout | undefined;
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

function memory(): Memory {
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapTotal: m.heapTotal,
    heapUsed: m.heapUsed,
    external: m.external,
    arrayBuffers: m.arrayBuffers,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
}

async function counter(
  name: string,
  key: (labels: Record<string, string | number>) => string,
): Promise<Record<string, number>> {
  const metric = await registry?.getSingleMetric(name)?.get();
  const out: Record<string, number> = {};
  for (const v of metric?.values ?? []) {
    const k = key(v.labels as Record<string, string | number>);
    out[k] = (out[k] ?? 0) + v.value;
  }
  return out;
}

async function metrics(): Promise<OperatorMetrics> {
  const histogram = await registry?.getSingleMetric('kubify_reconcile_duration_seconds')?.get();
  let sum = 0;
  let count = 0;
  for (const v of histogram?.values ?? []) {
    const name = (v as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_sum')) sum += v.value;
    else if (name.endsWith('_count')) count += v.value;
  }
  const controllers = operator?.compositions()?.controllers() ?? [];
  return {
    reconciles: await counter('kubify_reconcile_total', (l) => String(l.result)),
    writes: await counter('kubify_apply_total', (l) => `${String(l.verb)} ${String(l.kind)}`),
    api: await counter('kubify_api_requests_total', (l) => `${String(l.verb)} ${String(l.code)}`),
    reconcileSeconds: { sum, count },
    queued: controllers.reduce((n, c) => n + c.queue.length(), 0),
    claims: controllers.reduce((n, c) => n + c.claims().length, 0),
    cpuMs: (() => {
      const cpu = process.cpuUsage();
      return (cpu.user + cpu.system) / 1000;
    })(),
  };
}

async function reconcileCount(): Promise<number> {
  const r = await counter('kubify_reconcile_total', () => 'all');
  return r.all ?? 0;
}

/** Records start-up milestones by polling the operator every 5 ms until all are reached. */
function trackStartup(s: Startup): void {
  const deadline = Date.now() + 15 * 60_000;
  let busy = false;
  tracker = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      const now = Date.now();
      const comps = operator?.compositions();
      if (!s.cachesSynced && comps?.hasSynced()) s.cachesSynced = now;
      if (!s.claimControllerRunning && (comps?.controllers().length ?? 0) > 0) s.claimControllerRunning = now;
      const n = await reconcileCount();
      if (!s.firstReconcile && n > 0) s.firstReconcile = now;
      if (!s.allReconciled && n >= s.expectClaims && s.expectClaims > 0) s.allReconciled = now;
      if ((s.allReconciled || s.expectClaims === 0) && s.firstReconcile !== undefined) clearInterval(tracker);
      if (now > deadline) clearInterval(tracker);
    })().finally(() => (busy = false));
  }, 5);
}

/** JSON size of every informer cache (reaches into private fields; diagnostics only). */
function cacheStats(): CacheStats {
  const informers: CacheStats['informers'] = [];
  const seen = new Set<unknown>();
  const add = (name: string, lease: unknown): void => {
    const informer = (lease as { informer?: { store?: { list(): unknown[] } } } | undefined)?.informer;
    if (!informer?.store || seen.has(informer)) return;
    seen.add(informer);
    const objects = informer.store.list();
    const jsonBytes = objects.reduce<number>((n, o) => n + JSON.stringify(o).length, 0);
    informers.push({ name, objects: objects.length, jsonBytes });
  };
  const comps = operator?.compositions() as unknown as Record<string, unknown> | undefined;
  for (const field of ['compositions', 'revisions', 'crds']) add(field, comps?.[field]);
  for (const c of operator?.compositions()?.controllers() ?? []) {
    const internals = c as unknown as { claimLease?: unknown; childLeases?: Map<string, unknown> };
    add(`${c.kind.kind} claims`, internals.claimLease);
    for (const [key, lease] of internals.childLeases ?? []) add(key.replace('|', ' '), lease);
  }
  return { informers };
}

async function handle(command: Command): Promise<unknown> {
  switch (command.cmd) {
    case 'start': {
      if (operator) throw new Error('already started');
      const {
        kubeconfig,
        namespace,
        workers,
        expectClaims,
        leaderElect,
        leaseDurationMs,
        leaseName,
        identity,
      } = command.args;
      registry = new Registry();
      startup = { startCalled: Date.now(), expectClaims: expectClaims ?? 0 };
      trackStartup(startup);
      operator = await startOperator({
        kubeConfig: loadKubeConfig({ kubeconfig }),
        namespace,
        registry,
        logger: createLogger('warn'),
        ...(workers ? { workers } : {}),
        ...(leaderElect ? { leaderElect } : {}),
        ...(leaseDurationMs ? { leaseDurationMs } : {}),
        ...(leaseName ? { leaseName } : {}),
        ...(identity ? { identity } : {}),
      });
      startup.startReturned = Date.now();
      return startup;
    }
    case 'startup':
      return startup;
    case 'leader': {
      if (!operator) throw new Error('not started');
      const state: LeaderState = {
        identity: operator.identity,
        isLeader: operator.isLeader(),
        fencedWrites: operator.fencedWrites(),
      };
      return state;
    }
    case 'metrics':
      return metrics();
    case 'memory': {
      const m = memory();
      if (command.gc && typeof global.gc === 'function') {
        global.gc();
        const after = process.memoryUsage();
        m.heapUsedAfterGc = after.heapUsed;
        m.rssAfterGc = after.rss;
      }
      return m;
    }
    case 'cache':
      return cacheStats();
    case 'loop': {
      const delay: LoopDelay = { max: loop.max / 1e6, p99: loop.percentile(99) / 1e6, mean: loop.mean / 1e6 };
      if (command.reset) loop.reset();
      return delay;
    }
    case 'resync': {
      let claims = 0;
      for (const c of operator?.compositions()?.controllers() ?? []) {
        claims += c.claims().length;
        c.enqueueAll();
      }
      return { claims };
    }
    case 'stop': {
      clearInterval(tracker);
      await operator?.stop();
      operator = undefined;
      return { stopped: true };
    }
  }
}

const send = (message: Reply | Hello): void => {
  process.send?.(message);
};

process.on('message', (message: Request) => {
  void handle(message.command).then(
    (result) => {
      send({ id: message.id, ok: true, result: result ?? null });
      if (message.command.cmd === 'stop') process.disconnect?.();
    },
    (err: unknown) =>
      send({
        id: message.id,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
// the harness went away: leave too (never outlive it)
process.on('disconnect', () => {
  clearInterval(tracker);
  void (operator?.stop() ?? Promise.resolve()).finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 5000).unref();
});

if (!process.send) {
  process.stderr.write('operator-child.ts is started by the bench harness over IPC\n');
  process.exit(2);
}
send({ hello: true, pid: process.pid, memory: memory() });
