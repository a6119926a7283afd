import { Command, Option } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { resolveTarget } from '../lib/claim-target.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import { fetchTrace } from '../lib/trace-fetch.ts';
import { formatTrace, parseTraceFormat, TRACE_FORMATS } from '../lib/trace-format.ts';
import { buildTrace } from '../lib/trace-tree.ts';
import { interruptSignal, watchLoop } from '../lib/watch-loop.ts';

interface TraceOptions extends ClusterOptions {
  output: string;
  watch?: boolean;
  interval: string;
}

export const traceCommand: CommandFactory = (ctx) =>
  withClusterOptions(
    new Command('trace')
      .description(
        'Show a claim, the objects it composed and their children as a tree, with the reason it is not Ready.',
      )
      .argument('<kind/name>', 'the claim, e.g. rayservice/demo or widgets.demo.kubify.io/w1'),
  )
    .addOption(
      new Option('-o, --output <format>', 'output format').choices([...TRACE_FORMATS]).default('table'),
    )
    .option('-w, --watch', 'print the tree again whenever it changes (Ctrl-C stops)')
    .option('--interval <seconds>', 'how often --watch re-reads the cluster', '2')
    .addHelpText(
      'after',
      `
Columns: NAME (kind/name [resource id]), SYNCED (the claim's Synced condition; for composed objects:
the object exists), READY, STATUS (reason: message). "Blocked by" lines name what holds the claim back.
Exit codes: 0 the claim is Ready, 1 it is not Ready (or not found), 2 usage error.

Examples:
  kubify trace rayservice/demo -n team-a
  kubify trace widget/w1 -o wide
  kubify trace widget/w1 -o dot | dot -Tsvg > w1.svg
  kubify trace widget/w1 --watch`,
    )
    .action(async (target: string, options: TraceOptions, command: Command) => {
      const style = ctx.style(command);
      const format = parseTraceFormat(options.output);
      await withClient(ctx.io, options, async (client) => {
        const ref = await resolveTarget(client, target, options.namespace);
        let ready = false;
        const snapshot = async (): Promise<string> => {
          const trace = buildTrace(await fetchTrace(client, ref));
          ready = trace.root.ready === 'True' && trace.root.synced === 'True';
          return formatTrace(trace, format, style);
        };
        if (!options.watch) ctx.io.out(await snapshot());
        else {
          const interrupt = interruptSignal();
          try {
            await watchLoop({
              snapshot,
              print: (text) => ctx.io.out(`${text}\n`),
              intervalMs: Math.max(0.2, Number(options.interval) || 2) * 1000,
              signal: interrupt.signal,
            });
          } finally {
            interrupt.dispose();
          }
        }
        ctx.exit(ready ? ExitCode.ok : ExitCode.failed);
      });
    });
