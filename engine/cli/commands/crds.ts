import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { generateCrds, writeCrds } from '../lib/crds.ts';
import { listPacks } from '../lib/packs.ts';
import { formatObjects, problemLine } from '../output.ts';

export const crdsCommand: CommandFactory = (ctx) =>
  new Command('crds')
    .description("Generate the CRDs of kubify's own APIs and of each pack's claim API.")
    .argument(
      '[packs...]',
      'pack folders (default: every pack found in ./compositions and the shipped packs)',
    )
    .option('--out <dir>', 'write one file per CRD, named <group>_<plural>.yaml, into this folder')
    .addHelpText(
      'after',
      `
Without --out the CRDs are printed as one YAML stream, sorted by file name.
Exit codes: 0 ok, 1 a pack does not compile (nothing is written), 2 usage error.

Examples:
  # regenerate the checked-in CRDs
  kubify crds --out crds/

  # install kubify's APIs and the packs' claim APIs
  kubify crds | kubectl apply --server-side -f -

  # only one pack's claim CRD (plus kubify's own)
  kubify crds compositions/rayservice`,
    )
    .action(async (packs: string[], options: { out?: string }, command: Command) => {
      const style = ctx.style(command);
      const dirs = packs.length > 0 ? packs : listPacks(ctx.io);
      const generated = await generateCrds(ctx.io, dirs);
      if (generated.problems.length > 0) {
        for (const problem of generated.problems) ctx.io.err(`${problemLine(problem, style)}\n`);
        ctx.exit(ExitCode.failed);
        return;
      }
      if (options.out === undefined) {
        ctx.io.out(
          formatObjects(
            generated.crds.map((c) => c.crd),
            'yaml',
          ),
        );
        return;
      }
      for (const path of writeCrds(ctx.io, options.out, generated.crds)) ctx.io.err(`wrote ${path}\n`);
    });
