/** Public surface of `engine/analyze`: a source folder → services with evidence. */
export { analyze, dnsLabel, type AnalyzeOptions } from './analyze.ts';
export { formatReport, hasFatal, reportToJson } from './format.ts';
export { type AnalyzeFs, type FsEntry, type MemoryEntry, memoryFs, nodeFs } from './fs.ts';
export { DEFAULT_LIMITS, SKIPPED_DIRS, type TreeLimits } from './tree.ts';
export type * from './types.ts';
