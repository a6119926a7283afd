import { Command, Option } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode, UsageError } from '../context.ts';
import { renderClaimFile } from '../lib/render-claim.ts';
import { isError } from '../../api/problem.ts';
import { formatObjects, parseOutputFormat, problemLine } from '../output.ts';
import type { OutputFormat } from '../output.ts';

interface RenderOptions {
  composition?: string;
  observed?: string;
  output: OutputFormat;
  includeStatus?: boolean;
  now?: string;
  verbose?: boolean;
}

export const renderCommand: CommandFactory = (ctx) =>
  new Command('render')
    .description(
      'Render a claim without a cluster: print the claim with its computed status, then every composed object (sorted by resource id).',
    )
    .argument('<claim>', 'claim file (one YAML document)')
    .option(
      '-c, --composition <pack>',
      'pack folder or composition file (default: the pack whose API matches the claim)',
    )
    .option(
      '--observed <file>',
      'observed objects: a YAML stream labelled kubify.io/resource-id, or a map id -> object',
    )
    .addOption(new Option('-o, --output <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .option('--include-status', "copy each observed object's status onto its composed object")
    .option('--now <time>', 'the current time (RFC 3339) for condition timestamps; default: now')
    .option('-v, --verbose', 'also print Normal results (e.g. resources left out by includeWhen)')
    .addHelpText(
      'after',
      `
Results (warnings, fatal problems) go to stderr as file:line:col: path: message (code).
Exit codes: 0 rendered, 1 a Fatal result or invalid input, 2 usage error (bad flag, missing file).

Examples:
  # render a pack example; the pack is found by the claim's apiVersion and kind
  kubify render compositions/rayservice/examples/minimal.yaml

  # render against a pack under development, as JSON
  kubify render my-claim.yaml --composition ./my-pack -o json

  # what happens once the composed objects exist and report readiness
  kubify render claim.yaml --observed observed.yaml --include-status --now 2025-01-01T00:00:00Z`,
    )
    .action(async (claimPath: string, options: RenderOptions, command: Command) => {
      const style = ctx.style(command);
      const output = await renderClaimFile(ctx.io, {
        claimPath,
        ...(options.composition !== undefined ? { compositionPath: options.composition } : {}),
        ...(options.observed !== undefined ? { observedPath: options.observed } : {}),
        now: parseNow(options.now, ctx.io.now()),
        includeStatus: options.includeStatus === true,
      });
      for (const problem of output.problems) {
        if (problem.severity === 'Normal' && !options.verbose) continue;
        ctx.io.err(`${problemLine(problem, style)}\n`);
      }
      if (output.documents.length > 0)
        ctx.io.out(formatObjects(output.documents, parseOutputFormat(options.output)));
      ctx.exit(output.problems.some(isError) ? ExitCode.failed : ExitCode.ok);
    });

/** `--now` as RFC 3339 UTC; default the clock. */
export function parseNow(value: string | undefined, clock: Date): string {
  if (value === undefined) return clock.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time)) {
    throw new UsageError(`--now must be an RFC 3339 time such as 2025-01-01T00:00:00Z, not "${value}"`);
  }
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
