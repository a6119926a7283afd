import { CommandGroup } from '../lib/group.ts';
import { Command, Option } from 'commander';
import { abortRollout, pauseRollout, promoteRollout, resumeRollout } from '../../controller/rollout.ts';
import type { Decision, RolloutState } from '../../controller/rollout.ts';
import { RolloutRunner } from '../../controller/rollout-runner.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { CommandFactory, CliContext } from '../command.ts';
import { ExitCode, UsageError } from '../context.ts';
import { cliAuditLog } from '../lib/cli-audit.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import {
  formatStatus,
  holdClaims,
  parseDuration,
  startOn,
  statusRows,
  transition,
} from '../lib/rollout-ops.ts';
import { interruptSignal } from '../lib/watch-loop.ts';

interface RunOptions extends ClusterOptions {
  wait: boolean;
  interval: string;
}

const EXIT_HELP = `
Exit codes: 0 the rollout completed (or the command did what it says), 1 it halted, was paused or
aborted while running, or the cluster refused a change, 2 usage error.`;

function now(ctx: CliContext): string {
  return ctx.io
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
}

/** A client and an audited runner for one command; pending audit Events are written before it closes. */
async function withRunner(
  ctx: CliContext,
  options: ClusterOptions,
  composition: string,
  work: (run: RolloutRunner, client: KubeClient) => Promise<void>,
): Promise<void> {
  await withClient(ctx.io, options, async (client) => {
    const audit = await cliAuditLog(ctx.io, client);
    try {
      await work(new RolloutRunner({ client, composition, audit, now: () => ctx.io.now() }), client);
    } finally {
      await audit.flush();
    }
  });
}

/** Steps the rollout until it stops, printing each new message; the exit code says how it ended. */
async function follow(ctx: CliContext, run: RolloutRunner, options: RunOptions): Promise<void> {
  let state: RolloutState | undefined;
  if (options.wait) {
    const interrupt = interruptSignal();
    try {
      state = await run.run({
        pollMs: Math.max(0.1, Number(options.interval) || 2) * 1000,
        signal: interrupt.signal,
        onProgress: (s) => ctx.io.err(`${s.phase}: ${s.message}\n`),
      });
    } finally {
      interrupt.dispose();
    }
  } else state = await run.step();
  if (state) ctx.io.out(`rollout of ${state.composition} revision ${state.revision}: ${state.phase}\n`);
  ctx.exit(!options.wait || state?.phase === 'Completed' ? ExitCode.ok : ExitCode.failed);
}

function sub(name: string, description: string): Command {
  return withClusterOptions(
    new Command(name).description(description).argument('<composition>', 'Composition name'),
  );
}

function runFlags(command: Command): Command {
  return command
    .option('--no-wait', 'pin the first batch and return; run "kubify rollout resume" to continue')
    .option('--interval <seconds>', 'how often the claims are checked', '2');
}

export const rolloutCommand: CommandFactory = (ctx) => {
  const rollout = new CommandGroup('rollout')
    .description(
      'Roll a Composition revision out across its claims in batches, halting when readiness drops.',
    )
    .addHelpText(
      'after',
      `
State is kept in the annotation kubify.io/rollout on the Composition (JSON: revision, batches, phase).
To keep claims on their revision while you apply a changed Composition, run "kubify rollout hold" first.
${EXIT_HELP}

Examples:
  kubify rollout hold rayservice && kubectl apply -f new-composition.yaml
  kubify rollout start rayservice --batch-size 5 --timeout 10m
  kubify rollout status rayservice
  kubify rollout abort rayservice`,
    );
  rollout.addCommand(
    runFlags(
      sub('start', 'Start rolling a revision out: pin batch after batch, each once the previous is Ready.'),
    )
      .addOption(
        new Option('--revision <n>', 'revision to roll out (default: the latest)').argParser((v) =>
          positive(v, '--revision'),
        ),
      )
      .addOption(
        new Option('--batch-size <n>', 'claims per batch')
          .default(1)
          .argParser((v) => positive(v, '--batch-size')),
      )
      .option('--timeout <duration>', 'halt when a batch is not Ready within this time (90s, 5m, 1h)', '5m')
      .option('--force', 'replace a rollout that is still in progress, paused or halted')
      .action(
        async (
          composition: string,
          options: RunOptions & { revision?: number; batchSize: number; timeout: string; force?: boolean },
        ) => {
          const timeoutSeconds = parseDuration(options.timeout);
          await withRunner(ctx, options, composition, async (run, client) => {
            const state = await startOn(client, run, {
              composition,
              ...(options.revision !== undefined ? { revision: options.revision } : {}),
              batchSize: options.batchSize,
              timeoutSeconds,
              now: now(ctx),
              ...(options.force ? { force: true } : {}),
            });
            ctx.io.err(`${state.message}\n`);
            await follow(ctx, run, options);
          });
        },
      ),
  );
  rollout.addCommand(
    sub('status', 'Show the rollout: phase, batch, and each claim with its pin, revision and readiness.')
      .addOption(
        new Option('-o, --output <format>', 'output format')
          .choices(['table', 'json', 'yaml'])
          .default('table'),
      )
      .action(async (composition: string, options: ClusterOptions & { output: string }) => {
        await withClient(ctx.io, options, async (client) => {
          const run = new RolloutRunner({ client, composition });
          const { state } = await run.load();
          if (!state) throw new UsageError(`no rollout recorded on Composition ${composition}`);
          const rows = await statusRows(run, state);
          if (options.output === 'table') ctx.io.out(formatStatus(state, rows));
          else {
            const { stringify } = await import('yaml');
            const data = { ...state, claimStatus: rows };
            ctx.io.out(options.output === 'json' ? `${JSON.stringify(data, null, 2)}\n` : stringify(data));
          }
        });
      }),
  );
  const manual = (
    name: string,
    description: string,
    change: (s: RolloutState, t: string) => RolloutState | Decision,
    resumes = false,
  ): void => {
    const command = sub(name, description);
    if (resumes) runFlags(command);
    command.action(async (composition: string, options: RunOptions) => {
      await withRunner(ctx, options, composition, async (run) => {
        const state = await transition(run, (s) => {
          const out = change(s, now(ctx));
          return 'pins' in out ? out : { state: out, pins: [] };
        });
        ctx.io.err(`${state.message}\n`);
        if (resumes) await follow(ctx, run, options);
        else ctx.io.out(`rollout of ${composition} revision ${state.revision}: ${state.phase}\n`);
      });
    });
    rollout.addCommand(command);
  };
  manual('pause', 'Pause after the current step; pinned claims stay where they are.', pauseRollout);
  manual(
    'resume',
    'Resume a paused or halted rollout (the current batch gets a fresh timeout).',
    resumeRollout,
    true,
  );
  manual(
    'promote',
    'Pin every remaining claim to the revision at once and complete the rollout.',
    promoteRollout,
  );
  manual('abort', 'Move every claim the rollout pinned back to its previous pin (or none).', abortRollout);
  rollout.addCommand(
    sub(
      'hold',
      'Pin every unpinned claim to the revision it renders now, so changing the Composition moves nobody.',
    ).action(async (composition: string, options: ClusterOptions) => {
      await withRunner(ctx, options, composition, async (run, client) => {
        const count = await holdClaims(client, run, composition);
        ctx.io.out(`pinned ${count} claim(s) of ${composition} to their current revision\n`);
      });
    }),
  );
  return rollout;
};

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} must be a positive integer, not "${value}"`);
  return n;
}
