/**
 * `npm run bench:ablation -- [--claims 1000] [--rounds 2]`: what each thing kubify does for a claim
 * beyond the bare controller costs, measured by switching it off.
 *
 * The finalizer goes with a real setting, the bench Composition's `deletion: Background` (`npm run bench
 * -- --deletion Background`). The other two switches are not in the product: `ablation.patch` adds
 * them (the `KUBIFY_ABLATE` environment variable: `events` — no Event per reconcile; `inventory` — no
 * `status.resources`) to a throw-away git worktree of HEAD. The convergence scenario runs there once per
 * variant and round, rounds interleaved (the machine's speed drifts by ±10% between runs, so each variant
 * gets the same mix). The first variant of every round also runs the floor and the bare controller.
 * Prints the medians; the runs' JSON stays in the output directory.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const PATCH = fileURLToPath(new URL('./ablation.patch', import.meta.url));
const USAGE = 'usage: npm run bench:ablation -- [--claims n] [--rounds n] [--out dir]';

const VARIANTS: [name: string, ablate: string, deletion?: 'Background'][] = [
  ['kubify', ''],
  ['deletion: Background (no finalizer)', '', 'Background'],
  ['no Event', 'events'],
  ['no status.resources', 'inventory'],
  ['Background, no Event, no status.resources', 'events,inventory', 'Background'],
];

interface Args {
  claims: number;
  rounds: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { claims: 1000, rounds: 2, out: 'bench-results/ablation' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--claims') args.claims = Number(next());
    else if (a === '--rounds') args.rounds = Number(next());
    else if (a === '--out') args.out = next();
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!(args.claims > 0) || !(args.rounds > 0))
    throw new Error(`--claims and --rounds are positive\n${USAGE}`);
  return args;
}

/** A worktree of HEAD with the switches patched in, sharing the repository's packages. */
function patchedWorktree(): { dir: string; remove(): void } {
  const dir = join(mkdtempSync(join(tmpdir(), 'kubify-ablation-')), 'repo');
  execFileSync('git', ['-C', REPO, 'worktree', 'add', '--detach', '--quiet', dir, 'HEAD']);
  const remove = (): void => {
    spawnSync('git', ['-C', REPO, 'worktree', 'remove', '--force', dir]);
    rmSync(join(dir, '..'), { recursive: true, force: true });
  };
  try {
    execFileSync('git', ['-C', dir, 'apply', PATCH], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    remove();
    throw new Error(
      `${PATCH} no longer applies to HEAD: refresh it (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`,
      { cause: err },
    );
  }
  // its own node_modules/.cache (the compiled operator child), every package linked
  mkdirSync(join(dir, 'node_modules'));
  const modules = join(REPO, 'node_modules');
  for (const name of readdirSync(modules)) {
    if (name !== '.cache') symlinkSync(join(modules, name), join(dir, 'node_modules', name));
  }
  return { dir, remove };
}

interface Run {
  convergeMs: number;
  cpuPerClaim: Record<string, number>;
}

function runsOf(file: string, claims: number): { kubify: Run; floor?: Run; bare?: Run } {
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    results: { name: string; data?: Record<string, unknown> }[];
  };
  const data = report.results.find((r) => r.name === 'convergence')?.data as
    | Record<
        'kubify' | 'floor' | 'bare',
        { convergeMs?: number; floorMs?: number; cpu: { net: Record<string, number> } }[]
      >
    | undefined;
  if (!data?.kubify[0]) throw new Error(`${file} has no convergence run`);
  const run = (r: { convergeMs?: number; floorMs?: number; cpu: { net: Record<string, number> } }): Run => ({
    convergeMs: r.convergeMs ?? r.floorMs ?? NaN,
    cpuPerClaim: Object.fromEntries(Object.entries(r.cpu.net).map(([p, ms]) => [p, ms / claims])),
  });
  return {
    kubify: run(data.kubify[0]),
    ...(data.floor[0] ? { floor: run(data.floor[0]) } : {}),
    ...(data.bare[0] ? { bare: run(data.bare[0]) } : {}),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const out = resolve(args.out);
  mkdirSync(out, { recursive: true });
  const worktree = patchedWorktree();
  const runs = new Map<string, Run[]>();
  const add = (name: string, run: Run | undefined): void => {
    if (run) runs.set(name, [...(runs.get(name) ?? []), run]);
  };
  try {
    for (let round = 1; round <= args.rounds; round++) {
      VARIANTS.forEach(([name, ablate, deletion], i) => {
        const label = [deletion?.toLowerCase(), ...ablate.split(',')].filter(Boolean).join('+') || 'kubify';
        const file = join(out, `round${round}-${label}.json`);
        process.stderr.write(`round ${round}/${args.rounds}: ${name}\n`);
        const bench = spawnSync(
          'npm',
          [
            'run',
            'bench',
            '--',
            '--scenario',
            'convergence',
            '--size',
            `convergence=${args.claims}`,
            '--size',
            `floor=${i === 0 ? args.claims : 0}`,
            '--out',
            file,
            ...(deletion ? ['--deletion', deletion] : []),
          ],
          {
            cwd: worktree.dir,
            env: { ...process.env, KUBIFY_ABLATE: ablate },
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        if (bench.status !== 0) throw new Error(`the bench failed for ${name} (exit ${bench.status})`);
        const result = runsOf(file, args.claims);
        add(name, result.kubify);
        add('floor', result.floor);
        add('bare controller', result.bare);
      });
    }
  } finally {
    worktree.remove();
  }
  const floor = median((runs.get('floor') ?? []).map((r) => r.convergeMs));
  const processes = ['apiserver', 'etcd', 'operator', 'harness', 'client'];
  const order = ['floor', 'bare controller', ...VARIANTS.map(([name]) => name)];
  const rows = [...runs]
    .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
    .map(([name, rs]) => {
      const cpu = processes.map((p) => {
        const values = rs.map((r) => r.cpuPerClaim[p]).filter((v): v is number => v !== undefined);
        return values.length ? `${median(values).toFixed(1)}` : '';
      });
      const total = median(rs.map((r) => Object.values(r.cpuPerClaim).reduce((a, b) => a + b, 0)));
      const converge = median(rs.map((r) => r.convergeMs));
      return `| ${name} | ${rs.length} | ${(converge / 1000).toFixed(2)} s | ${(converge / floor).toFixed(2)}x | ${cpu.join(' | ')} | ${total.toFixed(1)} |`;
    });
  process.stdout.write(
    [
      `Ablation at ${args.claims} claims, ${args.rounds} round(s); medians (CPU in ms per claim)`,
      '',
      `| run | runs | converged | vs floor | ${processes.join(' | ')} | total |`,
      `| --- | --- | --- | --- | ${processes.map(() => '---').join(' | ')} | --- |`,
      ...rows,
      '',
      `JSON of every run: ${out}`,
      '',
    ].join('\n'),
  );
}

try {
  main();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
