export * from './claim.ts';
export * from './composition.ts';
export * from './composition-revision.ts';
export * from './composition-schema.ts';
export type * from './crd.ts';
export * from './kubify-crds.ts';
export * from './openapi.ts';
export * from './openapi-to-json-schema.ts';
export * from './problem.ts';
