import type { Problem } from '../../api/problem.ts';
import { isStackOverflow, MAX_BLOCK_NESTING } from '../limits.ts';
import { problemAt } from './errors.ts';
import { parseProblem } from './parse-error.ts';
import { makeOrigin, positionAt } from './positions.ts';
import type { Delegate, TemplateProgram } from './program.ts';
import { COMPILE_OPTIONS, env } from './runtime.ts';
import { transform } from './transform.ts';
import type { CompileResult, TemplateOptions } from './types.ts';

/** The first C0 control character other than tab, line feed and carriage return (YAML forbids them; marks use them). */
function findControl(source: string): number {
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return i;
  }
  return -1;
}

/** Where `{{#block}}`s first nest deeper than MAX_BLOCK_NESTING, or -1. */
function findTooDeep(source: string): number {
  let depth = 0;
  const tags = /\{\{~?\s*([#/^])/g;
  for (let m = tags.exec(source); m !== null; m = tags.exec(source)) {
    if (m[1] === '/') depth = Math.max(0, depth - 1);
    else if (++depth > MAX_BLOCK_NESTING) return m.index;
  }
  return -1;
}

/**
 * Compiles with the stack guarded: Handlebars parses and compiles recursively, so a template nested
 * too deep is a problem at its first too-deep block, never a stack overflow.
 */
function guarded(source: string, opts: TemplateOptions): CompileResult {
  const origin = makeOrigin(opts);
  const deep = findTooDeep(source);
  const tooDeep = (at: number): CompileResult => ({
    problems: [
      problemAt(
        origin,
        'template.too-deep',
        `blocks nest more than ${MAX_BLOCK_NESTING} levels deep; kubify accepts at most ${MAX_BLOCK_NESTING}`,
        origin.toFile(positionAt(source, at)),
      ),
    ],
  });
  if (deep >= 0) return tooDeep(deep);
  try {
    return compileSource(source, opts);
  } catch (error) {
    if (isStackOverflow(error)) return tooDeep(0);
    throw error;
  }
}

/** Compiles a template that renders YAML documents (see `renderTemplate`). */
export function compileTemplate(source: string, opts: TemplateOptions): CompileResult {
  return guarded(source, opts);
}

/**
 * Compiles a value expression such as `includeWhen: "{{claim.spec.dashboard}}"` (see `evaluateExpression`).
 * Same checks and refs as a template.
 */
export function compileExpression(source: string, opts: TemplateOptions): CompileResult {
  return guarded(source, opts);
}

function isBlank(statement: hbs.AST.Statement): boolean {
  return statement.type === 'ContentStatement' && (statement as hbs.AST.ContentStatement).value.trim() === '';
}

function compileSource(source: string, opts: TemplateOptions): CompileResult {
  const origin = makeOrigin(opts);
  const control = findControl(source);
  if (control >= 0) {
    const code = source.charCodeAt(control).toString(16).padStart(4, '0').toUpperCase();
    const pos = origin.toFile(positionAt(source, control));
    const message = `the template contains the control character U+${code}, which YAML does not allow`;
    return { problems: [problemAt(origin, 'template.control-character', message, pos)] };
  }
  let ast: hbs.AST.Program;
  try {
    ast = env.parse(source);
  } catch (err) {
    return { problems: [parseProblem(err, source, origin)] };
  }
  const significant = ast.body.filter((statement) => !isBlank(statement));
  const single = significant.length === 1 && significant[0]?.type === 'MustacheStatement';
  const result = transform(ast, source, origin, opts);
  if (result.problems.length > 0) return { problems: sortProblems(result.problems) };
  const delegate = env.compile(ast, COMPILE_OPTIONS) as Delegate;
  const program: TemplateProgram = {
    source,
    origin,
    single,
    delegate,
    lookups: result.lookups,
    calls: result.calls,
    emits: result.emits,
    contents: result.contents,
  };
  return { template: { file: opts.file, refs: result.refs, program }, problems: [] };
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
