import { expect } from 'chai';
import type { Problem } from '../../../../engine/api/problem.ts';
import {
  compileExpression,
  compileTemplate,
  evaluateExpression,
  renderTemplate,
} from '../../../../engine/compose/template/index.ts';
import type {
  CompiledTemplate,
  EvaluateOutcome,
  RenderOutcome,
  TemplateContext,
  TemplateOptions,
} from '../../../../engine/compose/template/index.ts';

export const FILE = 'templates/test.yaml.hbs';

export function compiled(source: string, opts: Partial<TemplateOptions> = {}): CompiledTemplate {
  const result = compileTemplate(source, { file: FILE, ...opts });
  expect(result.problems).to.deep.equal([]);
  return result.template!;
}

export function context(claim: unknown, resources: Record<string, unknown> = {}): TemplateContext {
  return { claim, resources };
}

export function render(source: string, ctx: TemplateContext): RenderOutcome {
  return renderTemplate(compiled(source), ctx);
}

/** Renders and returns the documents, failing the test on pending or problem. */
export function documents(source: string, ctx: TemplateContext): Record<string, unknown>[] {
  const outcome = render(source, ctx);
  if (!outcome.ok) expect.fail(`render failed: ${JSON.stringify(outcome)}`);
  return outcome.documents;
}

export function evaluate(
  source: string,
  ctx: TemplateContext,
  opts: Partial<TemplateOptions> = {},
): EvaluateOutcome {
  const result = compileExpression(source, { file: FILE, ...opts });
  expect(result.problems).to.deep.equal([]);
  return evaluateExpression(result.template!, ctx);
}

/** Evaluates and returns the value, failing the test on pending or problem. */
export function value(source: string, ctx: TemplateContext): unknown {
  const outcome = evaluate(source, ctx);
  if (!outcome.ok) expect.fail(`evaluate failed: ${JSON.stringify(outcome)}`);
  return outcome.value;
}

/** The problems of a template that must not compile. */
export function compileProblems(source: string, opts: Partial<TemplateOptions> = {}): Problem[] {
  const result = compileTemplate(source, { file: FILE, ...opts });
  expect(result.template, 'template should not compile').to.equal(undefined);
  return result.problems;
}

/** The problem of a render that must fail with a problem. */
export function renderProblem(source: string, ctx: TemplateContext): Problem {
  const outcome = render(source, ctx);
  if (outcome.ok || !('problem' in outcome))
    expect.fail(`expected a problem, got ${JSON.stringify(outcome)}`);
  return outcome.problem;
}
