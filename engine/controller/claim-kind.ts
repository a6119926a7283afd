import type { CompiledComposition } from '../compose/index.ts';
import { claimKindLabel } from '../compose/index.ts';
import type { ClaimKind } from './claim/types.ts';

/** The claim API a compiled composition serves, as the claim controller needs it. */
export function kindOf(compiled: CompiledComposition): ClaimKind {
  const { group, version, kind, plural, scope } = compiled.api;
  return {
    group,
    version,
    apiVersion: `${group}/${version}`,
    kind,
    plural,
    namespaced: scope !== 'Cluster',
    kindLabel: claimKindLabel(kind, group),
  };
}
