/** Shared helpers for the analyser's unit tests: in-memory trees. */
import { expect } from 'chai';
import { analyze, memoryFs } from '../../../engine/analyze/index.ts';
import type { AnalysisReport, MemoryEntry, ServiceFacts } from '../../../engine/analyze/index.ts';

export const ROOT = '/w/app';

export async function run(files: Record<string, MemoryEntry>): Promise<AnalysisReport> {
  return analyze(ROOT, { fs: memoryFs(ROOT, files) });
}

/** The single service of a tree (fails the test when there is not exactly one). */
export async function only(files: Record<string, MemoryEntry>): Promise<ServiceFacts> {
  const r = await run(files);
  expect(r.services, JSON.stringify(r.problems)).to.have.length(1);
  return r.services[0]!;
}

/** A package.json text with these dependencies. */
export const pkg = (deps: Record<string, string>, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ name: 'x', dependencies: deps, ...extra }, null, 2);
