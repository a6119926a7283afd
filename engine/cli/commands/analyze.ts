import { Command } from 'commander';
import { formatReport, reportToJson } from '../../analyze/index.ts';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { analyzeSource, hasFatal, sourceDir } from '../lib/init-source.ts';

export const analyzeCommand: CommandFactory = (ctx) =>
  new Command('analyze')
    .description(
      'Work out what a package is: services, language, framework, port, start command, health endpoint, data services, with evidence (file:line) and confidence.',
    )
    .argument('<dir>', 'the folder that holds the package')
    .option('--json', 'print the report as JSON (stable, sorted keys)')
    .addHelpText(
      'after',
      `
Exit codes: 0 analysed (warnings are printed with the report), 1 the analysis failed (an empty folder, nothing
recognisable, unreadable files, a broken Compose file: a Fatal problem names the file and line), 2 usage error
(the folder does not exist).

Examples:
  kubify analyze .
  kubify analyze ./services/api --json | jq '.services[].port'`,
    )
    .action(async (dir: string, options: { json?: boolean }) => {
      const report = await analyzeSource(sourceDir(ctx.io, dir));
      ctx.io.out(options.json ? reportToJson(report) : formatReport(report));
      ctx.exit(hasFatal(report) ? ExitCode.failed : ExitCode.ok);
    });
