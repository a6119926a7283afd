/**
 * Scenario 3, idle cost: after N claims converged, the API requests the operator makes in a quiet
 * window and on a forced resync (enqueueAll on every claim controller), by verb — counted three ways:
 * the operator's own kubify_api_requests_total, the API server's audit log filtered to the operator's
 * (impersonated) user, and the API server's apiserver_request_total deltas (every client, including
 * the API server's own loopback traffic; the harness makes no resource requests in the windows).
 */
import { auditCounts, AUDIT_FLUSH_MS, byVerb, scrapeRequestTotals } from '../apiserver.ts';
import { ClaimTracker, createClaims } from '../claims.ts';
import { createNamespace, OPERATOR_USER, withCluster } from '../cluster.ts';
import { convergeTimeoutMs, type BenchContext } from '../context.ts';
import { deletionOf, diffMetrics, settle, spawnOptions, startOn, warmUp } from '../operator-run.ts';
import { withOperator, type OperatorProcess } from '../operator-process.ts';
import type { LoopDelay, OperatorMetrics } from '../protocol.ts';
import type { Goal, ScenarioResult, Table } from '../report.ts';
import { countsText, diffCounts, ms, sleep, total } from '../stats.ts';

const NAMESPACE = 'bench';
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const API_WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE', 'DELETECOLLECTION']);

interface Window {
  name: string;
  durationMs: number;
  reconciles: number;
  /** kubify_api_requests_total delta by `verb code`. */
  operator: Record<string, number>;
  /** kubify_apply_total delta. */
  operatorWrites: Record<string, number>;
  /** Audit log, operator user only, `verb resource`. */
  audit: Record<string, number>;
  /** apiserver_request_total delta, every client, `VERB resource`. */
  apiserver: Record<string, number>;
}

async function measure(
  name: string,
  op: OperatorProcess,
  cluster: { admin: Parameters<typeof scrapeRequestTotals>[0]; auditLog?: string },
  during: () => Promise<void>,
): Promise<Window> {
  const m0 = await op.metrics();
  const a0 = await scrapeRequestTotals(cluster.admin);
  const w0 = Date.now();
  await during();
  const w1 = Date.now();
  const a1 = await scrapeRequestTotals(cluster.admin);
  const m1: OperatorMetrics = diffMetrics(await op.metrics(), m0);
  await sleep(AUDIT_FLUSH_MS);
  const audit = cluster.auditLog ? auditCounts(cluster.auditLog, OPERATOR_USER, w0, w1) : {};
  return {
    name,
    durationMs: w1 - w0,
    reconciles: total(m1.reconciles),
    operator: m1.api,
    operatorWrites: m1.writes,
    audit,
    apiserver: diffCounts(a1, a0),
  };
}

const writesIn = (counts: Record<string, number>, verbs: Set<string>): number =>
  Object.entries(counts)
    .filter(([k]) => verbs.has(k.split(' ')[0] ?? ''))
    .reduce((n, [, v]) => n + v, 0);

