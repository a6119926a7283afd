/**
 * `npm run bench -- [--quick] [--scenario name[,name]] [--out bench-results/<file>.json] [--profile]`
 *
 * Runs the benchmarks of issue 8, each operator scenario on its own fresh embedded control plane with
 * the operator in a child process, prints a table per scenario with the goals, writes JSON, and exits
 * non-zero when a scenario failed (a goal that is not met is reported, not a failure).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, resolve } from 'node:path';
import { ensureBinaries } from '../../engine/controlplane/index.ts';
import { FULL, QUICK, type BenchContext, type Sizes } from './context.ts';
import { formatScenario, type ScenarioResult } from './report.ts';
import { convergenceScenario } from './scenarios/convergence.ts';
import { idleScenario } from './scenarios/idle.ts';
import { latencyScenario } from './scenarios/latency.ts';
import { memoryScenario } from './scenarios/memory.ts';
import { renderScenario } from './scenarios/render.ts';
import { scalingScenario } from './scenarios/scaling.ts';
import { startupScenario } from './scenarios/startup.ts';

type Scenario = (ctx: BenchContext) => Promise<Omit<ScenarioResult, 'durationMs'>>;

const SCENARIOS: Record<string, Scenario> = {
  render: renderScenario,
  convergence: convergenceScenario,
  idle: idleScenario,
  memory: memoryScenario,
  latency: latencyScenario,
  startup: startupScenario,
  scaling: scalingScenario,
};

interface Args {
  quick: boolean;
  scenarios: string[];
  out: string;
  profile: boolean;
  runtime: 'js' | 'tsx';
  deletion?: 'Foreground' | 'Background';
  /** `--size field=a,b` overrides of the quick/full sizes. */
  sizes: Partial<Record<keyof Sizes, number[]>>;
}

const USAGE = `usage: npm run bench -- [--quick] [--scenario ${Object.keys(SCENARIOS).join('|')}[,...]] [--out file.json] [--profile] [--runtime js|tsx] [--deletion Foreground|Background] [--size field=n[,n]]`;

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    scenarios: Object.keys(SCENARIOS),
    out: 'bench-results/latest.json',
    profile: false,
    runtime: 'js',
    sizes: {},
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--profile') args.profile = true;
    else if (a === '--scenario' || a.startsWith('--scenario=')) args.scenarios = value().split(',');
    else if (a === '--out' || a.startsWith('--out=')) args.out = value();
    else if (a === '--size' || a.startsWith('--size=')) {
      const [field, list] = value().split('=') as [string, string | undefined];
      const numbers = (list ?? '').split(',').map(Number);
      if (!(field in QUICK) || numbers.some((x) => !Number.isFinite(x) || x < 0))
        throw new Error(`--size takes field=n[,n] with field one of ${Object.keys(QUICK).join(', ')}`);
      args.sizes[field as keyof Sizes] = numbers;
    } else if (a === '--runtime' || a.startsWith('--runtime=')) {
      const v = value();
      if (v !== 'js' && v !== 'tsx') throw new Error(`--runtime is js or tsx\n${USAGE}`);
      args.runtime = v;
    } else if (a === '--deletion' || a.startsWith('--deletion=')) {
      const v = value();
      if (v !== 'Foreground' && v !== 'Background')
        throw new Error(`--deletion is Foreground or Background\n${USAGE}`);
      args.deletion = v;
    } else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  for (const s of args.scenarios) if (!SCENARIOS[s]) throw new Error(`unknown scenario ${s}\n${USAGE}`);
  return args;
}

function withOverrides(base: Sizes, overrides: Args['sizes']): Sizes {
  const out: Sizes = { ...base };
  for (const [field, values] of Object.entries(overrides) as [keyof Sizes, number[]][]) {
    const current = base[field];
    (out as unknown as Record<string, number | number[]>)[field] = Array.isArray(current)
      ? values
      : values[0]!;
  }
  return out;
}

function command(cmd: string, argv: string[]): string {
  try {
    return execFileSync(cmd, argv, {
      encoding: 'utf8',
      timeout: 10_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'unknown';
  }
}

interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  freeMemoryGiB: number;
  loadAverageAtStart: number[];
  node: string;
  go: string;
  kubeApiserver: string;
  etcd: string;
}

async function machine(): Promise<MachineInfo> {
  const bins = await ensureBinaries();
  const apiserver = command(bins.kubeApiserver, ['--version']);
  const etcd = command(bins.etcd, ['--version']).split('\n')[0] ?? 'unknown';
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: +(totalmem() / 1024 ** 3).toFixed(1),
    freeMemoryGiB: +(freemem() / 1024 ** 3).toFixed(1),
    loadAverageAtStart: loadavg().map((l) => +l.toFixed(2)),
    node: process.version,
    go: command('go', ['version']),
    kubeApiserver: apiserver,
    etcd,
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const out = resolve(args.out);
  const profileDir = resolve(dirname(out), 'profiles');
  const log = (line: string): void => {
    process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
  };
  const ctx: BenchContext = {
    quick: args.quick,
    sizes: withOverrides(args.quick ? QUICK : FULL, args.sizes),
    log,
    childFlags: args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    ...(args.profile ? { apiserverProfileDir: profileDir } : {}),
    runtime: args.runtime,
    ...(args.deletion ? { deletion: args.deletion } : {}),
    shared: new Map(),
  };
  const info = await machine();
  process.stdout.write(
    `kubify benchmarks (${args.quick ? 'quick' : 'full'}, operator child runs ${args.runtime === 'js' ? 'compiled JavaScript' : 'tsx'}${args.deletion ? `, deletion: ${args.deletion}` : ''}): ${info.cpus} CPUs, ${info.memoryGiB} GiB, node ${info.node}, load ${JSON.stringify(info.loadAverageAtStart)}\n` +
      `  kube-apiserver ${info.kubeApiserver}; ${info.etcd}; ${info.go}\n`,
  );
  const results: ScenarioResult[] = [];
  for (const name of args.scenarios) {
    const scenario = SCENARIOS[name]!;
    log(`scenario ${name}`);
    const t0 = performance.now();
    const load = loadavg()[0] ?? 0;
    try {
      const result = await scenario(ctx);
      results.push({
        ...result,
        durationMs: performance.now() - t0,
        data: { loadAverage1m: load, ...(result.data as object) },
      });
    } catch (err) {
      log(`scenario ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      results.push({
        name,
        title: name,
        durationMs: performance.now() - t0,
        tables: [],
        goals: [],
        notes: [],
        data: { loadAverage1m: load },
        error: err instanceof Error ? err.message.split('\n')[0]! : String(err),
      });
    }
    process.stdout.write(`${formatScenario(results.at(-1)!)}\n`);
  }
  const failed = results.filter((r) => r.error);
  const goals = results.flatMap((r) => r.goals);
  const report = {
    kind: args.quick ? 'quick' : 'full',
    runtime: args.runtime,
    deletion: args.deletion ?? 'Foreground',
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: { ...info, loadAverageAtEnd: loadavg().map((l) => +l.toFixed(2)) },
    results,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    out.replace(/\.json$/, '') + '.md',
    results.map((r) => formatScenario(r, true)).join('\n\n') + '\n',
  );
  process.stdout.write(
    `\n${results.length - failed.length} scenarios passed, ${failed.length} failed; goals: ${goals.filter((g) => g.met === true).length} met, ${goals.filter((g) => g.met === false).length} not met, ${goals.filter((g) => g.met === undefined).length} not measured; ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${args.out}\n`,
  );
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  },
);
