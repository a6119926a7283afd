/**
 * The pure composition engine: `compile` once per Composition change, `render` per reconcile.
 */
export { compile, contentHash, sortProblems } from './compile.ts';
export type {
  CompiledComposition,
  CompiledResource,
  CompiledStatusField,
  CompileResult,
} from './compiled.ts';
export { claimCrd, pluralize, resolveApi } from './claim-crd.ts';
export type { ResolvedClaimApi } from './claim-crd.ts';
export type { DependencyGraph } from './graph.ts';
export { canonicalJson, sha256Hex } from './hash.ts';
export { loadSource, loadYaml } from './load.ts';
export type { LoadResult } from './load.ts';
export { claimKindLabel, labelValue, resourceName, shorten } from './names.ts';
export { formatPath, getAt, isRecord, parseDotPath } from './path.ts';
export type { Path, PathSegment } from './path.ts';
export { contentPosition, emptyPositions, indexPositions, locate } from './positions.ts';
export type { Location, PositionIndex, SourcePosition } from './positions.ts';
export { evaluateReadiness } from './readiness.ts';
export type { Readiness } from './readiness.ts';
export { isReassessable, reassess, render } from './render.ts';
export type {
  DesiredObject,
  PendingItem,
  ReadySummary,
  RenderInput,
  RenderResult,
  ResourcePhase,
  ResourceState,
} from './render-types.ts';
export { isSafeRelativePath, isTextSource } from './source.ts';
export type { CompositionSource, ObjectSource, PackFiles, TextSource } from './source.ts';
