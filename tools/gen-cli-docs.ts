/** Writes docs/cli.md from the command definitions: `npm run docs:cli`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateCliDocs } from '../engine/cli/lib/cli-docs.ts';

const target = fileURLToPath(new URL('../docs/cli.md', import.meta.url));
writeFileSync(target, await generateCliDocs());
process.stdout.write(`wrote ${target}\n`);
