import type { Command } from 'commander';
import type { Style } from './color.ts';
import type { CliIo, ExitCode } from './context.ts';

/** What every command receives from the program. */
export interface CliContext {
  io: CliIo;
  /** The styling to use, honouring the global `--no-color` flag and `NO_COLOR`. */
  style(command: Command): Style;
  /** Records the command's exit code (the worst one wins). */
  exit(code: ExitCode): void;
}

/**
 * One CLI command: a function that builds its commander `Command`. Commands stay thin: parse flags, call
 * the engine, print. `commands/index.ts` lists them all.
 */
export type CommandFactory = (ctx: CliContext) => Command;
