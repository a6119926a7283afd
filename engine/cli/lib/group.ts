/**
 * A command with subcommands (`kubify rollout start`, ...). program.ts copies its settings (output
 * writers, exit override, help after errors) onto each top-level command; a group passes them on to its
 * subcommands, so `kubify rollout start --help` prints through the same writers and never exits the
 * process.
 */
import { Command } from 'commander';

export class CommandGroup extends Command {
  override copyInheritedSettings(source: Command): this {
    super.copyInheritedSettings(source);
    for (const sub of this.commands) sub.copyInheritedSettings(this);
    return this;
  }

  override addCommand(command: Command, options?: Parameters<Command['addCommand']>[1]): this {
    super.addCommand(command, options);
    command.copyInheritedSettings(this);
    return this;
  }
}
