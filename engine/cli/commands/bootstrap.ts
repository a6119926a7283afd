import { CommandGroup } from '../lib/group.ts';
import { spawnSync } from 'node:child_process';
import { Command, Option } from 'commander';
import type { CliContext, CommandFactory } from '../command.ts';
import { CliError, ExitCode } from '../context.ts';
import type { BootstrapMode } from '../lib/bootstrap.ts';
import {
  alive,
  BOOTSTRAP_MODES,
  chooseMode,
  detectTools,
  downCommands,
  EMBEDDED_NOTE,
  readState,
  shellLine,
  stateDir,
  upCommands,
} from '../lib/bootstrap.ts';
import { downEmbedded, serveEmbedded, upEmbedded } from '../lib/bootstrap-embedded.ts';
import { parseDuration } from '../lib/rollout-ops.ts';

interface UpOptions {
  mode: (typeof BOOTSTRAP_MODES)[number];
  name: string;
  packs?: string[];
  dryRun?: boolean;
  timeout: string;
}

/** Prints and runs each command; stops at the first that fails. */
function runCommands(ctx: CliContext, commands: string[][], dryRun: boolean): void {
  for (const argv of commands) {
    ctx.io.out(`${dryRun ? '' : '+ '}${shellLine(argv)}\n`);
    if (dryRun) continue;
    const [bin = '', ...args] = argv;
    const result = spawnSync(
      bin === 'kubify' ? process.execPath : bin,
      bin === 'kubify' ? [process.argv[1] ?? 'kubify', ...args] : args,
      { stdio: 'inherit', cwd: ctx.io.cwd },
    );
    if (result.status !== 0)
      throw new CliError(`${shellLine(argv)} failed (exit ${result.status ?? 'signal'})`);
  }
}

function modeOption(): Option {
  return new Option(
    '--mode <mode>',
    'kind, k3d, embedded, or auto: kind/k3d when a container engine works, else embedded',
  )
    .choices([...BOOTSTRAP_MODES])
    .default('auto');
}

