/** Shared by the claims tests: the packs compiled once, indexed by claim API. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackIndex } from '../../../engine/analyze/claims/index.ts';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import { readPack } from '../../../engine/packs/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '../../fixtures/packages');
export const PACKS_DIR = path.resolve(here, '../../../compositions');
export const CLAIM_PACKS = ['app', 'build', 'postgresql', 'redis'];

let packs: Promise<PackIndex> | undefined;

export function claimPacks(): Promise<PackIndex> {
  packs ??= (async () => {
    const index = new Map<string, CompiledComposition>();
    for (const name of CLAIM_PACKS) {
      const result = compile(await readPack(path.join(PACKS_DIR, name)));
      if (!result.compiled)
        throw new Error(`pack ${name} does not compile: ${JSON.stringify(result.problems)}`);
      const api = result.compiled.api;
      index.set(`${api.group}/${api.version} ${api.kind}`, result.compiled);
    }
    return index;
  })();
  return packs;
}
