import type { Problem } from '../../api/problem.ts';
import type { TemplateProgram } from './program.ts';

/**
 * One data path a template reads, resolved to an absolute path from the render context:
 * `['claim','spec','image']`, `['resources','db','status','host']`, or with `'[]'` (any item of a list)
 * / `'{}'` (any value of a map) for reads inside `{{#each}}`. Line and column are 1-based in the
 * original file.
 */
export interface TemplateRef {
  path: string[];
  line: number;
  column: number;
}

export interface TemplateOptions {
  /** File the template comes from; every problem carries it. */
  file: string;
  /** 1-based line of the template's first character in `file` (default 1). */
  line?: number;
  /**
   * 1-based column of the template's first character in `file` (default 1). For a multi-line template
   * every line is assumed to start at this column, as in a YAML block scalar.
   */
  column?: number;
  /** Path of the template inside its document (e.g. `spec.resources[0].template`), used as `Problem.path`. */
  path?: string;
  /**
   * Tells whether the value at an absolute path is a list or a map, so `{{#each}}` refs use `'[]'` or
   * `'{}'`. Without it (or when it returns undefined) `'[]'` is used.
   */
  collectionKind?: (path: readonly string[]) => 'array' | 'object' | undefined;
}

export interface CompiledTemplate {
  readonly file: string;
  /** Every data path the template reads, in source order. */
  readonly refs: TemplateRef[];
  /** Opaque: the rewritten program. */
  readonly program: TemplateProgram;
}

export type CompileResult =
  { template: CompiledTemplate; problems: [] } | { template?: undefined; problems: Problem[] };

/** A value under `resources.<id>` that is not observed yet. */
export interface PendingData {
  path: string[];
  message: string;
}

export interface TemplateContext {
  claim: unknown;
  resources: Record<string, unknown>;
  [key: string]: unknown;
}

export type RenderOutcome =
  | { ok: true; documents: Record<string, unknown>[] }
  | { ok: false; pending: PendingData }
  | { ok: false; problem: Problem };

export type EvaluateOutcome =
  { ok: true; value: unknown } | { ok: false; pending: PendingData } | { ok: false; problem: Problem };
