/**
 * The output of `compile`: an immutable, fully checked composition that `render` evaluates per claim.
 */
import type {
  Composition,
  AdoptionPolicy,
  DeletionMode,
  DeletionPolicy,
  FailureCheck,
  ProgramSpec,
  ReadyCheck,
  Requirement,
} from '../api/composition.ts';
import type { CustomResourceDefinition } from '../api/crd.ts';
import type { OpenApiSchema } from '../api/openapi.ts';
import type { Problem } from '../api/problem.ts';
import type { ResolvedClaimApi } from './claim-crd.ts';
import type { DependencyGraph } from './graph.ts';
import type { CompiledTemplate } from './template/types.ts';

export interface CompiledResource {
  readonly id: string;
  /** Index in `spec.resources` (for paths such as `spec.resources[2].template`). */
  readonly index: number;
  /** Constant `apiVersion` and `kind` of every object this resource renders. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly template: CompiledTemplate;
  readonly includeWhen?: CompiledTemplate;
  readonly readyWhen: readonly ReadyCheck[];
  readonly failedWhen: readonly FailureCheck[];
  readonly deletionPolicy: DeletionPolicy;
  /** Whether an existing object no claim owns may be taken over (default `Never`). */
  readonly adoption: AdoptionPolicy;
  /** Every resource this one depends on (data references and `dependsOn`), sorted. */
  readonly dependsOn: readonly string[];
  /** Only the explicit `dependsOn` ids: rendered once each of them exists and is ready. */
  readonly waitsFor: readonly string[];
  /** Ids whose `names.<id>` this resource reads. */
  readonly namesRead: readonly string[];
}

export interface CompiledStatusField {
  /** Claim status field, e.g. `endpoint`. */
  readonly field: string;
  readonly expression: CompiledTemplate;
}

export interface CompiledComposition {
  /** `metadata.name` of the Composition. */
  readonly name: string;
  /** sha256 (hex) of the canonical JSON of `{name, spec}` with templates and programs inline. */
  readonly hash: string;
  /** The resolved Composition: templates and programs inline. What `kubify install` applies. */
  readonly composition: Composition;
  readonly api: ResolvedClaimApi;
  /** The claim `.spec` schema, including kubify's reserved fields (`overrides`, `compositionRevision`). */
  readonly specSchema: OpenApiSchema;
  /** The generated claim CRD. */
  readonly crd: CustomResourceDefinition;
  /** Resources in dependency order (`graph.order`). */
  readonly resources: readonly CompiledResource[];
  readonly graph: DependencyGraph;
  /** Status projection, sorted by field. */
  readonly status: readonly CompiledStatusField[];
  readonly requires: readonly Requirement[];
  readonly programs: Readonly<Record<string, ProgramSpec>>;
  /** `spec.deletion`, defaulted: whether claims carry kubify's finalizer (`Foreground`). */
  readonly deletion: DeletionMode;
}

export type CompileResult =
  { compiled: CompiledComposition; problems: [] } | { compiled?: undefined; problems: Problem[] };
