import type { OpenApiSchema } from './openapi.ts';

/** A draft-07 JSON Schema as ajv consumes it. */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

export interface ConvertOptions {
  /**
   * Close every object that lists `properties` (and does not preserve unknown fields) with
   * `additionalProperties: false`, so misspelt fields are reported instead of silently pruned.
   */
  closed: boolean;
}

const DROPPED = new Set(['example', 'externalDocs', 'nullable']);

/**
 * Converts a Kubernetes OpenAPI v3 (structural) schema to a draft-07 JSON Schema for ajv: boolean
 * `exclusiveMinimum/Maximum` become numeric, `nullable` becomes a type union, `x-kubernetes-int-or-string`
 * becomes `integer|string`, schemas that preserve unknown fields without a type accept anything, and
 * every other `x-kubernetes-*` extension is dropped. Pure; the input is not modified.
 */
export function openApiToJsonSchema(schema: OpenApiSchema, options: ConvertOptions): JsonSchema {
  return convert(schema, options);
}

function convert(schema: OpenApiSchema, options: ConvertOptions): { [keyword: string]: unknown } {
  const out: { [keyword: string]: unknown } = {};
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  for (const key of Object.keys(schema).sort()) {
    const value = (schema as Record<string, unknown>)[key];
    if (key.startsWith('x-kubernetes-') || DROPPED.has(key) || value === undefined) continue;
    switch (key) {
      case 'properties':
        out.properties = mapValues(value as Record<string, OpenApiSchema>, (s) => convert(s, options));
        break;
      case 'additionalProperties':
        out.additionalProperties =
          typeof value === 'boolean' ? value : convert(value as OpenApiSchema, options);
        break;
      case 'items':
        out.items = convert(value as OpenApiSchema, options);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[key] = (value as OpenApiSchema[]).map((s) => convert(s, options));
        break;
      case 'not':
        out.not = convert(value as OpenApiSchema, options);
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        break;
      default:
        out[key] = value;
    }
  }
  exclusiveBound(schema, out, 'minimum', 'exclusiveMinimum');
  exclusiveBound(schema, out, 'maximum', 'exclusiveMaximum');
  if (schema['x-kubernetes-int-or-string'] === true && schema.type === undefined) {
    out.type = ['integer', 'string'];
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (schema.nullable === true && Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null];
  if (
    options.closed &&
    schema.properties !== undefined &&
    !preserve &&
    out.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }
  return out;
}

function exclusiveBound(
  schema: OpenApiSchema,
  out: Record<string, unknown>,
  bound: 'minimum' | 'maximum',
  exclusive: 'exclusiveMinimum' | 'exclusiveMaximum',
): void {
  if (schema[exclusive] === true && typeof schema[bound] === 'number') {
    out[exclusive] = schema[bound];
    delete out[bound];
  }
}

function mapValues<T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const key of Object.keys(record).sort()) out[key] = fn(record[key] as T);
  return out;
}
