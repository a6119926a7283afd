/**
 * Scenario 2, convergence: N claims of the bench App composition created at once (16 creates in
 * flight), timed until every claim is Synced=True (one watch on the claims, no polling per claim).
 * The floor: the very objects kubify would apply for those claims (rendered with the same compiled
 * composition, desired-hash annotation included) applied by a bare server-side-apply client with
 * the operator's concurrency (workers x objects applied in parallel per claim). Each run — kubify or
 * floor, per N — gets its own fresh control plane.
 */
import { compile, render } from '../../../engine/compose/index.ts';
import { withDesiredHash } from '../../../engine/controller/claim/drift.ts';
import {
  createKubeClient,
  Informer,
  loadKubeConfig,
  silentLogger,
  stripManagedFields,
  type KubeObject,
} from '../../../engine/kube/index.ts';
import {
  APP_API_VERSION,
  APP_GROUP,
  APP_KIND,
  appClaim,
  appComposition,
  OBJECTS_PER_CLAIM,
} from '../app-composition.ts';
import { ClaimTracker, createClaims } from '../claims.ts';
import { conditionOf, createNamespace, waitFor, withCluster } from '../cluster.ts';
import { convergeTimeoutMs, type BenchContext } from '../context.ts';
import { deletionOf, diffMetrics, settle, spawnOptions, startOn, warmUp } from '../operator-run.ts';
import { withOperator } from '../operator-process.ts';
import type { LoopDelay, Memory, OperatorMetrics } from '../protocol.ts';
import type { Goal, ScenarioResult, Table } from '../report.ts';
import { byVerb, scrapeRequestTotals, type RequestCounts } from '../apiserver.ts';
import { cpuWindow, idleCpuRate, type CpuWindow, type Pids } from '../cpu.ts';
import { profileApiserver } from '../apiserver-profile.ts';
import { countsText, diffCounts, mib, ms, num, pool, sleep, total } from '../stats.ts';

const NAMESPACE = 'bench';
/** The operator's defaults: 16 workers per claim kind, up to 8 applies in flight per claim (5 here). */
export const OPERATOR_WORKERS = 16;
/** Both clients have 16 sockets, so neither can have more requests in flight than that. */
const SOCKETS = 16;
export const FLOOR_CONCURRENCY = Math.min(SOCKETS, OPERATOR_WORKERS * Math.min(8, OBJECTS_PER_CLAIM));
const CREATE_CONCURRENCY = 16;

export interface KubifyRun {
  claims: number;
  /** From the first claim create to the last claim seen Synced=True. */
  convergeMs: number;
  createMs: number;
  /** To the last claim seen Ready=True (after Synced). */
  readyMs?: number;
  perClaimMs: number;
  /** Claims/s over the whole run. */
  throughput: number;
  metrics: OperatorMetrics;
  memory: Memory;
  loopDelay: LoopDelay;
  /** CPU per process from the first create until the operator settled (idle rate taken out). */
  cpu: CpuWindow;
  /** apiserver_request_total deltas over the same window (every client: harness creates and watch too). */
  requests: RequestCounts;
}

export interface FloorRun {
  claims: number;
  objects: number;
  concurrency: number;
  floorMs: number;
  /** CPU per process while the floor applied (the harness is the floor client). */
  cpu: CpuWindow;
  requests: RequestCounts;
}

/**
 * The least any controller of this claim API must do, timed like kubify: the harness creates the
 * claims; a bare loop in the harness sees each one (one watch), applies its five objects and writes
 * `Synced=True` to its status. No finalizer, no Events, no watches on the composed kinds, no audit.
 * Not a product: the yardstick that shows how much of the floor ratio is left to any operator here.
 */
export interface BareRun {
  claims: number;
  convergeMs: number;
  cpu: CpuWindow;
  requests: RequestCounts;
}

export interface ConvergenceData {
  kubify: KubifyRun[];
  floor: FloorRun[];
  bare: BareRun[];
}

function compiledApp(): NonNullable<ReturnType<typeof compile>['compiled']> {
  const compiled = compile({ object: appComposition(), file: 'bench-app' }).compiled;
  if (!compiled) throw new Error('bench composition does not compile');
  return compiled;
}

