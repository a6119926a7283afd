import { dataHelpers } from './data.ts';
import { logicHelpers } from './logic.ts';
import { textHelpers } from './text.ts';
import type { HelperDef } from './types.ts';

export type { HelperCall, HelperDef } from './types.ts';
export { isTolerant } from './types.ts';

/** Every helper a template may call, by name. Block helpers (`if`, `unless`, `each`, `with`) are Handlebars' own. */
export const HELPERS: ReadonlyMap<string, HelperDef> = new Map(
  [...textHelpers, ...logicHelpers, ...dataHelpers].map((def) => [def.name, def]),
);

/** The block helpers templates may use, with the hash arguments each accepts. */
export const BLOCK_HELPERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['if', ['includeZero']],
  ['unless', ['includeZero']],
  ['each', []],
  ['with', []],
]);
