/**
 * The single self-contained `Composition` object `kubify install` applies: templates and program files
 * inline, checked by the same `compile` the operator runs.
 */
import type { Composition } from '../api/composition.ts';
import type { Problem } from '../api/problem.ts';
import { compile } from '../compose/compile.ts';
import type { CompositionSource } from '../compose/source.ts';

export function toCompositionObject(
  source: CompositionSource,
):
  | { object: Composition; hash: string; problems: [] }
  | { object?: undefined; hash?: undefined; problems: Problem[] } {
  const result = compile(source);
  if (!result.compiled) return { problems: result.problems };
  return {
    object: structuredClone<Composition>(result.compiled.composition),
    hash: result.compiled.hash,
    problems: [],
  };
}
