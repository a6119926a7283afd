/**
 * What kubify adds to every claim API: reserved spec fields, the status shape, labels and annotations.
 */
import type { OpenApiSchema } from './openapi.ts';
import { anyValueSchema, arraySchema, mapSchema, objectSchema } from './openapi.ts';

/** One RFC 6902 operation, as a claim writes it in `spec.overrides.<id>[]`. */
export interface PatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

/** Reserved claim spec fields (a composition's claim schema must not define them). */
export interface ReservedClaimSpec {
  /** Per resource id, RFC 6902 patches applied to the rendered object: an escape hatch. */
  overrides?: Record<string, PatchOperation[]>;
  /** Pin the claim to this revision of its composition; absent means the latest. */
  compositionRevision?: number;
}

export const RESERVED_SPEC_FIELDS = ['compositionRevision', 'overrides'] as const;
export const RESERVED_STATUS_FIELDS = [
  'compositionRevision',
  'conditions',
  'observedGeneration',
  'resources',
] as const;

export interface ClaimMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A claim as render reads it. `spec` is validated against the composition's claim schema. */
export interface Claim {
  apiVersion: string;
  kind: string;
  metadata: ClaimMetadata;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** One entry of a claim's `status.resources[]`. */
export interface ResourceStatus {
  id: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  ready: boolean;
  reason: string;
  message: string;
}

export const LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  claimName: 'kubify.io/claim-name',
  claimNamespace: 'kubify.io/claim-namespace',
  claimKind: 'kubify.io/claim-kind',
  composition: 'kubify.io/composition',
  resourceId: 'kubify.io/resource-id',
} as const;

export const ANNOTATIONS = {
  compositionRevision: 'kubify.io/composition-revision',
  claimUid: 'kubify.io/claim-uid',
} as const;

export const MANAGED_BY = 'kubify';

const patchOperationSchema = objectSchema(
  {
    op: { type: 'string', enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
    path: { type: 'string' },
    from: { type: 'string' },
    value: anyValueSchema,
  },
  { required: ['op', 'path'] },
);

/** Schemas of the reserved spec fields, merged into every claim CRD. */
export const reservedSpecSchemas: Record<(typeof RESERVED_SPEC_FIELDS)[number], OpenApiSchema> = {
  overrides: mapSchema(arraySchema(patchOperationSchema), {
    description: 'RFC 6902 JSON patches per composition resource id, applied after rendering.',
  }),
  compositionRevision: {
    type: 'integer',
    minimum: 1,
    description: 'Pin this claim to a revision of its composition. Absent: the latest revision.',
  },
};

const conditionSchema = objectSchema(
  {
    type: { type: 'string' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string' },
    message: { type: 'string' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
    observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  },
  { required: ['type', 'status', 'lastTransitionTime'] },
);

const resourceStatusSchema = objectSchema(
  {
    id: { type: 'string' },
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    name: { type: 'string' },
    namespace: { type: 'string' },
    ready: { type: 'boolean' },
    reason: { type: 'string' },
    message: { type: 'string' },
  },
  { required: ['id', 'kind', 'ready'] },
);

/** Schemas of the status fields kubify writes on every claim. */
export const reservedStatusSchemas: Record<(typeof RESERVED_STATUS_FIELDS)[number], OpenApiSchema> = {
  conditions: arraySchema(conditionSchema, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['type'],
  }),
  observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
  compositionRevision: { type: 'integer', minimum: 1 },
  resources: arraySchema(resourceStatusSchema, {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['id'],
  }),
};