/** What kubify would apply for claims 0..n-1 (fake claim UIDs; everything else identical). */
function floorObjects(n: number): KubeObject[] {
  const compiled = compiledApp();
  const objects: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    const claim = appClaim(NAMESPACE, i);
    claim.metadata.uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    claim.metadata.generation = 1;
    const result = render({ claim, compiled, revision: 1, now: new Date().toISOString() });
    if (result.desired.length !== OBJECTS_PER_CLAIM)
      throw new Error(`bench claim rendered ${result.desired.length} objects`);
    for (const d of result.desired) objects.push(withDesiredHash(d.object).object as KubeObject);
  }
  return objects;
}

/**
 * With `--profile`: a kube-apiserver CPU profile over the first 6 ms per claim of a run (all three
 * runs are still busy then, so their profiles compare). Logs where it went; never fails the run.
 */
async function profileBusyPart(
  ctx: BenchContext,
  kubeconfig: string,
  label: string,
  n: number,
): Promise<void> {
  if (!ctx.apiserverProfileDir) return;
  try {
    const file = await profileApiserver(kubeconfig, ctx.apiserverProfileDir, label, Math.max(1, n * 0.006));
    ctx.log(`kube-apiserver profile: ${file}`);
  } catch (err) {
    ctx.log(`kube-apiserver profile of ${label} failed: ${String(err)}`);
  }
}

export async function runFloor(ctx: BenchContext, n: number): Promise<FloorRun> {
  const objects = floorObjects(n);
  return withCluster({ log: ctx.log }, async (cluster) => {
    await createNamespace(cluster.admin, NAMESPACE);
    const client = createKubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: cluster.floorKubeconfig }) });
    try {
      // discovery once, outside the timing (the operator has it cached too)
      for (const o of objects.slice(0, OBJECTS_PER_CLAIM)) await client.mapper.mapping(o.apiVersion, o.kind);
      const pids = controlPlanePids(cluster.cp.pids, { client: process.pid });
      const idle = await idleCpuRate(pids);
      const requestsBefore = await scrapeRequestTotals(cluster.admin);
      const endCpu = cpuWindow(pids, idle);
      const profile = profileBusyPart(ctx, cluster.cp.kubeconfigPath, `floor-${n}`, n);
      const t0 = performance.now();
      await pool(objects, FLOOR_CONCURRENCY, async (o) => {
        await client.apply(o);
      });
      const floorMs = performance.now() - t0;
      const cpu = endCpu();
      await profile;
      const requests = diffCounts(await scrapeRequestTotals(cluster.admin), requestsBefore);
      ctx.log(`floor ${n} claims (${objects.length} objects): ${ms(floorMs)}; CPU/claim ${cpuText(cpu, n)}`);
      return { claims: n, objects: objects.length, concurrency: FLOOR_CONCURRENCY, floorMs, cpu, requests };
    } finally {
      client.close();
    }
  });
}

