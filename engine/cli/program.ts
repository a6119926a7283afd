import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { styleFor } from './color.ts';
import type { CliContext } from './command.ts';
import { commands } from './commands/index.ts';
import type { CliIo } from './context.ts';
import { CliError, ExitCode } from './context.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Runs one kubify invocation (`args` without `node` and the script) and returns its exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const ctx: CliContext = {
    io,
    style: (command) => styleFor(io, command.optsWithGlobals<{ color?: boolean }>().color !== false),
    exit: (code) => {
      exitCode = Math.max(exitCode, code);
    },
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (error) {
    return Math.max(exitCode, handleError(error, io, args));
  }
  return exitCode;
}

function buildProgram(ctx: CliContext): Command {
  const program = new Command('kubify')
    .description('Compose Kubernetes APIs from declarative packs: render, validate and generate CRDs.')
    .version(VERSION, '-V, --version')
    .option('--no-color', 'disable coloured output (also: NO_COLOR=1)')
    .configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: (s) => ctx.io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 validation or render errors, 2 usage errors (bad flags, missing files).
Run "kubify <command> --help" for a command's flags and examples.`,
  );
  for (const factory of commands) program.addCommand(factory(ctx).copyInheritedSettings(program));
  return program;
}

function handleError(error: unknown, io: CliIo, args: readonly string[]): number {
  if (error instanceof CommanderError) {
    // commander has printed its message already.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return ExitCode.ok;
    return ExitCode.usage;
  }
  const style = styleFor(io, !args.includes('--no-color'));
  if (error instanceof CliError) {
    io.err(`${style.red('error:')} ${error.message}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (io.env.KUBIFY_DEBUG ? error.stack : error.message) : String(error);
  io.err(`${style.red('internal error:')} ${detail ?? ''}\n(set KUBIFY_DEBUG=1 for a stack trace)\n`);
  return ExitCode.failed;
}
