#!/usr/bin/env node
// kubify's entry point. From a source checkout it runs the TypeScript sources through tsx (no build
// step); the operator image ships only the compiled JavaScript in dist/ (about 90 MiB less memory).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/engine/cli/main.js', import.meta.url);
const sources = new URL('../engine/cli/main.ts', import.meta.url);

/** @typedef {{ main: (argv: string[]) => Promise<number> }} Cli */

/** @returns {Promise<Cli>} */
async function load() {
  if (existsSync(compiled) && !existsSync(sources)) return /** @type {Cli} */ (await import(compiled.href));
  const { register } = await import('tsx/esm/api');
  register();
  return /** @type {Cli} */ (await import(sources.href));
}

const { main } = await load();
process.exitCode = await main(process.argv);
