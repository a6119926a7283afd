/**
 * Reads a template's top-level `apiVersion` and `kind` without rendering it. Both must be written once,
 * as constants: a kind that depends on claim data would let a claim choose what kubify creates.
 */
import { parse } from 'yaml';
import type { Problem } from '../api/problem.ts';

export interface TemplateOrigin {
  file: string;
  /** 1-based position of the template's first character in `file`. */
  line: number;
  column: number;
  /** JSON path of the template field, e.g. `spec.resources[0].template`. */
  path: string;
}

export type ConstantKind = { apiVersion: string; kind: string; problems: [] } | { problems: Problem[] };

const TOP_LEVEL = /^(apiVersion|kind)[ \t]*:(.*)$/;

export function readConstantKind(template: string, origin: TemplateOrigin, id: string): ConstantKind {
  const found: Record<'apiVersion' | 'kind', { value: string; line: number; column: number }[]> = {
    apiVersion: [],
    kind: [],
  };
  const problems: Problem[] = [];
  const at = (line: number, column: number): Pick<Problem, 'file' | 'line' | 'column'> => ({
    file: origin.file,
    line: origin.line + line,
    column: origin.column + column,
  });
  template.split('\n').forEach((raw, i) => {
    const match = TOP_LEVEL.exec(raw.replace(/\r$/, ''));
    if (!match) return;
    const field = match[1] as 'apiVersion' | 'kind';
    const text = stripComment(match[2] ?? '').trim();
    const after = raw.indexOf(':') + 1;
    const column = after + (raw.length - after - raw.slice(after).trimStart().length);
    if (text.includes('{{')) {
      problems.push({
        code: 'resource.templated-kind',
        message: `resource "${id}": ${field} must be a constant, not a template expression (${text})`,
        path: origin.path,
        ...at(i, column),
      });
      return;
    }
    const value = scalar(text);
    if (value === undefined || value === '') {
      problems.push({
        code: 'resource.invalid-kind',
        message: `resource "${id}": ${field} must be a non-empty string`,
        path: origin.path,
        ...at(i, column),
      });
      return;
    }
    found[field].push({ value, line: i, column });
  });
  if (problems.length > 0) return { problems };
  const result: Partial<Record<'apiVersion' | 'kind', string>> = {};
  for (const field of ['apiVersion', 'kind'] as const) {
    const entries = found[field];
    const values = [...new Set(entries.map((e) => e.value))];
    const first = entries[0];
    if (!first) {
      problems.push({
        code: 'resource.missing-kind',
        message: `resource "${id}": the template must set a top-level ${field}`,
        path: origin.path,
        ...at(0, 0),
      });
    } else if (values.length > 1) {
      const second = entries.find((e) => e.value !== first.value) ?? first;
      problems.push({
        code: 'resource.templated-kind',
        message: `resource "${id}": ${field} must be a constant, but the template sets ${values.map((v) => JSON.stringify(v)).join(' and ')}`,
        path: origin.path,
        ...at(second.line, second.column),
      });
    } else {
      result[field] = first.value;
    }
  }
  if (problems.length > 0 || result.apiVersion === undefined || result.kind === undefined)
    return { problems };
  return { apiVersion: result.apiVersion, kind: result.kind, problems: [] };
}

function stripComment(text: string): string {
  const hash = text.search(/(^|\s)#/);
  return hash < 0 ? text : text.slice(0, hash);
}

function scalar(text: string): string | undefined {
  try {
    const value: unknown = parse(text);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