export async function runBare(ctx: BenchContext, n: number): Promise<BareRun> {
  const compiled = compiledApp();
  return withCluster({ log: ctx.log }, async (cluster) => {
    await createNamespace(cluster.admin, NAMESPACE);
    await cluster.admin.apply(compiled.crd as unknown as KubeObject);
    await waitFor(`the ${APP_GROUP} API to be discoverable`, 120_000, async () => {
      await cluster.admin.mapper.refresh();
      await cluster.admin.mapper.mapping(APP_API_VERSION, APP_KIND);
      return true;
    });
    const client = createKubeClient({ kubeConfig: loadKubeConfig({ kubeconfig: cluster.floorKubeconfig }) });
    const claims = new Informer<KubeObject>({
      client,
      apiVersion: APP_API_VERSION,
      kind: APP_KIND,
      namespace: NAMESPACE,
      transform: stripManagedFields,
      logger: silentLogger,
    });
    const pending: KubeObject[] = [];
    const sleepers: (() => void)[] = [];
    claims.addHandlers({
      onAdd: (claim) => {
        if (conditionOf(claim, 'Synced')?.status === 'True') return;
        pending.push(claim);
        sleepers.shift()?.();
      },
    });
    let stopping = false;
    const reconcile = async (claim: KubeObject): Promise<void> => {
      const now = new Date().toISOString();
      const result = render({ claim, compiled, revision: 1, now });
      await Promise.all(
        result.desired.map((d) => client.apply(withDesiredHash(d.object).object as KubeObject)),
      );
      const { name, namespace } = claim.metadata;
      await client.applyStatus({
        apiVersion: APP_API_VERSION,
        kind: APP_KIND,
        metadata: { name, namespace },
        status: {
          conditions: [
            { type: 'Synced', status: 'True', reason: 'Applied', message: '', lastTransitionTime: now },
          ],
        },
      });
    };
    const worker = async (): Promise<void> => {
      while (!stopping) {
        const claim = pending.shift();
        if (claim) await reconcile(claim);
        else await new Promise<void>((resolve) => sleepers.push(resolve));
      }
    };
    const tracker = new ClaimTracker(cluster.admin, NAMESPACE);
    await tracker.start();
    claims.start();
    await claims.waitForSync();
    const workers = Array.from({ length: OPERATOR_WORKERS }, worker);
    try {
      const pids = controlPlanePids(cluster.cp.pids, { harness: process.pid });
      const idle = await idleCpuRate(pids);
      const requestsBefore = await scrapeRequestTotals(cluster.admin);
      const endCpu = cpuWindow(pids, idle);
      const profile = profileBusyPart(ctx, cluster.cp.kubeconfigPath, `bare-${n}`, n);
      const t0 = performance.now();
      const keys = await createClaims(cluster.admin, NAMESPACE, 0, n, CREATE_CONCURRENCY);
      await tracker.waitSynced(keys, convergeTimeoutMs(n));
      const convergeMs = Math.max(...keys.map((k) => tracker.syncedAt.get(k)!)) - t0;
      const cpu = endCpu();
      await profile;
      const requests = diffCounts(await scrapeRequestTotals(cluster.admin), requestsBefore);
      ctx.log(`bare controller ${n} claims: Synced in ${ms(convergeMs)}; CPU/claim ${cpuText(cpu, n)}`);
      return { claims: n, convergeMs, cpu, requests };
    } finally {
      stopping = true;
      for (const wake of sleepers.splice(0)) wake();
      await claims.stop();
      await tracker.stop();
      client.close();
      await Promise.race([Promise.all(workers), sleep(2000)]);
    }
  });
}

export async function runKubify(ctx: BenchContext, n: number): Promise<KubifyRun> {
  return withCluster({ log: ctx.log }, (cluster) =>
    withOperator(spawnOptions(ctx), async (op) => {
      await startOn(op, cluster, deletionOf(ctx));
      await createNamespace(cluster.admin, NAMESPACE);
      const tracker = new ClaimTracker(cluster.admin, NAMESPACE);
      await tracker.start();
      try {
        await warmUp(cluster.admin, op);
        await settle(op, 500);
        const pids = controlPlanePids(cluster.cp.pids, { operator: op.pid, harness: process.pid });
        const idle = await idleCpuRate(pids);
        const requestsBefore = await scrapeRequestTotals(cluster.admin);
        const before = await op.metrics();
        await op.loopDelay(true);
        const endCpu = cpuWindow(pids, idle);
        const profile = profileBusyPart(ctx, cluster.cp.kubeconfigPath, `kubify-${n}`, n);
        const t0 = performance.now();
        const keys = await createClaims(cluster.admin, NAMESPACE, 0, n, CREATE_CONCURRENCY);
        const createMs = performance.now() - t0;
        await tracker.waitSynced(keys, convergeTimeoutMs(n));
        const convergeMs = Math.max(...keys.map((k) => tracker.syncedAt.get(k)!)) - t0;
        let readyMs: number | undefined;
        try {
          await tracker.waitReady(keys, 60_000);
          readyMs = Math.max(...keys.map((k) => tracker.readyAt.get(k)!)) - t0;
        } catch (err) {
          ctx.log(`not every claim became Ready: ${String(err)}`);
        }
        const metrics = diffMetrics(await settle(op, 1000, convergeTimeoutMs(n)), before);
        const cpu = endCpu();
        const requests = diffCounts(await scrapeRequestTotals(cluster.admin), requestsBefore);
        const memory = await op.memory();
        const loopDelay = await op.loopDelay();
        await profile;
        ctx.log(
          `kubify ${n} claims: Synced in ${ms(convergeMs)} (create ${ms(createMs)}), writes ${countsText(metrics.writes)}; CPU/claim ${cpuText(cpu, n)}; requests/claim ${countsText(perClaimCounts(requests, n))}`,
        );
        return {
          claims: n,
          convergeMs,
          createMs,
          ...(readyMs !== undefined ? { readyMs } : {}),
          perClaimMs: convergeMs / n,
          throughput: (n / convergeMs) * 1000,
          metrics,
          memory,
          loopDelay,
          cpu,
          requests,
        };
      } finally {
        await tracker.stop();
      }
    }),
  );
}

