/**
 * Input and output of `render`: request -> desired state, Crossplane-function style. Everything in the
 * result is sorted and JSON-serialisable; nothing depends on the clock.
 */
import type { Problem } from '../api/problem.ts';
import type { CompiledComposition } from './compiled.ts';
import type { PositionIndex } from './positions.ts';

export interface RenderInput {
  /** The claim object (`apiVersion`, `kind`, `metadata`, `spec`). Never modified. */
  claim: unknown;
  compiled: CompiledComposition;
  /** Observed composed objects by resource id (from the informer cache). Never modified. */
  observed?: Readonly<Record<string, unknown>>;
  /** The composition revision being rendered (annotation and `composition.revision`), when known. */
  revision?: number;
  /** The current time (RFC 3339), passed in so render stays reproducible. Not written into objects. */
  now?: string;
  /** Positions of the claim document, so claim problems point at `claim.yaml:line:column`. */
  claimPositions?: PositionIndex;
}

export interface DesiredObject {
  id: string;
  object: Record<string, unknown>;
}

/**
 * - `Rendered`: in `desired`.
 * - `Pending`: included, but waiting for data or a dependency; keep (do not prune) what exists.
 * - `Excluded`: `includeWhen` is false; prune what exists.
 * - `Failed`: a Fatal result names the problem.
 */
export type ResourcePhase = 'Rendered' | 'Pending' | 'Excluded' | 'Failed';

export interface ResourceState {
  id: string;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** false only when `includeWhen` is false. */
  included: boolean;
  phase: ResourcePhase;
  ready: boolean;
  reason: string;
  message: string;
}

export interface PendingItem {
  id: string;
  /** The missing data path (`resources.db.status.host`) or the dependency waited for. */
  path: string;
  message: string;
}

export interface ReadySummary {
  status: 'True' | 'False';
  reason: string;
  /** Names the blocking resource(s) when not ready. */
  message: string;
}

export interface RenderResult {
  /** Objects to apply, sorted by id. Empty whenever `results` holds a Fatal problem. */
  desired: DesiredObject[];
  /** Every resource of the composition, sorted by id. */
  resources: ResourceState[];
  /** Projected claim status fields (keys sorted); values not available yet are omitted. */
  status: Record<string, unknown>;
  pending: PendingItem[];
  /** Fatal first, then Warning, then Normal; each group sorted by path. */
  results: Problem[];
  ready: ReadySummary;
}

/** What render knows about the claim after validation and defaulting. */
export interface ClaimInfo {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The defaulted spec (a copy). */
  spec: Record<string, unknown>;
}
