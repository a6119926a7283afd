import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { absolutePath } from '../lib/files.ts';
import { listPacks } from '../lib/packs.ts';
import { compilePacks, rbacFile, skippedLine } from '../lib/rbac.ts';
import { isError } from '../../api/problem.ts';
import { problemLine } from '../output.ts';

export const rbacCommand: CommandFactory = (ctx) =>
  new Command('rbac')
    .description(
      "Generate the operator's least-privilege RBAC (ClusterRole, Role for its Lease, bindings) from the packs it serves.",
    )
    .argument(
      '[packs...]',
      'pack folders (default: every pack found in ./compositions and the shipped packs)',
    )
    .option('--out <file>', 'write the YAML stream to this file instead of standard output')
    .addHelpText(
      'after',
      `
The rules name kubify's own APIs, each pack's claim kind and every kind the packs compose: no wildcards.
A pack that does not compile is skipped with a warning. A composed kind kubify does not know is reported:
its resource plural is guessed (warning) or, for a built-in API group, refused (error, nothing written).
Exit codes: 0 ok (warnings allowed), 1 an error, 2 usage error.

Examples:
  # regenerate the checked-in RBAC after adding or changing a pack
  kubify rbac --out deploy/rbac.yaml

  # the rules for two packs only
  kubify rbac compositions/rayservice compositions/kubecost

  # apply it to the current cluster
  kubify rbac | kubectl apply --server-side -f -`,
    )
    .action(async (packs: string[], options: { out?: string }, command: Command) => {
      const style = ctx.style(command);
      const dirs = packs.length > 0 ? packs : listPacks(ctx.io);
      const { compiled, skipped } = await compilePacks(ctx.io, dirs);
      for (const s of skipped) ctx.io.err(`${style.yellow(skippedLine(s))}\n`);
      const file = rbacFile(compiled);
      for (const problem of file.problems) ctx.io.err(`${problemLine(problem, style)}\n`);
      if (file.problems.some(isError)) {
        ctx.exit(ExitCode.failed);
        return;
      }
      if (options.out === undefined) {
        ctx.io.out(file.text);
        return;
      }
      const target = absolutePath(ctx.io, options.out);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, file.text);
      ctx.io.err(`wrote ${options.out} (${compiled.length} compositions)\n`);
    });