/** Runs kubify for every size (and the floor where asked); kept in ctx.shared for scaling. */
export async function convergenceData(ctx: BenchContext, withFloor: boolean): Promise<ConvergenceData> {
  const cached = ctx.shared.get('convergence') as ConvergenceData | undefined;
  if (cached && (!withFloor || cached.floor.length > 0)) return cached;
  const data: ConvergenceData = { kubify: [], floor: [], bare: [] };
  for (const n of ctx.sizes.convergence) {
    if (withFloor && ctx.sizes.floor.includes(n)) {
      data.floor.push(await runFloor(ctx, n));
      await sleep(1000);
      data.bare.push(await runBare(ctx, n));
      await sleep(1000);
    }
    data.kubify.push(await runKubify(ctx, n));
    await sleep(1000);
  }
  ctx.shared.set('convergence', data);
  return data;
}

const perClaim = (n: number, claims: number): string => (claims ? (n / claims).toFixed(2) : 'n/a');

/** etcd and kube-apiserver (in the order engine/controlplane starts them) plus the given processes. */
function controlPlanePids(cp: readonly number[], others: Pids): Pids {
  return { apiserver: cp[1] ?? 0, etcd: cp[0] ?? 0, ...others };
}

const PROCESSES = ['apiserver', 'etcd', 'operator', 'harness', 'client'];

function cpuText(cpu: CpuWindow, claims: number): string {
  const parts = PROCESSES.filter((p) => p in cpu.net).map((p) => `${p} ${ms(cpu.net[p]! / claims)}`);
  return `${parts.join(', ')}, total ${ms(total(cpu.net) / claims)}`;
}

/** Counts divided by the number of claims, two decimals; resources and verbs as the API server names them. */
function perClaimCounts(counts: RequestCounts, claims: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) if (v > 0) out[k] = +(v / claims).toFixed(2);
  return out;
}

