/**
 * Checks that a claim schema is a structural OpenAPI v3 schema the API server accepts in a CRD, and that
 * its defaults validate. Reports positions in composition.yaml.
 */
import type { OpenApiSchema } from '../api/openapi.ts';
import { openApiToJsonSchema } from '../api/openapi-to-json-schema.ts';
import type { Problem } from '../api/problem.ts';
import { compileSchema, newAjv } from './ajv.ts';
import { formatPath, isRecord } from './path.ts';
import type { PathSegment } from './path.ts';
import { locate } from './positions.ts';
import type { PositionIndex } from './positions.ts';

const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);
const ALLOWED = new Set([
  'type',
  'format',
  'title',
  'description',
  'default',
  'enum',
  'nullable',
  'maximum',
  'minimum',
  'exclusiveMaximum',
  'exclusiveMinimum',
  'multipleOf',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'additionalProperties',
  'items',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'example',
  'externalDocs',
]);
/** Inside allOf/anyOf/oneOf/not only value validations are allowed. */
const NOT_IN_JUNCTOR = ['type', 'default', 'description', 'nullable', 'additionalProperties', 'title'];

export function checkStructural(
  schema: unknown,
  base: readonly PathSegment[],
  positions: PositionIndex,
  options: { root: 'object' },
): Problem[] {
  const problems: Problem[] = [];
  const report = (path: PathSegment[], message: string, code = 'schema.not-structural', key = true): void => {
    problems.push({
      code,
      message,
      path: formatPath(path),
      ...locate(positions, path, key ? 'key' : 'value'),
    });
  };
  const visit = (node: unknown, path: PathSegment[], inJunctor: boolean): void => {
    if (!isRecord(node)) {
      report(path, 'must be a schema object', 'schema.not-structural', false);
      return;
    }
    for (const key of Object.keys(node).sort()) {
      if (!ALLOWED.has(key) && !key.startsWith('x-kubernetes-')) {
        report([...path, key], `"${key}" is not allowed in a Kubernetes CRD schema`);
      }
      if (inJunctor && NOT_IN_JUNCTOR.includes(key)) {
        report([...path, key], `"${key}" is not allowed inside allOf, anyOf, oneOf or not`);
      }
    }
    checkNode(node, path, inJunctor, report);
    if (isRecord(node.properties)) {
      for (const key of Object.keys(node.properties).sort()) {
        visit(node.properties[key], [...path, 'properties', key], inJunctor);
      }
    }
    if (isRecord(node.additionalProperties)) {
      visit(node.additionalProperties, [...path, 'additionalProperties'], inJunctor);
    }
    if (isRecord(node.items)) visit(node.items, [...path, 'items'], inJunctor);
    for (const junctor of ['allOf', 'anyOf', 'oneOf'] as const) {
      const list = node[junctor];
      if (Array.isArray(list)) list.forEach((s, i) => visit(s, [...path, junctor, i], true));
    }
    if (node.not !== undefined) visit(node.not, [...path, 'not'], true);
  };
  visit(schema, [...base], false);
  if (isRecord(schema) && schema.type !== options.root) {
    report(
      [...base, 'type'],
      `the claim schema must have type "${options.root}"`,
      'schema.not-structural',
      false,
    );
  }
  if (problems.length === 0) problems.push(...checkDefaults(schema as OpenApiSchema, base, positions));
  return problems;
}

type Report = (path: PathSegment[], message: string, code?: string, key?: boolean) => void;

function checkNode(
  node: Record<string, unknown>,
  path: PathSegment[],
  inJunctor: boolean,
  report: Report,
): void {
  const type = node.type;
  const preserve = node['x-kubernetes-preserve-unknown-fields'];
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  if (type !== undefined && (typeof type !== 'string' || !TYPES.has(type))) {
    report([...path, 'type'], `type must be one of ${[...TYPES].join(', ')}`, 'schema.not-structural', false);
  }
  if (!inJunctor && type === undefined && preserve !== true && !intOrString) {
    report(path, 'every schema must set "type" (or x-kubernetes-preserve-unknown-fields / int-or-string)');
  }
  if (preserve === false) report([...path, 'x-kubernetes-preserve-unknown-fields'], 'must be true or absent');
  if (node.properties !== undefined && type !== undefined && type !== 'object') {
    report([...path, 'properties'], `"properties" needs type "object", not ${JSON.stringify(type)}`);
  }
  if (node.items !== undefined && !isRecord(node.items)) {
    report([...path, 'items'], '"items" must be a single schema');
  } else if (node.items !== undefined && type !== undefined && type !== 'array') {
    report([...path, 'items'], `"items" needs type "array", not ${JSON.stringify(type)}`);
  }
  if (type === 'array' && node.items === undefined && !inJunctor) {
    report(path, 'an array schema must define "items"');
  }
  if (
    node.properties !== undefined &&
    node.additionalProperties !== undefined &&
    node.additionalProperties !== true
  ) {
    report(
      [...path, 'additionalProperties'],
      '"properties" and "additionalProperties" are mutually exclusive',
    );
  }
  if (node.uniqueItems === true)
    report([...path, 'uniqueItems'], 'uniqueItems: true is not allowed (use x-kubernetes-list-type: set)');
}

/** Every `default` must validate against the schema it sits in (the API server rejects the CRD otherwise). */
function checkDefaults(
  schema: OpenApiSchema,
  base: readonly PathSegment[],
  positions: PositionIndex,
): Problem[] {
  const problems: Problem[] = [];
  const ajv = newAjv();
  const visit = (node: OpenApiSchema, path: PathSegment[]): void => {
    if (node.default !== undefined) {
      const compiled = compileSchema(ajv, openApiToJsonSchema(node, { closed: false }));
      const valid = compiled.validate ? compiled.validate(node.default) : false;
      if (!valid) {
        const detail = compiled.error ?? compiled.validate?.errors?.[0]?.message ?? 'invalid';
        const at = [...path, 'default'];
        problems.push({
          code: 'schema.invalid-default',
          message: `default ${JSON.stringify(node.default)} does not match its schema: ${detail}`,
          path: formatPath(at),
          ...locate(positions, at),
        });
      }
    }
    for (const key of Object.keys(node.properties ?? {}).sort()) {
      visit(node.properties?.[key] as OpenApiSchema, [...path, 'properties', key]);
    }
    if (isRecord(node.additionalProperties))
      visit(node.additionalProperties, [...path, 'additionalProperties']);
    if (node.items) visit(node.items, [...path, 'items']);
  };
  visit(schema, [...base]);
  return problems;
}
