import { CommandGroup } from '../lib/group.ts';
import { Command, Option } from 'commander';
import { analyze } from '../../analyze/index.ts';
import type { CommandFactory } from '../command.ts';
import { UsageError } from '../context.ts';
import { absolutePath } from '../lib/files.ts';
import { DEV_TOOLS, devFiles } from '../lib/generators.ts';
import type { DevTool } from '../lib/generators.ts';
import { writeGenerated } from '../lib/write-files.ts';

interface DevOptions {
  tool: DevTool;
  claims: string;
  force?: boolean;
  stdout?: boolean;
}

export const devCommand: CommandFactory = (ctx) =>
  new CommandGroup('dev').description('Local development loops for a package.').addCommand(
    new Command('init')
      .description(
        'Write a Skaffold or Tilt setup for a package: one image per service kubify analyze finds, the claims, port forwards.',
      )
      .argument('[dir]', 'the package folder', '.')
      .addOption(
        new Option('--tool <name>', 'development tool').choices([...DEV_TOOLS]).makeOptionMandatory(),
      )
      .option('--claims <file>', 'the claims file (from kubify init), relative to the package', 'kubify.yaml')
      .option('--force', 'overwrite an existing skaffold.yaml or Tiltfile')
      .option('--stdout', 'print the file instead of writing it')
      .addHelpText(
        'after',
        `
Files: skaffold -> <dir>/skaffold.yaml, tilt -> <dir>/Tiltfile.
Exit codes: 0 written, 1 the package cannot be analysed or the file exists (use --force), 2 usage error.

Examples:
  kubify dev init --tool skaffold
  kubify dev init ./services/shop --tool tilt --stdout`,
      )
      .action(async (dir: string, options: DevOptions) => {
        const report = await analyze(absolutePath(ctx.io, dir));
        const fatal = report.problems.filter((p) => p.severity === 'Fatal');
        if (fatal.length > 0) throw new UsageError(`${dir}: ${fatal.map((p) => p.message).join('; ')}`);
        const files = devFiles({ tool: options.tool, claims: options.claims, report });
        if (options.stdout) for (const f of files) ctx.io.out(f.text);
        else
          for (const path of writeGenerated(ctx.io, dir, files, options.force === true))
            ctx.io.err(`wrote ${path}\n`);
      }),
  );
