/**
 * ajv errors -> Problems with a kubify path (`spec.resources[1].id`) and, when known, a source position.
 */
import type { ErrorObject } from 'ajv';
import type { Problem, Severity } from '../api/problem.ts';
import { formatPath, isRecord, pointerToPath } from './path.ts';
import type { Path, PathSegment } from './path.ts';
import { locate } from './positions.ts';
import type { PositionIndex } from './positions.ts';

export interface AjvProblemOptions {
  /** Positions of `data`; absent for objects without source text. */
  positions?: PositionIndex;
  /** Prefix of every path, when `data` is part of a larger document (e.g. `['spec']`). */
  basePath?: Path;
  severity?: Severity;
  /** Severity of unknown-field problems (the API server prunes unknown fields). Default: `severity`. */
  unknownFieldSeverity?: Severity;
}

export function ajvErrorsToProblems(
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
  options: AjvProblemOptions = {},
): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const error of errors ?? []) {
    const problem = toProblem(error, data, options);
    if (!problem) continue;
    const key = `${problem.path}\u0000${problem.code}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}

function toProblem(error: ErrorObject, data: unknown, options: AjvProblemOptions): Problem | undefined {
  const base = [...(options.basePath ?? []), ...pointerToPath(error.instancePath, data)];
  const params = error.params as Record<string, unknown>;
  let path: PathSegment[] = base;
  let prefer: 'key' | 'value' = 'value';
  let locatePath: PathSegment[] = base;
  let message: string;
  let severity = options.severity;
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      path = [...base, missing];
      message = `required field "${missing}" is missing`;
      break;
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      path = [...base, extra];
      locatePath = path;
      prefer = 'key';
      message = `unknown field "${extra}"${suggest(extra, error.parentSchema)}`;
      severity = options.unknownFieldSeverity ?? severity;
      break;
    }
    case 'enum':
      message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'type':
      message = `must be of type ${String(params.type)}, got ${describeType(valueAt(error, data))}`;
      break;
    case 'pattern':
      message = `${JSON.stringify(valueAt(error, data))} does not match ${String(params.pattern)}`;
      break;
    case 'format':
      message = `must be a valid ${String(params.format)}`;
      break;
    case 'if':
    case 'anyOf':
    case 'oneOf':
      message = error.message ?? error.keyword;
      break;
    default:
      message = (error.message ?? error.keyword).replace(/NOT/g, 'not');
  }
  const where = options.positions ? locate(options.positions, locatePath, prefer) : {};
  const code = error.keyword === 'additionalProperties' ? 'schema.unknown-field' : `schema.${error.keyword}`;
  return { code, message, path: formatPath(path), ...where, ...(severity ? { severity } : {}) };
}

function valueAt(error: ErrorObject, data: unknown): unknown {
  return error.data !== undefined ? error.data : data;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value;
}

/** ` (did you mean "readyWhen"?)` when a known field is within two edits. */
function suggest(name: string, parentSchema: unknown): string {
  if (!isRecord(parentSchema) || !isRecord(parentSchema.properties)) return '';
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of Object.keys(parentSchema.properties).sort()) {
    const d = distance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(
        Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
