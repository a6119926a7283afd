/**
 * The subset of OpenAPI v3 that Kubernetes accepts in a CRD (`JSONSchemaProps`), typed loosely enough to
 * carry user-written schemas through kubify untouched.
 */
export interface OpenApiSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  nullable?: boolean;
  maximum?: number;
  minimum?: number;
  exclusiveMaximum?: boolean;
  exclusiveMinimum?: boolean;
  multipleOf?: number;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: OpenApiSchema | boolean;
  items?: OpenApiSchema;
  allOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  not?: OpenApiSchema;
  example?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: { rule: string; message?: string; reason?: string; fieldPath?: string }[];
}

/** An object schema with the given properties (all optional unless listed in `required`). */
export function objectSchema(
  properties: Record<string, OpenApiSchema>,
  extra: Partial<OpenApiSchema> = {},
): OpenApiSchema {
  return { type: 'object', properties, ...extra };
}

/** A map (`map[string]T`) schema. */
export function mapSchema(values: OpenApiSchema, extra: Partial<OpenApiSchema> = {}): OpenApiSchema {
  return { type: 'object', additionalProperties: values, ...extra };
}

/** A list schema. */
export function arraySchema(items: OpenApiSchema, extra: Partial<OpenApiSchema> = {}): OpenApiSchema {
  return { type: 'array', items, ...extra };
}

export const anyValueSchema: OpenApiSchema = { 'x-kubernetes-preserve-unknown-fields': true };
export const freeObjectSchema: OpenApiSchema = {
  type: 'object',
  'x-kubernetes-preserve-unknown-fields': true,
};
