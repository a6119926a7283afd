import type { Problem } from '../../api/problem.ts';
import { DataPending, TemplateFailure, problemAt, tooLargeMessage } from './errors.ts';
import { spliceText, wholeEmission } from './put-back.ts';
import type { TemplateProgram } from './program.ts';
import { execute } from './runtime.ts';
import type { RenderState } from './runtime.ts';
import type { RenderedText } from './source-map.ts';
import { unmark } from './source-map.ts';
import { spliceDocuments } from './splice.ts';
import { MAX_ATTEMPTS, TokenSeed, countOccurrences } from './tokens.ts';
import type {
  CompiledTemplate,
  EvaluateOutcome,
  PendingData,
  RenderOutcome,
  TemplateContext,
} from './types.ts';

type Failure = { ok: false; pending: PendingData } | { ok: false; problem: Problem };

function failure(program: TemplateProgram, err: unknown): Failure {
  if (err instanceof DataPending) return { ok: false, pending: err.pending };
  if (err instanceof TemplateFailure) return { ok: false, problem: err.problem };
  if (err instanceof RangeError) {
    const message = tooLargeMessage('a value', err);
    return { ok: false, problem: problemAt(program.origin, 'template.too-large', message, undefined) };
  }
  const message = err instanceof Error ? err.message : String(err);
  const where = err as { lineNumber?: unknown; column?: unknown };
  const pos =
    typeof where.lineNumber === 'number' && typeof where.column === 'number'
      ? program.origin.toFile({ line: where.lineNumber, column: where.column })
      : undefined;
  return {
    ok: false,
    problem: problemAt(program.origin, 'template.internal', `template failed: ${message}`, pos),
  };
}

/** Runs the template, retrying with the next marker in the (practically impossible) case of a collision. */
function run(
  program: TemplateProgram,
  context: unknown,
  seed: TokenSeed | undefined,
): { rendered: RenderedText; state: RenderState } | Failure {
  const tokens =
    seed !== undefined && seed.context === context ? seed : new TokenSeed(context, program.source);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const marker = tokens.marker(program.source, attempt);
    let raw: string;
    let state: RenderState;
    try {
      ({ raw, state } = execute(program, context, marker));
    } catch (err) {
      return failure(program, err);
    }
    const rendered = unmark(raw, program, marker, (n) => {
      const site = state.emitted[n]?.site;
      return site === undefined ? undefined : program.emits[site]?.pos;
    });
    if (countOccurrences(rendered.text, marker) === state.emitted.length) return { rendered, state };
  }
  const message = 'could not choose placeholder tokens that do not collide with the template text';
  return { ok: false, problem: problemAt(program.origin, 'template.internal', message, undefined) };
}

/**
 * Renders a template into YAML documents (empty documents dropped). A missing `resources.*` value gives
 * `pending`; anything else that goes wrong gives a problem with the template's file, line and column.
 * `seed`: a `TokenSeed` of this same `context`, shared by every template rendered with it (hashes the
 * context once); one made for another context is ignored.
 */
export function renderTemplate(
  t: CompiledTemplate,
  context: TemplateContext,
  seed?: TokenSeed,
): RenderOutcome {
  const result = run(t.program, context, seed);
  if ('ok' in result) return result;
  try {
    return spliceDocuments(result.rendered, result.state);
  } catch (err) {
    return failure(t.program, err);
  }
}

/**
 * Evaluates an expression: a source that is exactly one `{{expr}}` gives the value with its type,
 * anything else the rendered text. `seed` as for `renderTemplate`.
 */
export function evaluateExpression(
  t: CompiledTemplate,
  context: TemplateContext,
  seed?: TokenSeed,
): EvaluateOutcome {
  const result = run(t.program, context, seed);
  if ('ok' in result) return result;
  try {
    if (t.program.single && result.state.emitted.length === 1) {
      return { ok: true, value: wholeEmission(result.state, 0) };
    }
    return { ok: true, value: spliceText(result.state, result.rendered.text, t.program.origin.path) };
  } catch (err) {
    return failure(t.program, err);
  }
}
