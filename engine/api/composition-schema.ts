import { KUBIFY_API_VERSION } from './composition.ts';
import type { OpenApiSchema } from './openapi.ts';
import { anyValueSchema, arraySchema, freeObjectSchema, mapSchema, objectSchema } from './openapi.ts';
import { openApiToJsonSchema } from './openapi-to-json-schema.ts';
import type { JsonSchema } from './openapi-to-json-schema.ts';

/** Lower-case DNS label starting with a letter: resource ids, program names. */
export const ID_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
/** DNS subdomain with at least one dot: API groups. */
export const GROUP_PATTERN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$';
export const VERSION_PATTERN = '^v[1-9][0-9]*((alpha|beta)[1-9][0-9]*)?$';
export const KIND_PATTERN = '^[A-Z][A-Za-z0-9]*$';
export const RESOURCE_NAME_PATTERN = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
export const API_VERSION_PATTERN = '^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?v[0-9]+((alpha|beta)[0-9]+)?$';
export const STATUS_FIELD_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]*$';

const str = (extra: Partial<OpenApiSchema> = {}): OpenApiSchema => ({ type: 'string', ...extra });
const stringList = (items: OpenApiSchema = str()): OpenApiSchema => arraySchema(items);

const printerColumnSchema = objectSchema(
  {
    name: str({ minLength: 1 }),
    type: str({ enum: ['integer', 'number', 'string', 'boolean', 'date'] }),
    jsonPath: str({ pattern: '^\\.' }),
    description: str(),
    priority: { type: 'integer', minimum: 0 },
    format: str(),
  },
  { required: ['name', 'jsonPath'] },
);

const apiSchema = objectSchema(
  {
    group: str({ pattern: GROUP_PATTERN, maxLength: 253 }),
    version: str({ pattern: VERSION_PATTERN }),
    kind: str({ pattern: KIND_PATTERN, maxLength: 63 }),
    plural: str({ pattern: RESOURCE_NAME_PATTERN, maxLength: 63 }),
    singular: str({ pattern: RESOURCE_NAME_PATTERN, maxLength: 63 }),
    listKind: str({ pattern: KIND_PATTERN, maxLength: 63 }),
    scope: str({ enum: ['Namespaced', 'Cluster'] }),
    shortNames: stringList(str({ pattern: RESOURCE_NAME_PATTERN })),
    categories: stringList(str({ pattern: RESOURCE_NAME_PATTERN })),
    schema: freeObjectSchema,
    statusSchema: freeObjectSchema,
    printerColumns: arraySchema(printerColumnSchema),
  },
  { required: ['group', 'version', 'kind', 'schema'] },
);

const requirementSchema = objectSchema(
  {
    apiVersion: str({ pattern: API_VERSION_PATTERN }),
    kind: str({ pattern: KIND_PATTERN }),
    installedBy: objectSchema(
      {
        composition: str({ pattern: RESOURCE_NAME_PATTERN }),
        name: str({ pattern: RESOURCE_NAME_PATTERN, maxLength: 63 }),
        claim: freeObjectSchema,
      },
      { required: ['composition'] },
    ),
  },
  { required: ['apiVersion', 'kind'] },
);

/** One schema for the four ready-check forms; compile checks that exactly one form is used. */
const readyCheckSchema = objectSchema({
  condition: str({ minLength: 1 }),
  status: str({ enum: ['True', 'False', 'Unknown'] }),
  path: str({ minLength: 1 }),
  equals: anyValueSchema,
  nonEmpty: { type: 'boolean', enum: [true] },
  observedGeneration: { type: 'boolean', enum: [true] },
});

/** The condition/equals/nonEmpty forms of a ready check, plus where to read the failure message. */
const failureCheckSchema = objectSchema({
  condition: str({ minLength: 1 }),
  status: str({ enum: ['True', 'False', 'Unknown'] }),
  path: str({ minLength: 1 }),
  equals: anyValueSchema,
  nonEmpty: { type: 'boolean', enum: [true] },
  messagePath: str({ minLength: 1 }),
});

const resourceSchema = objectSchema(
  {
    id: str({ pattern: ID_PATTERN, maxLength: 63 }),
    template: str(),
    templateFile: str({ minLength: 1 }),
    includeWhen: str({ minLength: 1 }),
    readyWhen: arraySchema(readyCheckSchema),
    failedWhen: arraySchema(failureCheckSchema),
    deletionPolicy: str({ enum: ['Delete', 'Orphan'] }),
    adoption: str({ enum: ['Never', 'IfUnmanaged'] }),
    dependsOn: stringList(str({ pattern: ID_PATTERN })),
  },
  { required: ['id'] },
);

const programSchema = objectSchema({ files: mapSchema(str()) }, { required: ['files'] });

/** OpenAPI v3 (structural) schema of `Composition.spec`. */
export const compositionSpecSchema: OpenApiSchema = objectSchema(
  {
    api: apiSchema,
    requires: arraySchema(requirementSchema),
    resources: arraySchema(resourceSchema, { minItems: 1 }),
    status: mapSchema(str({ minLength: 1 })),
    programs: mapSchema(programSchema),
    deletion: str({ enum: ['Foreground', 'Background'] }),
  },
  { required: ['api', 'resources'] },
);

/** OpenAPI v3 (structural) schema of a whole `Composition` object, as used in its CRD. */
export const compositionOpenApiSchema: OpenApiSchema = objectSchema(
  {
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: compositionSpecSchema,
  },
  { required: ['spec'] },
);

/**
 * Draft-07 JSON Schema of a Composition document, stricter than the CRD: unknown fields are errors,
 * `apiVersion`, `kind` and `metadata.name` are required.
 */
export function compositionJsonSchema(): JsonSchema {
  const document = objectSchema(
    {
      apiVersion: str({ enum: [KUBIFY_API_VERSION] }),
      kind: str({ enum: ['Composition'] }),
      metadata: objectSchema(
        {
          name: str({ pattern: RESOURCE_NAME_PATTERN, maxLength: 63 }),
          labels: mapSchema(str()),
          annotations: mapSchema(str()),
        },
        { required: ['name'], 'x-kubernetes-preserve-unknown-fields': true },
      ),
      spec: compositionSpecSchema,
    },
    { required: ['apiVersion', 'kind', 'metadata', 'spec'] },
  );
  return openApiToJsonSchema(document, { closed: true });
}
