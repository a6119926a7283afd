/** What a detector is given, and the small helpers every detector uses. */
import type { Problem } from '../../api/problem.ts';
import type { ServiceDraft } from '../draft.ts';
import type { LineIndex } from '../evidence.ts';
import { baseName, relJoin } from '../evidence.ts';
import type { SourceTree } from '../tree.ts';

export interface DetectContext {
  tree: SourceTree;
  /** The candidate directory, root-relative (`''` is the root). */
  dir: string;
  /** Files owned by this candidate: under `dir`, not under a nested candidate. Root-relative, sorted. */
  files: readonly string[];
  draft: ServiceDraft;
  problems: Problem[];
}

/**
 * One ecosystem. `claims` says whether a directory's file names make it a candidate service of this
 * ecosystem; `detect` adds candidates to the draft. Detectors never throw for bad content: they add
 * problems and carry on.
 */
export interface Detector {
  id: string;
  claims(names: readonly string[]): boolean;
  detect(ctx: DetectContext): Promise<void>;
}

export interface ReadFile {
  file: string;
  idx: LineIndex;
}

/** Read `name` (relative to the candidate directory) if it exists and is text. */
export async function readIn(ctx: DetectContext, name: string): Promise<ReadFile | undefined> {
  const file = relJoin(ctx.dir, name);
  if (!ctx.tree.has(file)) return undefined;
  const idx = await ctx.tree.text(file);
  return idx ? { file, idx } : undefined;
}

/** Owned files whose names end with one of `exts` (e.g. `.py`), at most `max` of them. */
export function ownedWith(ctx: DetectContext, exts: readonly string[], max = 400): string[] {
  return ctx.files.filter((f) => exts.some((e) => f.endsWith(e))).slice(0, max);
}

/** Owned files with exactly this base name. */
export function ownedNamed(ctx: DetectContext, name: string): string[] {
  return ctx.files.filter((f) => baseName(f) === name);
}

/** Parse JSON, reporting a syntax error with its line and column as a Fatal problem. */
export function parseJson(ctx: DetectContext, file: string, idx: LineIndex): unknown {
  try {
    return JSON.parse(idx.text) as unknown;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(msg);
    const offset = pos ? Number(pos[1]) : 0;
    const line = idx.lineOf(offset);
    const lineStart = idx.text.lastIndexOf('\n', offset - 1) + 1;
    ctx.problems.push({
      code: 'analyze.parse',
      message: `invalid JSON: ${msg.replace(/ in JSON at position \d+.*$/, '')}`,
      path: '',
      file,
      line,
      column: offset - lineStart + 1,
      severity: 'Fatal',
    });
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The 1-based line of the first line matching `re`, or 1. */
export function lineMatching(idx: LineIndex, re: RegExp): number {
  const i = idx.lines.findIndex((l) => re.test(l));
  return i < 0 ? 1 : i + 1;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
