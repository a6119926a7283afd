import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { displayPath } from '../lib/files.ts';
import { listPacks } from '../lib/packs.ts';
import { validateTargets } from '../lib/validate-targets.ts';
import type { TargetReport } from '../lib/validate-targets.ts';
import { isError } from '../../api/problem.ts';
import { countSummary, plural, problemLine } from '../output.ts';

export const validateCommand: CommandFactory = (ctx) =>
  new Command('validate')
    .description(
      'Run every static check: compile each pack or composition file and render its example claims; render claim files against their pack.',
    )
    .argument(
      '[paths...]',
      'pack folders, folders of packs, composition files or claim files (default: every pack found)',
    )
    .addHelpText(
      'after',
      `
Problems are printed as file:line:col: path: message (code), then a summary line.
Exit codes: 0 no errors (warnings allowed), 1 any error, 2 usage error (a path that does not exist).

Examples:
  # every pack in ./compositions and the packs shipped with kubify
  kubify validate

  # one pack under development, with its examples
  kubify validate compositions/rayservice

  # a claim against the pack that defines its API
  kubify validate my-rayservice.yaml`,
    )
    .action(async (paths: string[], _options: unknown, command: Command) => {
      const style = ctx.style(command);
      const targets = paths.length > 0 ? paths : listPacks(ctx.io).map((p) => displayPath(ctx.io, p));
      const reports = await validateTargets(ctx.io, targets);
      for (const report of reports) {
        const shown = report.problems.filter((p) => p.severity !== 'Normal');
        for (const problem of shown) ctx.io.out(`${problemLine(problem, style)}\n`);
        const ok = !shown.some(isError);
        ctx.io.out(`${ok ? style.green('ok') : style.red('FAIL')}  ${describe(report)}\n`);
      }
      const all = reports.flatMap((r) => r.problems);
      ctx.io.out(`${summaryLine(reports)}: ${countSummary(all)}\n`);
      ctx.exit(all.some(isError) ? ExitCode.failed : ExitCode.ok);
    });

function describe(report: TargetReport): string {
  const api = report.api ? ` ${report.api}` : '';
  const examples = report.kind === 'pack' ? ` (${plural(report.examples, 'example')})` : '';
  return `${report.kind} ${report.target}${api}${examples}`;
}

function summaryLine(reports: readonly TargetReport[]): string {
  const count = (kind: TargetReport['kind']): number => reports.filter((r) => r.kind === kind).length;
  const examples = reports.reduce((n, r) => n + r.examples, 0);
  const parts = [
    plural(count('pack'), 'pack'),
    plural(count('composition'), 'composition file'),
    plural(count('claim'), 'claim'),
    plural(examples, 'example'),
  ];
  return `validated ${parts.join(', ')}`;
}
