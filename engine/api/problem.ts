/**
 * A user-facing problem, as data (zod style): one shape for CLI output, status
 * conditions, render results and test assertions.
 */
export type Severity = 'Fatal' | 'Warning' | 'Normal';

export interface Problem {
  /** Stable machine-readable code, e.g. `schema.required`, `template.unknown-path`. */
  code: string;
  /** What is wrong and, where it helps, how to fix it. No trailing period. */
  message: string;
  /** JSON path of the offending value, e.g. `spec.resources[2].template`; `''` for the whole document. */
  path: string;
  /** File the problem was found in, relative to the pack root or as given by the user. */
  file?: string;
  /** 1-based line and column in `file`, when known. */
  line?: number;
  column?: number;
  severity?: Severity;
}

/** `file:line:column: path: message (code)` — omitting the parts that are unknown. */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined]
    .filter((x) => x !== undefined && x !== '')
    .join(':');
  const path = p.path ? `${p.path}: ` : '';
  return `${where ? `${where}: ` : ''}${path}${p.message} (${p.code})`;
}

/** A problem counts as an error unless it says it is a Warning or Normal. */
export function isError(problem: Problem): boolean {
  return problem.severity === undefined || problem.severity === 'Fatal';
}

/** The problem as `kubify validate` prints it: warnings and notes labelled as such. */
export function formatLabelledProblem(problem: Problem): string {
  const label = problem.severity === 'Warning' ? 'warning: ' : problem.severity === 'Normal' ? 'note: ' : '';
  return formatProblem({ ...problem, message: `${label}${problem.message}` });
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map(formatProblem).join('\n');
}
