/**
 * Deep-freezes a compiled composition. Compiled templates are left alone: they belong to the template
 * engine, which may cache inside them.
 */
import type { CompiledComposition } from './compiled.ts';

export function freezeCompiled(compiled: CompiledComposition): CompiledComposition {
  const opaque = new Set<object>();
  for (const r of compiled.resources) {
    opaque.add(r.template);
    if (r.includeWhen) opaque.add(r.includeWhen);
  }
  for (const s of compiled.status) opaque.add(s.expression);
  deepFreeze(compiled, opaque);
  return compiled;
}

function deepFreeze(value: unknown, opaque: ReadonlySet<object>): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  if (opaque.has(value)) return;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], opaque);
}
