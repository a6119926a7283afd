/**
 * Runs kubify in-process with captured output: what `bin/kubify.js` does, minus the process.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../../engine/cli/context.ts';
import { runCli } from '../../../engine/cli/program.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Pretend stderr is a terminal (colour allowed). */
  tty?: boolean;
  now?: Date;
}

export async function runKubify(args: readonly string[], options: RunOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env: options.env ?? {},
    cwd: options.cwd ?? REPO_ROOT,
    colorCapable: options.tty === true,
    now: () => options.now ?? new Date('2025-06-01T12:00:00Z'),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}
