/**
 * Scenario 4, memory: the operator child's RSS and V8 heap with 100, 1,000 and 5,000 converged claims
 * (claims are added to reach each size), plus what its informer caches hold.
 */
import { ClaimTracker, createClaims } from '../claims.ts';
import { createNamespace, withCluster } from '../cluster.ts';
import { convergeTimeoutMs, type BenchContext } from '../context.ts';
import { deletionOf, settle, spawnOptions, startOn } from '../operator-run.ts';
import { OperatorProcess, withOperator } from '../operator-process.ts';
import type { CacheStats, Memory } from '../protocol.ts';
import type { Goal, ScenarioResult, Table } from '../report.ts';
import { mib, sleep } from '../stats.ts';

const NAMESPACE = 'bench';
const LIMITS: Record<number, number> = { 1000: 150, 5000: 500 };

interface Sample {
  claims: number;
  memory: Memory;
  cache: CacheStats;
}

/** Memory of a child that loaded the operator code through tsx, as bin/kubify.js runs it today. */
async function tsxBoot(ctx: BenchContext): Promise<Memory> {
  const op = await OperatorProcess.spawn({ ...spawnOptions(ctx), runtime: 'tsx' });
  await op.stop();
  return op.hello.memory;
}

export async function memoryScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const shipped = ctx.runtime === 'js' ? await tsxBoot(ctx) : undefined;
  const data = await withCluster({ log: ctx.log }, (cluster) =>
    withOperator(spawnOptions(ctx), async (op) => {
      const boot = op.hello.memory;
      await startOn(op, cluster, deletionOf(ctx));
      await settle(op, 500);
      await sleep(1000);
      const samples: Sample[] = [{ claims: 0, memory: await op.memory(true), cache: await op.cache() }];
      await createNamespace(cluster.admin, NAMESPACE);
      const tracker = new ClaimTracker(cluster.admin, NAMESPACE);
      await tracker.start();
      try {
        let have = 0;
        for (const size of ctx.sizes.memory) {
          const keys = await createClaims(cluster.admin, NAMESPACE, have, size);
          await tracker.waitSynced(keys, convergeTimeoutMs(size - have));
          await tracker.waitReady(keys, 120_000);
          have = size;
          await settle(op, 2000, convergeTimeoutMs(size));
          await sleep(1000);
          const memory = await op.memory(true);
          samples.push({ claims: size, memory, cache: await op.cache() });
          ctx.log(
            `memory at ${size} claims: rss ${mib(memory.rss)}, heap ${mib(memory.heapUsed)} (after GC ${mib(memory.heapUsedAfterGc ?? NaN)})`,
          );
        }
      } finally {
        await tracker.stop();
      }
      return { boot, samples };
    }),
  );
  const table: Table = {
    columns: [
      'claims',
      'RSS',
      'peak RSS',
      'heap used',
      'heap total',
      'external',
      'heap after GC',
      'RSS after GC',
      'cached objects',
      'cached JSON',
    ],
    rows: [
      ...(shipped
        ? [
            [
              'boot under tsx (as shipped)',
              mib(shipped.rss),
              mib(shipped.maxRss),
              mib(shipped.heapUsed),
              mib(shipped.heapTotal),
              mib(shipped.external),
              '',
              '',
              '',
              '',
            ],
          ]
        : []),
      [
        `boot (${ctx.runtime}, code loaded)`,
        mib(data.boot.rss),
        mib(data.boot.maxRss),
        mib(data.boot.heapUsed),
        mib(data.boot.heapTotal),
        mib(data.boot.external),
        '',
        '',
        '',
        '',
      ],
      ...data.samples.map((s) => {
        const objects = s.cache.informers.reduce((n, i) => n + i.objects, 0);
        const bytes = s.cache.informers.reduce((n, i) => n + i.jsonBytes, 0);
        return [
          String(s.claims),
          mib(s.memory.rss),
          mib(s.memory.maxRss),
          mib(s.memory.heapUsed),
          mib(s.memory.heapTotal),
          mib(s.memory.external),
          mib(s.memory.heapUsedAfterGc ?? NaN),
          mib(s.memory.rssAfterGc ?? NaN),
          String(objects),
          mib(bytes),
        ];
      }),
    ],
  };
  const last = data.samples.at(-1);
  const caches: Table = {
    title: `Informer caches at ${last?.claims ?? 0} claims`,
    columns: ['informer', 'objects', 'JSON'],
    rows: (last?.cache.informers ?? []).map((i) => [i.name, String(i.objects), mib(i.jsonBytes)]),
  };
  const goals: Goal[] = Object.entries(LIMITS).map(([claims, limit]) => {
    const s = data.samples.find((x) => x.claims === Number(claims));
    return {
      goal: `RSS at ${Number(claims).toLocaleString('en-US')} claims`,
      target: `<= ${limit} MiB`,
      measured: s ? mib(s.memory.rss) : 'not run',
      met: s ? s.memory.rss <= limit * 1024 * 1024 : undefined,
    };
  });
  const small = data.samples.find((s) => s.claims > 0);
  if (goals.every((g) => g.met === undefined) && small) {
    goals.push({
      goal: `RSS at ${small.claims} claims (quick)`,
      target: 'report only',
      measured: mib(small.memory.rss),
      met: undefined,
    });
  }
  return {
    name: 'memory',
    title: '4. Memory (operator in a child process)',
    tables: [table, caches],
    goals,
    notes: [
      'RSS/heap sampled after the operator settled, before a forced GC; "after GC" after global.gc()',
      `the operator child runs ${ctx.runtime === 'js' ? 'the sources compiled to JavaScript by tsc' : 'the TypeScript sources through tsx'}; "boot" rows: the process with the operator code loaded, before startOperator()`,
    ],
    data: { ...data, ...(shipped ? { tsxBoot: shipped } : {}) },
  };
}
