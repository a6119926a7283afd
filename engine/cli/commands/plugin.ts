import { Command } from 'commander';
import type { CliContext, CommandFactory } from '../command.ts';
import { CommandGroup } from '../lib/group.ts';
import type { ExitCode } from '../context.ts';
import { findPlugins, runPlugin } from '../lib/plugins.ts';

/**
 * `kubify plugin list`, and the plugins themselves: when this command joins the program, every
 * `kubify-<name>` executable on the PATH is added next to it as a command `<name>` (unless a built-in
 * has that name), so `kubify <name> args...` runs it with the arguments passed through.
 */
class PluginCommand extends CommandGroup {
  constructor(private readonly ctx: CliContext) {
    super('plugin');
  }

  override copyInheritedSettings(parent: Command): this {
    super.copyInheritedSettings(parent);
    const taken = new Set(parent.commands.flatMap((c) => [c.name(), ...c.aliases()]));
    taken.add('plugin').add('help');
    for (const plugin of findPlugins(this.ctx.io.env.PATH)) {
      if (taken.has(plugin.name)) continue;
      parent.addCommand(
        new Command(plugin.name)
          .description(`plugin: ${plugin.path}`)
          .helpOption(false)
          .allowUnknownOption()
          .allowExcessArguments()
          .argument('[args...]', 'passed to the plugin')
          .action(async (args: string[]) => {
            const code = await runPlugin({
              path: plugin.path,
              args,
              env: this.ctx.io.env,
              cwd: this.ctx.io.cwd,
              out: (text) => this.ctx.io.out(text),
              err: (text) => this.ctx.io.err(text),
            });
            this.ctx.exit(code as ExitCode);
          }),
      );
    }
    return this;
  }
}

export const pluginCommand: CommandFactory = (ctx) => {
  const command = new PluginCommand(ctx)
    .description('kubectl-style plugins: kubify-<name> executables on the PATH run as kubify <name>.')
    .addHelpText(
      'after',
      `
A plugin receives every argument after its name and kubify's environment; its exit code is kubify's.
A plugin named like a built-in command is never run.

Examples:
  kubify plugin list
  kubify cost --namespace team-a      # runs kubify-cost --namespace team-a`,
    );
  command.addCommand(
    new Command('list')
      .description('List the plugins found on the PATH.')
      .action((_options: unknown, sub: Command) => {
        const builtins = new Set(
          (sub.parent?.parent?.commands ?? [])
            .filter((c) => !c.description().startsWith('plugin: '))
            .map((c) => c.name()),
        );
        const plugins = findPlugins(ctx.io.env.PATH);
        if (plugins.length === 0) {
          ctx.io.err('no kubify-<name> executables found on the PATH\n');
          return;
        }
        for (const p of plugins) {
          const note = builtins.has(p.name) ? '  (ignored: a built-in command has this name)' : '';
          ctx.io.out(`${p.name}\t${p.path}${note}\n`);
          for (const s of p.shadowed) ctx.io.out(`  warning: ${s} is shadowed by ${p.path}\n`);
        }
      }),
  );
  return command;
};
