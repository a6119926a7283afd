#!/usr/bin/env node
// kubify's entry point. From a source checkout it runs the TypeScript sources through tsx (no build
// step); the operator image ships only the compiled JavaScript in dist/ (about 90 MiB less memory).
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/engine/cli/main.js', import.meta.url);
const sources = new URL('../engine/cli/main.ts', import.meta.url);
let main;
if (existsSync(compiled) && !existsSync(sources)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(sources.href));
}
process.exitCode = await main(process.argv);
