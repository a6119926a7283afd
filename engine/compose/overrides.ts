/**
 * Claim overrides: RFC 6902 patches per resource id (`spec.overrides.<id>`), applied to a copy of the
 * rendered object. A patch may not change what the object is or where it lives.
 */
import jsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { Problem } from '../api/problem.ts';
import { isRecord } from './path.ts';

const IDENTITY: readonly [string, (o: Record<string, unknown>) => unknown][] = [
  ['apiVersion', (o) => o.apiVersion],
  ['kind', (o) => o.kind],
  ['metadata.name', (o) => (isRecord(o.metadata) ? o.metadata.name : undefined)],
  ['metadata.namespace', (o) => (isRecord(o.metadata) ? o.metadata.namespace : undefined)],
];

/** Ids in `overrides` that are not resources of the composition. */
export function unknownOverrideIds(overrides: unknown, ids: ReadonlySet<string>): Problem[] {
  if (!isRecord(overrides)) return [];
  return Object.keys(overrides)
    .sort()
    .filter((id) => !ids.has(id))
    .map((id) => ({
      code: 'override.unknown-resource',
      message: `spec.overrides names unknown resource "${id}"; resources are: ${[...ids].sort().join(', ')}`,
      path: `spec.overrides.${id}`,
      severity: 'Fatal' as const,
    }));
}

/** Applies `ops` to a deep copy of `object`. */
export function applyOverrides(
  object: Record<string, unknown>,
  ops: unknown,
  id: string,
): { object: Record<string, unknown>; problems: Problem[] } {
  if (!Array.isArray(ops) || ops.length === 0) return { object, problems: [] };
  let document = structuredClone(object);
  for (let i = 0; i < ops.length; i += 1) {
    const path = `spec.overrides.${id}[${i}]`;
    const op = ops[i] as Operation;
    try {
      const error = jsonPatch.validate([op], document);
      if (error) return { object, problems: [patchProblem(path, error.message, op)] };
      document = jsonPatch.applyPatch(document, [op], false, true, true).newDocument;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { object, problems: [patchProblem(path, message, op)] };
    }
  }
  for (const [field, read] of IDENTITY) {
    if (read(document) !== read(object)) {
      const message = `overrides for "${id}" may not change ${field} (${JSON.stringify(read(object))} -> ${JSON.stringify(read(document))})`;
      return {
        object,
        problems: [{ code: 'override.identity', message, path: `spec.overrides.${id}`, severity: 'Fatal' }],
      };
    }
  }
  if (!isRecord(document)) {
    return {
      object,
      problems: [
        {
          code: 'override.invalid',
          message: 'the patched object is not an object',
          path: `spec.overrides.${id}`,
          severity: 'Fatal',
        },
      ],
    };
  }
  return { object: document, problems: [] };
}

function patchProblem(path: string, raw: string, op: Operation): Problem {
  const first = raw.split('\n')[0] ?? raw;
  const message = `cannot apply ${op.op} ${JSON.stringify(op.path)}: ${first.replace(/\s+$/, '')}`;
  return { code: 'override.invalid-patch', message, path, severity: 'Fatal' };
}
