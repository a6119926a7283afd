import { processIo } from './context.ts';
import { runCli } from './program.ts';

/** kubify's entry point (see bin/kubify.js): `argv` is `process.argv`; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  return runCli(argv.slice(2), processIo());
}
