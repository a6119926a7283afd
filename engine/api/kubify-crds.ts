/**
 * CRDs of kubify's own APIs: `Composition` and `CompositionRevision` (group `kubify.io`).
 */
import type { CrdPrinterColumn, CustomResourceDefinition } from './crd.ts';
import type { OpenApiSchema } from './openapi.ts';
import { arraySchema, objectSchema } from './openapi.ts';
import { compositionSpecSchema } from './composition-schema.ts';
import { KUBIFY_GROUP, KUBIFY_VERSION } from './composition.ts';
import { reservedStatusSchemas } from './claim.ts';
import { programSourceCrd } from './program-source.ts';

const topLevel = (spec: OpenApiSchema, status?: OpenApiSchema): OpenApiSchema =>
  objectSchema(
    {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      ...(status ? { status } : {}),
    },
    { required: ['spec'] },
  );

const compositionStatusSchema = objectSchema({
  conditions: reservedStatusSchemas.conditions,
  observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  latestRevision: { type: 'integer', minimum: 0, description: 'Number of the newest CompositionRevision.' },
  contentHash: { type: 'string', description: 'sha256 of the compiled composition.' },
  claimApi: objectSchema(
    { apiVersion: { type: 'string' }, kind: { type: 'string' }, plural: { type: 'string' } },
    { description: 'The claim API this composition serves.' },
  ),
  problems: arraySchema(
    objectSchema({
      code: { type: 'string' },
      message: { type: 'string' },
      path: { type: 'string' },
      file: { type: 'string' },
      line: { type: 'integer' },
      column: { type: 'integer' },
    }),
    { description: 'Compile problems of the current spec, with their positions.' },
  ),
});

const revisionSpecSchema = objectSchema(
  {
    compositionName: { type: 'string' },
    revision: { type: 'integer', minimum: 1 },
    contentHash: { type: 'string' },
    composition: compositionSpecSchema,
  },
  { required: ['compositionName', 'revision', 'contentHash', 'composition'] },
);

const crd = (
  kind: string,
  plural: string,
  schema: OpenApiSchema,
  columns: CrdPrinterColumn[],
  extra: { shortNames: string[]; status: boolean },
): CustomResourceDefinition =>
  plain({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${KUBIFY_GROUP}` },
    spec: {
      group: KUBIFY_GROUP,
      scope: 'Cluster',
      names: {
        kind,
        listKind: `${kind}List`,
        plural,
        singular: kind.toLowerCase(),
        shortNames: extra.shortNames,
        categories: ['kubify'],
      },
      versions: [
        {
          name: KUBIFY_VERSION,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: schema },
          ...(extra.status ? { subresources: { status: {} } } : {}),
          additionalPrinterColumns: columns,
        },
      ],
    },
  });

/** A JSON copy: no shared sub-objects, so YAML serialisers never emit anchors. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

const age: CrdPrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

/** The `compositions.kubify.io` CRD (cluster-scoped). */
export function compositionCrd(): CustomResourceDefinition {
  return crd(
    'Composition',
    'compositions',
    topLevel(compositionSpecSchema, compositionStatusSchema),
    [
      { name: 'Kind', type: 'string', jsonPath: '.spec.api.kind' },
      { name: 'Group', type: 'string', jsonPath: '.spec.api.group' },
      { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
      { name: 'Revision', type: 'integer', jsonPath: '.status.latestRevision' },
      age,
    ],
    { shortNames: ['comp'], status: true },
  );
}

/** The `compositionrevisions.kubify.io` CRD (cluster-scoped, no status). */
export function compositionRevisionCrd(): CustomResourceDefinition {
  return crd(
    'CompositionRevision',
    'compositionrevisions',
    topLevel(revisionSpecSchema),
    [
      { name: 'Composition', type: 'string', jsonPath: '.spec.compositionName' },
      { name: 'Revision', type: 'integer', jsonPath: '.spec.revision' },
      age,
    ],
    { shortNames: ['comprev'], status: false },
  );
}

/** Every CRD of kubify's own APIs, sorted by name. */
export function kubifyCrds(): CustomResourceDefinition[] {
  return [compositionCrd(), compositionRevisionCrd(), programSourceCrd()].sort((a, b) =>
    a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0,
  );
}
