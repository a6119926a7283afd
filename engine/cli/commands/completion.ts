import { Argument, Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { completionScript, SHELLS } from '../lib/completion.ts';
import type { Shell } from '../lib/completion.ts';

export const completionCommand: CommandFactory = (ctx) =>
  new Command('completion')
    .description('Print a shell completion script for bash, zsh or fish.')
    .addArgument(new Argument('<shell>', 'the shell').choices([...SHELLS]))
    .addHelpText(
      'after',
      `
Exit codes: 0 printed, 2 usage error.

Examples:
  source <(kubify completion bash)                                   # bash, this shell
  kubify completion zsh > "\${fpath[1]}/_kubify"                      # zsh
  kubify completion fish > ~/.config/fish/completions/kubify.fish    # fish`,
    )
    .action((shell: Shell, _options: unknown, command: Command) => {
      let root = command;
      while (root.parent) root = root.parent;
      ctx.io.out(completionScript(shell, root));
    });
