/**
 * `kubify.io/v1alpha1 CompositionRevision`: an immutable snapshot of a Composition's spec. The operator
 * creates one per content change (numbered 1, 2, ...); claims record the revision they were rendered
 * from and may pin one with `spec.compositionRevision`.
 */
import type { Composition, CompositionSpec } from './composition.ts';
import { KUBIFY_API_VERSION } from './composition.ts';
import { LABELS } from './claim.ts';

export interface CompositionRevision {
  apiVersion: typeof KUBIFY_API_VERSION;
  kind: 'CompositionRevision';
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: CompositionRevisionSpec;
}

export interface CompositionRevisionSpec {
  /** Name of the Composition this is a snapshot of. */
  compositionName: string;
  /** 1-based, increasing by one per content change of the Composition. */
  revision: number;
  /** `CompiledComposition.hash` of the snapshot: sha256 hex of its canonical JSON. */
  contentHash: string;
  /** The Composition's spec at that revision, templates and programs inline. Never changes. */
  composition: CompositionSpec;
}

/** Name of revision `revision` of composition `compositionName`: `<composition>-<revision>`. */
export function compositionRevisionName(compositionName: string, revision: number): string {
  return `${compositionName}-${revision}`;
}

/** The CompositionRevision object for a composition at a revision (pure; deep-copies the spec). */
export function toCompositionRevision(
  composition: Composition,
  revision: number,
  contentHash: string,
): CompositionRevision {
  const name = composition.metadata.name;
  return {
    apiVersion: KUBIFY_API_VERSION,
    kind: 'CompositionRevision',
    metadata: { name: compositionRevisionName(name, revision), labels: { [LABELS.composition]: name } },
    spec: {
      compositionName: name,
      revision,
      contentHash,
      composition: structuredClone(composition.spec),
    },
  };
}

/** The Composition a revision snapshots, ready for `compile({object})`. */
export function compositionFromRevision(revision: CompositionRevision): Composition {
  return {
    apiVersion: KUBIFY_API_VERSION,
    kind: 'Composition',
    metadata: { name: revision.spec.compositionName },
    spec: structuredClone(revision.spec.composition),
  };
}
