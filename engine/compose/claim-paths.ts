/**
 * Does a path a template reads from the claim (`claim.spec.apps.[].name`) exist in the claim schema?
 */
import type { OpenApiSchema } from '../api/openapi.ts';
import { isRecord } from './path.ts';

export type ClaimPathCheck = { ok: true } | { ok: false; message: string };

const METADATA_FIELDS = ['annotations', 'labels', 'name', 'namespace', 'uid'];
const METADATA_MAPS = new Set(['annotations', 'labels']);

/** `path` starts with `claim`. `specSchema` is the claim's `.spec` schema including reserved fields. */
export function checkClaimPath(path: readonly string[], specSchema: OpenApiSchema): ClaimPathCheck {
  const [, top, ...rest] = path;
  if (top === undefined || top === 'apiVersion' || top === 'kind') {
    return rest.length === 0 ? { ok: true } : fail(`claim.${top} is a string and has no fields`);
  }
  if (top === 'metadata') {
    const [field, ...more] = rest;
    if (field === undefined) return { ok: true };
    if (!METADATA_FIELDS.includes(field)) {
      return fail(
        `claim.metadata.${field} is not available; templates may read claim.metadata.${METADATA_FIELDS.join('|')}`,
      );
    }
    const depth = METADATA_MAPS.has(field) ? 1 : 0;
    return more.length <= depth ? { ok: true } : fail(`${refText(path)} is not available`);
  }
  if (top !== 'spec') {
    return fail(
      `claim.${top} is not available; templates may read claim.spec, claim.metadata, claim.apiVersion and claim.kind`,
    );
  }
  return walk(path, specSchema, 2);
}

function walk(path: readonly string[], root: OpenApiSchema, start: number): ClaimPathCheck {
  let node: OpenApiSchema = root;
  for (let i = start; i < path.length; i += 1) {
    const segment = path[i] as string;
    const where = refText(path.slice(0, i));
    if (node['x-kubernetes-preserve-unknown-fields'] === true && !node.properties?.[segment])
      return { ok: true };
    if (node.type === 'array' || node.items) {
      if (segment === 'length' && i === path.length - 1) return { ok: true };
      if (segment !== '[]' && !/^(0|[1-9][0-9]*)$/.test(segment)) {
        return fail(`${where} is a list; read its items with #each or an index`);
      }
      if (!node.items) return { ok: true };
      node = node.items;
      continue;
    }
    const properties = node.properties;
    const additional = node.additionalProperties;
    if (segment === '[]') return fail(`${where} is not a list`);
    if (segment === '{}') {
      if (additional === true) return { ok: true };
      if (isRecord(additional)) {
        node = additional;
        continue;
      }
      if (properties) return { ok: true };
      return fail(`${where} is not a map`);
    }
    const child = properties?.[segment];
    if (child) {
      node = child;
      continue;
    }
    if (additional === true) return { ok: true };
    if (isRecord(additional)) {
      node = additional;
      continue;
    }
    if (node.type !== undefined && node.type !== 'object') {
      return fail(`${where} is of type ${node.type} and has no field "${segment}"`);
    }
    const known = Object.keys(properties ?? {}).sort();
    const hint = known.length > 0 ? `; known fields: ${known.join(', ')}` : '';
    return fail(`${refText(path.slice(0, i + 1))} is not in the claim schema${hint}`);
  }
  return { ok: true };
}

function fail(message: string): ClaimPathCheck {
  return { ok: false, message };
}

/** `['claim','spec','apps','[]','name']` -> `claim.spec.apps[].name`; `{}` (any map value) -> `[*]`. */
export function refText(path: readonly string[]): string {
  let out = '';
  for (const segment of path) {
    if (segment === '[]') out += '[]';
    else if (segment === '{}') out += '[*]';
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/**
 * Whether the claim value at an absolute path (`['claim','spec','apps']`) is a list or a map, for
 * `{{#each}}` refs. Undefined when the schema does not say.
 */
export function claimCollectionKind(
  path: readonly string[],
  specSchema: OpenApiSchema,
): 'array' | 'object' | undefined {
  if (path[0] !== 'claim') return undefined;
  if (path[1] === 'metadata' && (path[2] === 'labels' || path[2] === 'annotations') && path.length === 3) {
    return 'object';
  }
  if (path[1] !== 'spec') return undefined;
  let node: OpenApiSchema | undefined = specSchema;
  for (const segment of path.slice(2)) {
    if (!node) return undefined;
    if (segment === '[]' || /^(0|[1-9][0-9]*)$/.test(segment)) node = node.items;
    else if (segment === '{}')
      node = isRecord(node.additionalProperties) ? node.additionalProperties : undefined;
    else {
      const additional: OpenApiSchema | undefined = isRecord(node.additionalProperties)
        ? node.additionalProperties
        : undefined;
      node = node.properties?.[segment] ?? additional;
    }
  }
  if (!node) return undefined;
  if (node.type === 'array' || node.items) return 'array';
  if (node.type === 'object' || node.properties || node.additionalProperties) return 'object';
  return undefined;
}
