/** Public surface of `engine/analyze/claims`: an analysis report -> kubify claims, validated by rendering. */
export { generateClaims, APP_API, DATA_API } from './generate.ts';
export { CONTEXT_KEY, DEFAULT_REGISTRY_HOST, TAR_CONTEXT_ARG, registryOf } from './build.ts';
export { claimsHeader, formatClaimsFile, formatDecision } from './format.ts';
export { claimProblemLine, validateClaims, type ClaimProblem, type PackIndex } from './validate.ts';
export { SOURCE_LABEL } from './types.ts';
export type * from './types.ts';
