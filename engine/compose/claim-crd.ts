/**
 * The claim API of a composition: its resolved names and its generated CRD.
 */
import type { ApiScope, ClaimApi } from '../api/composition.ts';
import type { CrdPrinterColumn, CustomResourceDefinition } from '../api/crd.ts';
import type { OpenApiSchema } from '../api/openapi.ts';
import { anyValueSchema, objectSchema } from '../api/openapi.ts';
import { LABELS, reservedSpecSchemas, reservedStatusSchemas } from '../api/claim.ts';

/** The claim API with every default filled in. */
export interface ResolvedClaimApi {
  readonly group: string;
  readonly version: string;
  /** `group/version`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly listKind: string;
  readonly scope: ApiScope;
  readonly shortNames: readonly string[];
  /** Sorted, always including `kubify`. */
  readonly categories: readonly string[];
}

export function resolveApi(api: ClaimApi): ResolvedClaimApi {
  const singular = api.singular ?? api.kind.toLowerCase();
  return {
    group: api.group,
    version: api.version,
    apiVersion: `${api.group}/${api.version}`,
    kind: api.kind,
    plural: api.plural ?? pluralize(api.kind.toLowerCase()),
    singular,
    listKind: api.listKind ?? `${api.kind}List`,
    scope: api.scope ?? 'Namespaced',
    shortNames: [...new Set(api.shortNames ?? [])].sort(),
    categories: [...new Set([...(api.categories ?? []), 'kubify'])].sort(),
  };
}

/** English-ish plural of a lower-case kind, as Kubernetes tooling guesses it. */
export function pluralize(word: string): string {
  if (/(s|x|z|ch|sh)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

/** The claim's `.spec` schema with kubify's reserved fields added. */
export function claimSpecSchema(userSchema: OpenApiSchema): OpenApiSchema {
  return { ...userSchema, properties: { ...(userSchema.properties ?? {}), ...reservedSpecSchemas } };
}

export function claimStatusSchema(
  statusFields: readonly string[],
  statusSchema?: OpenApiSchema,
): OpenApiSchema {
  const projected: Record<string, OpenApiSchema> = {};
  for (const field of [...statusFields].sort()) {
    projected[field] = statusSchema?.properties?.[field] ?? anyValueSchema;
  }
  return objectSchema({ ...reservedStatusSchemas, ...projected });
}

const DEFAULT_COLUMNS: { first: CrdPrinterColumn[]; last: CrdPrinterColumn[] } = {
  first: [
    { name: 'Synced', type: 'string', jsonPath: ".status.conditions[?(@.type=='Synced')].status" },
    { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
  ],
  last: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
};

export function printerColumns(api: ClaimApi): CrdPrinterColumn[] {
  const user: CrdPrinterColumn[] = (api.printerColumns ?? []).map((c) => ({
    ...c,
    type: c.type ?? 'string',
  }));
  const taken = new Set(user.map((c) => c.name.toLowerCase()));
  const free = (c: CrdPrinterColumn): boolean => !taken.has(c.name.toLowerCase());
  return [...DEFAULT_COLUMNS.first.filter(free), ...user, ...DEFAULT_COLUMNS.last.filter(free)];
}

export function claimCrd(
  compositionName: string,
  api: ClaimApi,
  statusFields: readonly string[],
): CustomResourceDefinition {
  const resolved = resolveApi(api);
  const spec = claimSpecSchema(api.schema);
  const root = objectSchema(
    {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec,
      status: claimStatusSchema(statusFields, api.statusSchema),
    },
    (api.schema.required ?? []).length > 0 ? { required: ['spec'] } : {},
  );
  const crd: CustomResourceDefinition = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${resolved.plural}.${resolved.group}`,
      labels: { [LABELS.composition]: compositionName },
    },
    spec: {
      group: resolved.group,
      scope: resolved.scope,
      names: {
        kind: resolved.kind,
        listKind: resolved.listKind,
        plural: resolved.plural,
        singular: resolved.singular,
        ...(resolved.shortNames.length > 0 ? { shortNames: [...resolved.shortNames] } : {}),
        categories: [...resolved.categories],
      },
      versions: [
        {
          name: resolved.version,
          served: true,
          storage: true,
          schema: { openAPIV3Schema: root },
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns(api),
        },
      ],
    },
  };
  return JSON.parse(JSON.stringify(crd)) as CustomResourceDefinition;
}