export async function convergenceScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const data = await convergenceData(ctx, true);
  const rows = data.kubify.map((k) => {
    const f = data.floor.find((x) => x.claims === k.claims);
    const b = data.bare.find((x) => x.claims === k.claims);
    return [
      num(k.claims),
      ms(k.createMs),
      ms(k.convergeMs),
      k.readyMs !== undefined ? ms(k.readyMs) : 'n/a',
      f ? ms(f.floorMs) : 'n/a',
      f ? `${(k.convergeMs / f.floorMs).toFixed(2)}x` : 'n/a',
      b && f ? `${(b.convergeMs / f.floorMs).toFixed(2)}x` : 'n/a',
      num(k.throughput, 1),
      perClaim(total(k.metrics.writes), k.claims),
      perClaim(total(k.metrics.reconciles), k.claims),
      perClaim(k.metrics.api['get 200'] ?? 0, k.claims),
      ms(k.metrics.cpuMs / k.claims),
      mib(k.memory.maxRss),
      ms(k.loopDelay.max),
    ];
  });
  const table: Table = {
    columns: [
      'claims',
      'create',
      'kubify Synced',
      'Ready',
      'floor',
      'kubify/floor',
      'bare controller/floor',
      'claims/s',
      'writes/claim',
      'reconciles/claim',
      'GETs/claim',
      'CPU/claim',
      'peak RSS',
      'max loop delay',
    ],
    rows,
  };
  const breakdown: Table = {
    title: 'Operator requests during convergence (kubify_apply_total, kubify_api_requests_total)',
    columns: ['claims', 'writes by verb/kind', 'API requests by verb/code'],
    rows: data.kubify.map((k) => [num(k.claims), countsText(k.metrics.writes), countsText(k.metrics.api)]),
  };
  const cpuRows: string[][] = [];
  const requestRows: string[][] = [];
  for (const k of data.kubify) {
    const f = data.floor.find((x) => x.claims === k.claims);
    const b = data.bare.find((x) => x.claims === k.claims);
    for (const [who, run] of [
      ['kubify', k],
      ['bare controller', b],
      ['floor', f],
    ] as const) {
      if (!run) continue;
      const net = run.cpu.net;
      const cell = (p: string): string => (p in net ? ms(net[p]! / k.claims) : '');
      cpuRows.push([
        num(k.claims),
        who,
        cell('apiserver'),
        cell('etcd'),
        cell('operator'),
        who === 'floor' ? cell('client') : cell('harness'),
        ms(total(net) / k.claims),
        ms(total(run.cpu.used) / k.claims),
      ]);
      requestRows.push([
        num(k.claims),
        who,
        countsText(perClaimCounts(byVerb(run.requests), k.claims)),
        countsText(perClaimCounts(run.requests, k.claims)),
      ]);
    }
  }
  const cpuTable: Table = {
    title:
      'CPU per claim by process (utime+stime from /proc; first create to settled, idle rate taken out; harness = claim creates + watch (+ the bare controller itself), client = the floor client)',
    columns: ['claims', 'run', 'apiserver', 'etcd', 'operator', 'harness/client', 'total', 'total (raw)'],
    rows: cpuRows,
  };
  const requestTable: Table = {
    title: 'API server requests per claim (apiserver_request_total deltas, every client)',
    columns: ['claims', 'run', 'by verb', 'by verb and resource'],
    rows: requestRows,
  };
  const goals: Goal[] = [];
  const at1000 = data.kubify.find((k) => k.claims === 1000);
  const floor1000 = data.floor.find((f) => f.claims === 1000);
  if (at1000 && floor1000) {
    const ratio = at1000.convergeMs / floor1000.floorMs;
    goals.push({
      goal: 'convergence at 1,000 claims',
      target: '<= 1.3x floor',
      measured: `${ratio.toFixed(2)}x`,
      met: ratio <= 1.3,
    });
  } else {
    const largest = data.kubify.at(-1);
    const f = largest && data.floor.find((x) => x.claims === largest.claims);
    goals.push({
      goal: 'convergence at 1,000 claims',
      target: '<= 1.3x floor',
      measured:
        largest && f
          ? `${(largest.convergeMs / f.floorMs).toFixed(2)}x at ${largest.claims} (1,000 not run)`
          : 'not run',
      met: undefined,
    });
  }
  return {
    name: 'convergence',
    title: '2. Convergence vs the floor',
    tables: [table, breakdown, cpuTable, requestTable],
    goals,
    notes: [
      `floor: the same ${OBJECTS_PER_CLAIM} objects per claim, server-side applied by engine/kube's client, ${FLOOR_CONCURRENCY} in flight, as many as the operator's ${OPERATOR_WORKERS} workers x ${Math.min(8, OBJECTS_PER_CLAIM)} parallel applies per claim can have through the same 16 sockets`,
      `kubify's time includes creating the claims (${CREATE_CONCURRENCY} creates in flight) and the finalizer and status writes the floor does not make`,
      'ideal writes per claim: 1 finalizer patch + 5 applies + 1 status = 7',
      `bare controller: the claims created the same way, then a minimal loop in the harness (one watch on the claims, ${OPERATOR_WORKERS} workers) applies each claim's ${OBJECTS_PER_CLAIM} objects and server-side applies Synced=True to its status: no finalizer, Events or watches on composed kinds. No operator of this API can do less, so bare/floor is the least ratio this machine allows`,
    ],
    data,
  };
}
