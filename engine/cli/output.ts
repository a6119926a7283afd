import { stringify } from 'yaml';
import type { Problem } from '../api/problem.ts';
import { formatLabelledProblem, isError } from '../api/problem.ts';
import type { Style } from './color.ts';
import { UsageError } from './context.ts';

/** Output formats of commands whose output is data. */
export type OutputFormat = 'yaml' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['yaml', 'json'];

export function parseOutputFormat(value: string): OutputFormat {
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`unknown output format "${value}": use one of ${OUTPUT_FORMATS.join(', ')}`);
}

/**
 * One YAML document, as kubify prints and stores it everywhere (CLI output, golden files, `crds/`): block
 * style, no line folding, no anchors, key order as given.
 */
export function toYamlDocument(value: unknown): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/**
 * A YAML stream (every document preceded by `---`) or, for JSON, the single object or a `v1 List` of
 * several, like `kubectl get -o json`.
 */
export function formatObjects(objects: readonly unknown[], format: OutputFormat): string {
  if (format === 'json') {
    const value = objects.length === 1 ? objects[0] : { apiVersion: 'v1', kind: 'List', items: objects };
    return `${JSON.stringify(value, null, 2)}\n`;
  }
  return objects.map((o) => `---\n${toYamlDocument(o)}`).join('');
}

/**
 * A problem as one line: `file:line:col: path: message (code)`; warnings and notes say so after the path,
 * errors (Fatal or no severity) do not, so the line stays what compilers print.
 */
export function problemLine(problem: Problem, style: Style): string {
  const line = formatLabelledProblem(problem);
  if (isError(problem)) return style.red(line);
  return problem.severity === 'Warning' ? style.yellow(line) : style.dim(line);
}

/** `3 errors, 1 warning`, with `0 errors` when clean. */
export function countSummary(problems: readonly Problem[]): string {
  const errors = problems.filter(isError).length;
  const warnings = problems.filter((p) => p.severity === 'Warning').length;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
