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
import { firstLoneSurrogate, firstTooDeep, quoteBrief, tooDeepProblem } from './limits.ts';
import { formatPath, isRecord } from './path.ts';
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

const stringMap = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (typeof item === 'string') defineKey(out, key, item);
  }
  return out;
};

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why `name` cannot name a claim (a Kubernetes object: a DNS-1123 subdomain), or undefined. */
export function invalidName(name: string): string | undefined {
  const rule = 'use lower-case letters, digits, "-" and ".", starting and ending with a letter or digit';
  if (name.length > 253) return `${quoteBrief(name)} is not a valid name: at most 253 characters`;
  if (DNS_SUBDOMAIN.test(name)) return undefined;
  const bad = [...name].findIndex((c) => !/[-a-z0-9.]/.test(c));
  const char = bad >= 0 ? ([...name][bad] ?? '') : '';
  const which =
    bad >= 0
      ? `: character ${bad + 1} is U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
      : '';
  return `${quoteBrief(name)} is not a valid name${which}; ${rule}`;
}

export function readClaim(
  claim: unknown,
  compiled: CompiledComposition,
  positions?: PositionIndex,
): { claim?: ClaimInfo; problems: Problem[] } {
  const problems: Problem[] = [];
  const fatal = (code: string, message: string, path: (string | number)[]): void => {
    const where = positions ? locate(positions, path) : {};
    problems.push({ code, message, path: formatPath(path), ...where, severity: 'Fatal' });
  };
  if (!isRecord(claim) || !isRecord(claim.metadata) || typeof claim.metadata.name !== 'string') {
    fatal('claim.invalid', 'the claim must be an object with metadata.name', ['metadata', 'name']);
    return { problems };
  }
  // Before anything walks the claim (ajv, clone, templates, hashing recurse): depth and text it can carry.
  const deep = firstTooDeep(claim);
  if (deep) {
    problems.push({ ...tooDeepProblem('claim.too-deep', deep, positions), severity: 'Fatal' });
    return { problems };
  }
  const lone = firstLoneSurrogate(claim);
  if (lone) {
    fatal(
      'claim.invalid-text',
      'holds a lone UTF-16 surrogate (half of an emoji or other character), which cannot be sent as UTF-8: write the whole character',
      lone,
    );
    return { problems };
  }
  const nameProblem = invalidName(claim.metadata.name);
  if (nameProblem) {
    fatal('claim.invalid-name', nameProblem, ['metadata', 'name']);
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
