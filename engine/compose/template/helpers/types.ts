/** What a helper implementation knows about the call it serves. */
export interface HelperCall {
  name: string;
  hash: Record<string, unknown>;
  /** Aborts the render because argument `index` is missing: data pending for `resources.*`, else a problem. */
  missing(index: number, message?: string): never;
}

export interface HelperDef {
  name: string;
  /** Positional argument count bounds (`max` is `Infinity` for variadic helpers). */
  min: number;
  max: number;
  /** How to call it, for arity messages: `trunc <text> <length>`. */
  usage: string;
  /** Hash arguments it accepts (`'any'` for `dict`). */
  hash?: readonly string[] | 'any';
  /** How many leading arguments may be missing (read as undefined) instead of aborting the render. */
  tolerant?: number | 'all';
  /** Pure and deterministic; throws `HelperError` for bad input. */
  fn: (args: readonly unknown[], call: HelperCall) => unknown;
}

export function isTolerant(def: HelperDef, index: number): boolean {
  if (def.tolerant === 'all') return true;
  return index < (def.tolerant ?? 0);
}
