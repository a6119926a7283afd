import { CommandGroup } from '../lib/group.ts';
import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { addPack } from '../lib/pack-add.ts';
import { userPacksDir } from '../lib/user-dirs.ts';
import { problemLine } from '../output.ts';

interface AddFlags {
  dest?: string;
  user?: boolean;
  name?: string;
  force?: boolean;
}

export const packCommand: CommandFactory = (ctx) =>
  new CommandGroup('pack').description('Manage composition packs.').addCommand(
    new Command('add')
      .description(
        'Validate a pack (folder, .tgz or npm package) and copy it into ./compositions or your user packs folder.',
      )
      .argument(
        '<source>',
        'a pack folder, a tarball (.tgz) or an npm package spec (name, name@version, git URL)',
      )
      .option('--dest <dir>', 'packs folder to copy into', 'compositions')
      .option('--user', 'copy into the user packs folder ($KUBIFY_PACKS_DIR or ~/.local/share/kubify/packs)')
      .option('--name <name>', "folder name (default: the Composition's name)")
      .option('--force', 'replace a pack of the same name')
      .addHelpText(
        'after',
        `
The pack must pass "kubify validate" (it compiles and its examples render). An npm package holds the pack
at its root or in the folder its package.json names as "kubify": {"pack": "<dir>"}.
User packs are found when $KUBIFY_COMPOSITIONS lists their folder.
Exit codes: 0 added, 1 the pack is invalid or the destination exists (use --force), 2 usage error.

Examples:
  kubify pack add ../my-pack
  kubify pack add ./kubify-pack-redis-1.0.0.tgz
  kubify pack add @acme/kubify-pack-kafka@2.1.0 --user`,
      )
      .action(async (source: string, flags: AddFlags, command: Command) => {
        const style = ctx.style(command);
        const dest = flags.user ? userPacksDir(ctx.io) : (flags.dest ?? 'compositions');
        const result = await addPack(ctx.io, {
          source,
          dest,
          ...(flags.name ? { name: flags.name } : {}),
          ...(flags.force ? { force: true } : {}),
        });
        for (const p of result.problems) ctx.io.err(`${problemLine(p, style)}\n`);
        if (!result.added) {
          ctx.io.err(`${style.red('error:')} ${source} is not a valid pack: nothing copied\n`);
          ctx.exit(ExitCode.failed);
          return;
        }
        const a = result.added;
        ctx.io.out(
          `added pack ${a.name} (${a.kind} ${a.from}, ${a.examples} example(s) rendered) to ${a.to}\n`,
        );
      }),
  );
