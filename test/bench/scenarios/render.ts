/**
 * Scenario 1, render: claims per second and time per render for every example of every pack in
 * compositions/ (and with its observed objects, when the pack has them), one process, one thread.
 * Pure CPU: readPack + compile once, then render in a loop.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseClaim } from '../../../engine/cli/lib/claim-file.ts';
import { parseObserved } from '../../../engine/cli/lib/observed-file.ts';
import { compile, render, type CompiledComposition } from '../../../engine/compose/index.ts';
import { readPack } from '../../../engine/packs/index.ts';
import { appClaim, appComposition } from '../app-composition.ts';
import type { BenchContext } from '../context.ts';
import type { ScenarioResult, Table } from '../report.ts';
import { ms, num, summarize, type Summary } from '../stats.ts';

const COMPOSITIONS = fileURLToPath(new URL('../../../compositions/', import.meta.url));
const NOW = '2025-01-01T00:00:00Z';

interface Case {
  pack: string;
  example: string;
  claim: unknown;
  observed?: Record<string, unknown>;
  compiled: CompiledComposition;
}

export interface RenderRow {
  pack: string;
  example: string;
  observed: boolean;
  objects: number;
  renders: number;
  claimsPerSecond: number;
  timing: Summary;
  compileMs: number;
  fatal?: string;
}

async function packCases(pack: string): Promise<{ cases: Case[]; compileMs: number }> {
  const dir = join(COMPOSITIONS, pack);
  const source = await readPack(dir);
  const t0 = performance.now();
  const result = compile(source);
  const compileMs = performance.now() - t0;
  if (!result.compiled)
    throw new Error(`pack ${pack} does not compile: ${JSON.stringify(result.problems[0])}`);
  const compiled = result.compiled;
  const examples = join(dir, 'examples');
  const files = existsSync(examples)
    ? readdirSync(examples)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  const cases: Case[] = [];
  for (const file of files) {
    const parsed = parseClaim(readFileSync(join(examples, file), 'utf8'), file);
    if (!parsed.claim)
      throw new Error(`${pack}/examples/${file}: ${parsed.problems[0]?.message ?? 'no claim'}`);
    const example = file.replace(/\.ya?ml$/, '');
    cases.push({ pack, example, claim: parsed.claim.value, compiled });
    const observedFile = join(examples, 'observed', file);
    if (existsSync(observedFile)) {
      const ids = compiled.resources.map((r) => r.id);
      const { observed } = parseObserved(readFileSync(observedFile, 'utf8'), file, ids);
      cases.push({ pack, example, claim: parsed.claim.value, observed, compiled });
    }
  }
  return { cases, compileMs };
}

function measure(c: Case, budgetMs: number, compileMs: number): RenderRow {
  const input = {
    claim: c.claim,
    compiled: c.compiled,
    ...(c.observed ? { observed: c.observed } : {}),
    revision: 1,
    now: NOW,
  };
  const first = render(input);
  const fatal = first.results.find((r) => r.severity === 'Fatal');
  for (let i = 0; i < 20; i++) render(input); // warm-up: JIT, template caches
  const times: number[] = [];
  const started = performance.now();
  const maxRenders = 200_000;
  while (performance.now() - started < budgetMs && times.length < maxRenders) {
    const t0 = performance.now();
    render(input);
    times.push(performance.now() - t0);
  }
  const elapsed = performance.now() - started;
  return {
    pack: c.pack,
    example: c.example,
    observed: Boolean(c.observed),
    objects: first.desired.length,
    renders: times.length,
    claimsPerSecond: (times.length / elapsed) * 1000,
    timing: summarize(times),
    compileMs,
    ...(fatal ? { fatal: fatal.message } : {}),
  };
}

export async function renderScenario(ctx: BenchContext): Promise<Omit<ScenarioResult, 'durationMs'>> {
  const packs = readdirSync(COMPOSITIONS, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(COMPOSITIONS, e.name, 'composition.yaml')))
    .map((e) => e.name)
    .sort();
  const rows: RenderRow[] = [];
  for (const pack of packs) {
    const { cases, compileMs } = await packCases(pack);
    for (const c of cases) {
      rows.push(measure(c, ctx.sizes.renderBudgetMs, compileMs));
      ctx.log(
        `render ${pack}/${c.example}${c.observed ? ' +observed' : ''}: ${num(rows.at(-1)!.claimsPerSecond)} claims/s`,
      );
    }
  }
  // the bench App composition the operator scenarios run
  const t0 = performance.now();
  const app = compile({ object: appComposition(), file: 'bench-app' });
  const appCompileMs = performance.now() - t0;
  if (!app.compiled)
    throw new Error(`bench composition does not compile: ${JSON.stringify(app.problems[0])}`);
  rows.push(
    measure(
      { pack: '(bench App)', example: 'app-00001', claim: appClaim('bench', 1), compiled: app.compiled },
      ctx.sizes.renderBudgetMs,
      appCompileMs,
    ),
  );
  const table: Table = {
    columns: ['pack', 'example', 'observed', 'objects', 'renders', 'claims/s', 'p50', 'p99', 'compile'],
    rows: rows.map((r) => [
      r.pack,
      r.example,
      r.observed ? 'yes' : 'no',
      r.fatal ? `FATAL: ${r.fatal.slice(0, 40)}` : String(r.objects),
      num(r.renders),
      num(r.claimsPerSecond),
      ms(r.timing.p50),
      ms(r.timing.p99),
      ms(r.compileMs),
    ]),
  };
  const slowest = rows.reduce((a, b) => (a.claimsPerSecond < b.claimsPerSecond ? a : b));
  return {
    name: 'render',
    title: '1. Render (pure CPU, one thread)',
    tables: [table],
    goals: [],
    notes: [
      `slowest: ${slowest.pack}/${slowest.example} at ${num(slowest.claimsPerSecond)} claims/s (p99 ${ms(slowest.timing.p99)}); issue 8 sets no render goal`,
      'compile is timed once per pack (cold); render after 20 warm-up renders',
    ],
    data: { rows },
  };
}
