/**
 * `kubify.io/v1alpha1 ProgramSource`: a Pulumi project carried inline (the files of a pack's
 * `programs/<name>/`), served by kubify's artifact server as a tarball and published in the shape of a
 * Flux source, so a Pulumi Kubernetes Operator (PKO v2) `Stack` can point at it with
 * `spec.fluxSource.sourceRef {apiVersion: kubify.io/v1alpha1, kind: ProgramSource, name}`.
 *
 * What PKO v2 actually reads from the object its `fluxSource.sourceRef` names (checked against
 * pulumi/pulumi-kubernetes-operator `operator/internal/controller/pulumi/{stack_controller,flux}.go`,
 * v2.0 to v2.x as of 2026):
 *
 * - It GETs the object by `apiVersion`, `kind` and `name` in the Stack's own namespace, through an
 *   unstructured client: the operator's service account needs `get`, `list` and `watch` on
 *   `programsources.kubify.io` (Helm value `rbac.extraRules`; see docs/pulumi.md).
 * - It decodes `status.artifact` into Flux's `Artifact` type. No `status.artifact`, or one that does not
 *   decode, means "no artifact": the Stack is marked `Stalled` (reason `SourceUnavailable`) and retried.
 *   So every field must have its Flux JSON type: `lastUpdateTime` an RFC 3339 string, `size` an integer.
 * - `status.artifact.url`: the workspace pod downloads the tar.gz from it. It must be reachable from the
 *   workspace pods (an in-cluster Service URL).
 * - `status.artifact.digest`: `<algorithm>:<hex>`, here always `sha256:<hex>`; the download is verified
 *   against it. Early v2 releases require it to be non-empty.
 * - `status.artifact.revision`: recorded as the Stack's `lastAttemptedCommit`/`lastSuccessfulCommit`. A
 *   Stack re-runs when the revision differs from the last successful one, and the watch PKO installs on
 *   the ProgramSource kind re-queues Stacks when `revision` changes (or an artifact first appears).
 * - Older releases' watch predicate also required `status.observedGeneration == metadata.generation` and
 *   a `Ready=True` condition before reacting; kubify publishes both, so either behaviour works.
 * - `path`, `size` and `metadata` are part of the Flux shape but PKO does not use them.
 */
import type { Condition } from './claim.ts';
import { reservedStatusSchemas } from './claim.ts';
import { KUBIFY_GROUP, KUBIFY_VERSION } from './composition.ts';
import type { CrdPrinterColumn, CustomResourceDefinition } from './crd.ts';
import type { OpenApiSchema } from './openapi.ts';
import { mapSchema, objectSchema } from './openapi.ts';

export const PROGRAM_SOURCE_KIND = 'ProgramSource';
export const PROGRAM_SOURCE_PLURAL = 'programsources';
export const PROGRAM_SOURCE_API_VERSION = `${KUBIFY_GROUP}/${KUBIFY_VERSION}`;

/** Upper bounds that keep a ProgramSource well inside etcd's 1.5 MiB object limit. */
export const PROGRAM_SOURCE_LIMITS = {
  /** Files per program. */
  maxFiles: 256,
  /** Characters of one file path. */
  maxPathLength: 255,
  /** Characters of one file (about 256 KiB of ASCII text). */
  maxFileLength: 262144,
} as const;