export const bootstrapCommand: CommandFactory = (ctx) => {
  const bootstrap = new CommandGroup('bootstrap')
    .description(
      'A local cluster with kubify installed: kind or k3d when a container engine works, else the embedded control plane.',
    )
    .addHelpText(
      'after',
      `
${EMBEDDED_NOTE}.
Embedded state: <cache dir>/bootstrap/state.json (cache dir: $KUBIFY_CACHE_DIR, $XDG_CACHE_HOME/kubify or ~/.cache/kubify).
Exit codes: 0 ok, 1 a step failed (or status: not running), 2 usage error (e.g. --mode kind without kind).

Examples:
  kubify bootstrap up --dry-run          # the commands it would run
  kubify bootstrap up --mode embedded && export KUBECONFIG=~/.cache/kubify/bootstrap/kubeconfig
  kubify bootstrap status
  kubify bootstrap down`,
    );
  bootstrap.addCommand(
    new Command('up')
      .description('Create the cluster and install kubify (prints every command it runs).')
      .addOption(modeOption())
      .option('--name <name>', 'cluster name (kind/k3d)', 'kubify')
      .option('--packs <packs...>', 'packs to install (default: every pack found)')
      .option('--dry-run', 'print the commands (or, embedded, what would start) and run nothing')
      .option(
        '--timeout <duration>',
        'how long to wait for the embedded control plane (first run builds it)',
        '15m',
      )
      .action(async (options: UpOptions) => {
        const mode: BootstrapMode = chooseMode(options.mode, detectTools(ctx.io));
        if (mode !== 'embedded') {
          ctx.io.err(`mode ${mode}: a ${mode} cluster named ${options.name}\n`);
          runCommands(ctx, upCommands(mode, options.name, options.packs ?? []), options.dryRun === true);
          return;
        }
        const dir = stateDir(ctx.io);
        const existing = readState(dir);
        if (existing && alive(existing.pid)) {
          ctx.io.out(`already running (pid ${existing.pid}); kubeconfig: ${existing.kubeconfig}\n`);
          return;
        }
        ctx.io.err(`mode embedded: ${EMBEDDED_NOTE}\n`);
        if (options.dryRun) {
          ctx.io.out(
            `would start: kubify bootstrap serve --state-dir ${dir}${options.packs ? ` --packs ${options.packs.join(' ')}` : ''}\n`,
          );
          return;
        }
        const state = await upEmbedded(
          ctx.io,
          dir,
          options.packs ?? [],
          parseDuration(options.timeout) * 1000,
          (l) => ctx.io.err(`${l}\n`),
        );
        ctx.io.out(
          `kubify is running on ${state.server} (pid ${state.pid}; packs: ${state.packs.join(', ') || 'none'})\nexport KUBECONFIG=${state.kubeconfig}\n`,
        );
      }),
  );
  bootstrap.addCommand(
    new Command('down')
      .description(
        'Delete the cluster (kind/k3d) or stop the embedded control plane and operator and remove their state.',
      )
      .addOption(modeOption())
      .option('--name <name>', 'cluster name (kind/k3d)', 'kubify')
      .option('--dry-run', 'print the commands and run nothing')
      .action(async (options: UpOptions) => {
        const dir = stateDir(ctx.io);
        const state = readState(dir);
        if (options.mode !== 'auto' ? options.mode !== 'embedded' : !state) {
          const mode = chooseMode(options.mode, detectTools(ctx.io));
          if (mode !== 'embedded') {
            runCommands(ctx, downCommands(mode, options.name), options.dryRun === true);
            return;
          }
        }
        if (!state) {
          ctx.io.out('not running\n');
          return;
        }
        if (options.dryRun) {
          ctx.io.out(`would stop pid ${state.pid} and remove ${dir}\n`);
          return;
        }
        const pids = await downEmbedded(dir, state);
        ctx.io.out(`stopped (pids ${pids.join(', ')}) and removed ${dir}\n`);
      }),
  );
  bootstrap.addCommand(
    new Command('status')
      .description('Report the embedded control plane and operator (or the tools found for kind/k3d).')
      .addOption(
        new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
      )
      .action((options: { output: string }) => {
        const state = readState(stateDir(ctx.io));
        const running =
          state !== undefined && state.ready && alive(state.pid) && state.childPids.every(alive);
        if (options.output === 'json')
          ctx.io.out(
            `${JSON.stringify({ running, state: state ?? null, tools: detectTools(ctx.io) }, null, 2)}\n`,
          );
        else if (!state) {
          const tools = detectTools(ctx.io);
          ctx.io.out(
            `embedded: not running\ntools: kind ${tools.kind ?? 'missing'}, k3d ${tools.k3d ?? 'missing'}, container engine ${tools.engine ?? 'none'}\n`,
          );
        } else {
          ctx.io.out(
            `embedded: ${running ? 'running' : 'NOT running (stale state: run kubify bootstrap down)'}\n` +
              `server:     ${state.server}\nkubeconfig: ${state.kubeconfig}\npids:       ${[state.pid, ...state.childPids].join(', ')}\n` +
              `packs:      ${state.packs.join(', ') || 'none'}\nstarted:    ${state.startedAt}\nlog:        ${state.log}\nnote:       ${EMBEDDED_NOTE}\n`,
          );
        }
        ctx.exit(running ? ExitCode.ok : ExitCode.failed);
      }),
  );
  bootstrap.addCommand(
    new Command('serve')
      .description('(internal) run the embedded control plane and operator in the foreground')
      .requiredOption('--state-dir <dir>', 'where the state file goes')
      .option('--packs <packs...>', 'packs to install')
      .action(async (options: { stateDir: string; packs?: string[] }) => {
        await serveEmbedded(options.stateDir, options.packs ?? [], ctx.io);
      }),
    { hidden: true },
  );
  return bootstrap;
};