export async function idleScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const n = ctx.sizes.idleClaims;
  const { windows, resyncLoop } = await withCluster({ log: ctx.log, audit: true }, (cluster) =>
    withOperator(spawnOptions(ctx), async (op) => {
      await startOn(op, cluster, deletionOf(ctx));
      await warmUp(cluster.admin, op);
      await createNamespace(cluster.admin, NAMESPACE);
      const tracker = new ClaimTracker(cluster.admin, NAMESPACE);
      await tracker.start();
      let converge: Window;
      try {
        converge = await measure('converge', op, cluster, async () => {
          const keys = await createClaims(cluster.admin, NAMESPACE, 0, n);
          await tracker.waitSynced(keys, convergeTimeoutMs(n));
          await tracker.waitReady(keys, 60_000);
          await settle(op, 2000, convergeTimeoutMs(n));
        });
      } finally {
        await tracker.stop();
      }
      const auditTotal = total(converge.audit);
      const metricTotal = total(converge.operator);
      // the cross-check only means something if the audit log sees the operator at all
      if (
        cluster.auditLog &&
        (auditTotal === 0 || Math.abs(auditTotal - metricTotal) > 0.1 * metricTotal + 5)
      )
        throw new Error(
          `audit log (${auditTotal}) and operator metric (${metricTotal}) disagree during convergence`,
        );
      ctx.log(`${n} claims converged; idle window of ${ms(ctx.sizes.idleWindowMs)}`);
      const idle = await measure('idle', op, cluster, () => sleep(ctx.sizes.idleWindowMs));
      ctx.log(`idle: operator ${countsText(idle.operator)}; audit ${countsText(idle.audit)}`);
      let resyncLoop: LoopDelay | undefined;
      const resync = await measure('resync', op, cluster, async () => {
        await op.loopDelay(true);
        const before = total((await op.metrics()).reconciles);
        const { claims } = await op.resync();
        const deadline = Date.now() + convergeTimeoutMs(claims);
        while (total((await op.metrics()).reconciles) - before < claims) {
          if (Date.now() > deadline) throw new Error(`resync of ${claims} claims did not finish`);
          await sleep(100);
        }
        resyncLoop = await op.loopDelay();
        await settle(op, 1000);
      });
      ctx.log(
        `resync: ${resync.reconciles} reconciles; operator ${countsText(resync.operator)}; audit ${countsText(resync.audit)}`,
      );
      return { windows: [converge, idle, resync], resyncLoop };
    }),
  );
  const [, idle, resync] = windows as [Window, Window, Window];
  const table: Table = {
    columns: [
      'window',
      'duration',
      'reconciles',
      'operator metric (verb code)',
      'audit log, operator user',
      'apiserver_request_total delta, all clients',
    ],
    rows: windows.map((w) => [
      w.name,
      ms(w.durationMs),
      String(w.reconciles),
      countsText(w.operator),
      countsText(w.audit),
      countsText(byVerb(w.apiserver)),
    ]),
  };
  const detail: Table = {
    title: 'apiserver_request_total delta by verb and resource (all clients, incl. the API server itself)',
    columns: ['window', 'requests'],
    rows: windows.map((w) => [w.name, countsText(w.apiserver)]),
  };
  const idleWrites = Math.max(writesIn(idle.audit, WRITE_VERBS), total(idle.operatorWrites));
  const resyncWrites = Math.max(writesIn(resync.audit, WRITE_VERBS), total(resync.operatorWrites));
  const resyncGets = Math.max(
    Object.entries(resync.audit)
      .filter(([k]) => k.startsWith('get '))
      .reduce((s, [, v]) => s + v, 0),
    Object.entries(resync.operator)
      .filter(([k]) => k.startsWith('get '))
      .reduce((s, [, v]) => s + v, 0),
  );
  const goals: Goal[] = [
    {
      goal: `zero writes when idle (${ms(idle.durationMs)}, ${n} claims)`,
      target: '0',
      measured: String(idleWrites),
      met: idleWrites === 0,
    },
    {
      goal: `zero writes on resync (${resync.reconciles} reconciles)`,
      target: '0',
      measured: String(resyncWrites),
      met: resyncWrites === 0,
    },
    {
      goal: 'zero GETs per reconcile (resync)',
      target: '0',
      measured: `${resyncGets} GETs / ${resync.reconciles} reconciles`,
      met: resyncGets === 0,
    },
  ];
  const apiserverWrites = writesIn(idle.apiserver, API_WRITE_VERBS);
  return {
    name: 'idle',
    title: `3. Idle cost (${n} claims, ${ms(ctx.sizes.idleWindowMs)} window, forced resync)`,
    tables: [table, detail],
    goals,
    notes: [
      `forced resync: ${resync.reconciles} no-op reconciles; the operator's event loop was blocked for up to ${ms(resyncLoop?.max ?? NaN)} (p99 ${ms(resyncLoop?.p99 ?? NaN)})`,
      'the audit log attributes requests by the impersonated user the operator runs as; a watch counts once, when it starts',
      `apiserver_request_total counts every client: in the idle window ${apiserverWrites} writes, from the API server's own loopback clients (leases, endpoints) unless the audit column shows operator writes`,
    ],
    data: { claims: n, windows, resyncLoop },
  };
}
