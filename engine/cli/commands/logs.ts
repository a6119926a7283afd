import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode, UsageError } from '../context.ts';
import { resolveTarget } from '../lib/claim-target.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import { parseDuration } from '../lib/rollout-ops.ts';
import { interruptSignal } from '../lib/watch-loop.ts';
import { apiLogSource, claimLogTargets, mergeLogs, prefixOf } from '../lib/workload-logs.ts';

interface LogsOptions extends ClusterOptions {
  follow?: boolean;
  since?: string;
  tail?: string;
  container?: string;
  timestamps?: boolean;
}

export const logsCommand: CommandFactory = (ctx) =>
  withClusterOptions(
    new Command('logs')
      .description(
        'Print the logs of the workloads a claim composed (its Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs), merged, each line prefixed [pod/<pod>/<container>].',
      )
      .argument('<kind/name>', 'the claim, e.g. app/shop'),
  )
    .option('-f, --follow', 'keep streaming new lines (Ctrl-C stops)')
    .option('--since <duration>', 'only lines newer than this (30s, 5m, 1h)')
    .option('--tail <lines>', 'only the last lines of each container')
    .option('-c, --container <name>', 'only this container of each pod')
    .option('--timestamps', 'prefix each line with its RFC 3339 timestamp')
    .addHelpText(
      'after',
      `
Pods are found with each workload's spec.selector; without --follow each container's log is printed
whole, in pod/container order.
Exit codes: 0 every log was read, 1 a log could not be read or the claim composed no workload with pods,
2 usage error.

Examples:
  kubify logs app/shop -n team-a
  kubify logs app/shop --follow --since 10m
  kubify logs app/shop -c web --tail 100`,
    )
    .action(async (target: string, options: LogsOptions, command: Command) => {
      const style = ctx.style(command);
      const tail = options.tail !== undefined ? Number(options.tail) : undefined;
      if (tail !== undefined && (!Number.isInteger(tail) || tail < 0))
        throw new UsageError(`--tail must be a whole number, not "${options.tail ?? ''}"`);
      const sinceSeconds = options.since !== undefined ? parseDuration(options.since) : undefined;
      await withClient(ctx.io, options, async (client) => {
        const ref = await resolveTarget(client, target, options.namespace);
        const claim = await client.get(ref);
        const { workloads, targets } = await claimLogTargets(client, claim, options.container);
        if (targets.length === 0) {
          const what =
            workloads.length === 0
              ? 'composed no workload'
              : `has no pods for ${workloads.map((w) => w.name).join(', ')}`;
          ctx.io.err(`${style.yellow('warning:')} ${ref.kind}/${ref.name} ${what}\n`);
          ctx.exit(ExitCode.failed);
          return;
        }
        const interrupt = interruptSignal();
        try {
          const result = await mergeLogs(
            targets,
            apiLogSource(client),
            {
              ...(options.follow ? { follow: true } : {}),
              ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
              ...(tail !== undefined ? { tailLines: tail } : {}),
              ...(options.timestamps ? { timestamps: true } : {}),
              signal: interrupt.signal,
            },
            (line) => ctx.io.out(`${line}\n`),
          );
          for (const f of result.failed)
            ctx.io.err(`${style.red('error:')} ${prefixOf(f.target)} ${f.error}\n`);
          ctx.exit(result.failed.length > 0 ? ExitCode.failed : ExitCode.ok);
        } finally {
          interrupt.dispose();
        }
      });
    });