export interface ProgramSource {
  apiVersion: typeof PROGRAM_SOURCE_API_VERSION;
  kind: typeof PROGRAM_SOURCE_KIND;
  metadata: {
    name: string;
    namespace?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: ProgramSourceSpec;
  status?: ProgramSourceStatus;
}

export interface ProgramSourceSpec {
  /**
   * The program's files by path relative to the artifact root (`Pulumi.yaml`, `__main__.py`,
   * `requirements.txt`, `lib/util.py`, ...), as UTF-8 text. Paths use `/`, have no `.` or `..` segments and
   * do not start with `/`. The tarball lists them sorted, with fixed modes and times, so the same files
   * always give the same bytes, digest and revision.
   */
  files: Record<string, string>;
  /**
   * Directory inside the artifact that holds `Pulumi.yaml` (no leading or trailing `/`). Default: the
   * artifact root. A Stack using this source sets the same value as `spec.fluxSource.dir`.
   */
  dir?: string;
  /**
   * The file the runtime starts, relative to `dir`, e.g. `__main__.py`. Optional: when given, the
   * controller checks that it is one of `files` and reports a missing entrypoint as a condition instead
   * of letting the Pulumi run fail later.
   */
  entrypoint?: string;
}

/** The artifact a ProgramSource publishes: Flux's `Artifact` shape (source.toolkit.fluxcd.io/v1). */
export interface ProgramArtifact {
  /** HTTP address of the tarball: `<server>/programs/<namespace>/<name>/<revision>.tar.gz`. */
  url: string;
  /** `sha256:<64 hex digits>` of the tarball bytes. */
  digest: string;
  /** Content revision: changes when, and only when, the files (or `dir`) change. */
  revision: string;
  /** Size of the tarball in bytes. */
  size: number;
  /** RFC 3339 time the artifact (this revision) was first published. */
  lastUpdateTime: string;
  /** The tarball's path relative to the artifact server's root (Flux's storage path). */
  path?: string;
}

export interface ProgramSourceStatus {
  /** Present once the current files were packed and served. */
  artifact?: ProgramArtifact;
  /** `Ready` (artifact current) and, on failure, its reason (`InvalidProgram`, ...) and message. */
  conditions?: Condition[];
  /** `metadata.generation` the status describes. */
  observedGeneration?: number;
}

/** Condition reasons the ProgramSource controller uses (`Ready` condition). */
export const PROGRAM_SOURCE_REASONS = {
  /** Ready=True: the artifact of the current files is served. */
  artifactReady: 'ArtifactReady',
  /** Ready=False: a path is invalid, `Pulumi.yaml` or the entrypoint is missing, ... (message says which). */
  invalidProgram: 'InvalidProgram',
  /** Ready=False: the artifact server could not serve the tarball. */
  storageFailed: 'StorageOperationFailed',
} as const;

const DIGEST_PATTERN = '^sha256:[a-f0-9]{64}$';
/** One path segment: not empty, not `.` or `..`, no `/` or backslash. RE2-compatible (no lookahead). */
const SEGMENT = String.raw`(?:[^/\\.][^/\\]*|\.[^/\\.][^/\\]*|\.\.[^/\\]+)`;
/** Relative path of such segments joined by `/`: no leading or trailing `/`, no `.` or `..`. */
export const PROGRAM_PATH_PATTERN = `^${SEGMENT}(?:/${SEGMENT})*$`;

const str = (extra: Partial<OpenApiSchema> = {}): OpenApiSchema => ({ type: 'string', ...extra });

/** OpenAPI v3 (structural) schema of `ProgramSource.spec`. */
export const programSourceSpecSchema: OpenApiSchema = objectSchema(
  {
    files: mapSchema(str({ maxLength: PROGRAM_SOURCE_LIMITS.maxFileLength }), {
      minProperties: 1,
      maxProperties: PROGRAM_SOURCE_LIMITS.maxFiles,
      description: 'Files of the Pulumi project by relative path, as text.',
    }),
    dir: str({
      pattern: PROGRAM_PATH_PATTERN,
      maxLength: PROGRAM_SOURCE_LIMITS.maxPathLength,
      description: 'Directory inside the artifact that holds Pulumi.yaml. Default: the root.',
    }),
    entrypoint: str({
      pattern: PROGRAM_PATH_PATTERN,
      maxLength: PROGRAM_SOURCE_LIMITS.maxPathLength,
      description: 'File the runtime starts, relative to dir; checked to exist.',
    }),
  },
  {
    required: ['files'],
    'x-kubernetes-validations': [
      {
        rule: "(has(self.dir) ? self.dir + '/Pulumi.yaml' : 'Pulumi.yaml') in self.files",
        message: 'files must contain Pulumi.yaml (in dir, when dir is set)',
      },
    ],
  },
);

const artifactSchema: OpenApiSchema = objectSchema(
  {
    url: str({ minLength: 1, description: 'HTTP address of the tarball.' }),
    digest: str({ pattern: DIGEST_PATTERN, description: 'sha256:<hex> of the tarball.' }),
    revision: str({ minLength: 1, description: 'Content revision; changes only with the files.' }),
    size: { type: 'integer', format: 'int64', minimum: 0, description: 'Tarball size in bytes.' },
    lastUpdateTime: str({ format: 'date-time', description: 'When this revision was published.' }),
    path: str({ description: 'Tarball path relative to the artifact server root.' }),
  },
  { required: ['url', 'digest', 'revision', 'lastUpdateTime'] },
);

/** OpenAPI v3 (structural) schema of `ProgramSource.status`. */
export const programSourceStatusSchema: OpenApiSchema = objectSchema({
  artifact: artifactSchema,
  conditions: reservedStatusSchemas.conditions,
  observedGeneration: { type: 'integer', format: 'int64', minimum: 0 },
});

/** OpenAPI v3 (structural) schema of a whole ProgramSource, as used in its CRD. */
export const programSourceOpenApiSchema: OpenApiSchema = objectSchema(
  {
    apiVersion: str(),
    kind: str(),
    metadata: { type: 'object' },
    spec: programSourceSpecSchema,
    status: programSourceStatusSchema,
  },
  { required: ['spec'] },
);

const columns: CrdPrinterColumn[] = [
  { name: 'Ready', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].status" },
  { name: 'Revision', type: 'string', jsonPath: '.status.artifact.revision' },
  { name: 'Digest', type: 'string', jsonPath: '.status.artifact.digest', priority: 1 },
  { name: 'URL', type: 'string', jsonPath: '.status.artifact.url', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

/** The `programsources.kubify.io` CRD: namespaced, with a status subresource. */
export function programSourceCrd(): CustomResourceDefinition {
  // A JSON copy, so callers never share (or mutate) the schema constants above.
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${PROGRAM_SOURCE_PLURAL}.${KUBIFY_GROUP}` },
      spec: {
        group: KUBIFY_GROUP,
        scope: 'Namespaced',
        names: {
          kind: PROGRAM_SOURCE_KIND,
          listKind: `${PROGRAM_SOURCE_KIND}List`,
          plural: PROGRAM_SOURCE_PLURAL,
          singular: PROGRAM_SOURCE_KIND.toLowerCase(),
          shortNames: ['progsrc'],
          categories: ['kubify'],
        },
        versions: [
          {
            name: KUBIFY_VERSION,
            served: true,
            storage: true,
            schema: { openAPIV3Schema: programSourceOpenApiSchema },
            subresources: { status: {} },
            additionalPrinterColumns: columns,
          },
        ],
      },
    } satisfies CustomResourceDefinition),
  ) as CustomResourceDefinition;
}
