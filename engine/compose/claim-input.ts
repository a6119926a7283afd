/**
 * Reads the claim render was given: identity checks, schema defaults (on a copy) and validation of the
 * spec against the composition's claim schema.
 */
import type { ValidateFunction } from 'ajv';
import { openApiToJsonSchema } from '../api/openapi-to-json-schema.ts';
import type { Problem } from '../api/problem.ts';
import { ajvErrorsToProblems } from './ajv-problems.ts';
import { compileSchema, newAjv } from './ajv.ts';
import type { CompiledComposition } from './compiled.ts';
import { isRecord } from './path.ts';
import { defineKey } from './template/helpers/values.ts';
import { locate } from './positions.ts';
import type { PositionIndex } from './positions.ts';
import type { ClaimInfo } from './render-types.ts';

const validators = new WeakMap<CompiledComposition, ValidateFunction | string>();

function validatorFor(compiled: CompiledComposition): ValidateFunction | string {
  let cached = validators.get(compiled);
  if (cached === undefined) {
    const schema = openApiToJsonSchema(compiled.specSchema, { closed: true });
    const result = compileSchema(newAjv({ useDefaults: true }), schema);
    cached = result.validate ?? result.error;
    validators.set(compiled, cached);
  }
  return cached;
}

/**
 * Deepest nesting of maps and lists a claim's spec may have. Real claims nest a few dozen levels; JSON
 * lets a claim nest thousands, which would overflow the stack of every recursive copy and serializer.
 */
export const MAX_SPEC_DEPTH = 256;

/** Whether `value` nests maps and lists deeper than `max` (iterative: any depth is safe to ask about). */
function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [current, depth] = item;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

const stringMap = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (typeof item === 'string') defineKey(out, key, item);
  }
  return out;
};

export function readClaim(
  claim: unknown,
  compiled: CompiledComposition,
  positions?: PositionIndex,
): { claim?: ClaimInfo; problems: Problem[] } {
  const problems: Problem[] = [];
  const fatal = (code: string, message: string, path: (string | number)[]): void => {
    const where = positions ? locate(positions, path) : {};
    problems.push({ code, message, path: path.join('.'), ...where, severity: 'Fatal' });
  };
  if (!isRecord(claim) || !isRecord(claim.metadata) || typeof claim.metadata.name !== 'string') {
    fatal('claim.invalid', 'the claim must be an object with metadata.name', ['metadata', 'name']);
    return { problems };
  }
  const { api } = compiled;
  if (claim.apiVersion !== api.apiVersion || claim.kind !== api.kind) {
    const got = `${String(claim.apiVersion)} ${String(claim.kind)}`;
    fatal(
      'claim.wrong-kind',
      `composition "${compiled.name}" renders ${api.apiVersion} ${api.kind}, not ${got}`,
      ['kind'],
    );
  }
  const meta = claim.metadata;
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  if (api.scope === 'Namespaced' && namespace === undefined) {
    fatal('claim.namespace-missing', `${api.kind} is namespaced: the claim needs metadata.namespace`, [
      'metadata',
      'namespace',
    ]);
  }
  if (api.scope === 'Cluster' && namespace !== undefined) {
    fatal('claim.namespace-set', `${api.kind} is cluster-scoped: remove metadata.namespace`, [
      'metadata',
      'namespace',
    ]);
  }
  if (deeperThan(claim.spec, MAX_SPEC_DEPTH)) {
    fatal('claim.too-deep', `spec nests maps and lists more than ${MAX_SPEC_DEPTH} levels deep`, ['spec']);
    return { problems };
  }
  const spec: Record<string, unknown> = isRecord(claim.spec) ? structuredClone(claim.spec) : {};
  if (claim.spec !== undefined && !isRecord(claim.spec))
    fatal('claim.invalid', 'spec must be an object', ['spec']);
  const validate = validatorFor(compiled);
  if (typeof validate === 'string') {
    fatal('claim.schema-error', `the claim schema cannot be used: ${validate}`, ['spec']);
  } else if (!validate(spec)) {
    problems.push(
      ...ajvErrorsToProblems(validate.errors, spec, {
        basePath: ['spec'],
        severity: 'Fatal',
        unknownFieldSeverity: 'Warning',
        ...(positions ? { positions } : {}),
      }),
    );
  }
  if (problems.some((p) => p.severity === 'Fatal')) return { problems };
  const info: ClaimInfo = {
    apiVersion: api.apiVersion,
    kind: api.kind,
    name: meta.name as string,
    labels: stringMap(meta.labels),
    annotations: stringMap(meta.annotations),
    spec,
  };
  if (namespace !== undefined) info.namespace = namespace;
  if (typeof meta.uid === 'string' && meta.uid !== '') info.uid = meta.uid;
  return { claim: info, problems };
}
