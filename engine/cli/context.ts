/**
 * What a command needs from the outside world, injected so tests can run the CLI in-process and read
 * exactly what it printed.
 */
export interface CliIo {
  /** Writes to standard output as is (callers add newlines). */
  out(text: string): void;
  /** Writes to standard error as is. */
  err(text: string): void;
  /** Environment (`NO_COLOR`, `KUBIFY_*`). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths are resolved against. */
  cwd: string;
  /** Whether stderr is a terminal (colour is only used there). */
  colorCapable: boolean;
  /** The clock, only read where a command needs "now" and the user gave none. */
  now(): Date;
}

export function processIo(): CliIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    colorCapable: process.stderr.isTTY === true,
    now: () => new Date(),
  };
}

/** Exit codes of every kubify command. */
export const ExitCode = {
  ok: 0,
  /** The input was understood and found wrong: validation problems, fatal render results. */
  failed: 1,
  /** The command line was wrong: unknown flag, missing argument, a file that does not exist. */
  usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error the CLI reports as one line and an exit code, without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}
