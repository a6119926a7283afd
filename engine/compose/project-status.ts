/**
 * Claim status projection and the claim's overall readiness.
 */
import type { Problem } from '../api/problem.ts';
import type { CompiledComposition } from './compiled.ts';
import type { ReadySummary, ResourceState } from './render-types.ts';
import { evaluateExpression } from './template/index.ts';
import type { TokenSeed } from './template/index.ts';
import type { TemplateContext } from './template/types.ts';

/** Evaluates `spec.status`; values not available yet are omitted, failures are Warnings. */
export function projectStatus(
  compiled: CompiledComposition,
  context: TemplateContext,
  seed?: TokenSeed,
): { status: Record<string, unknown>; problems: Problem[] } {
  const status: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const { field, expression } of compiled.status) {
    const outcome = evaluateExpression(expression, context, seed);
    if (outcome.ok) {
      if (outcome.value !== undefined) status[field] = outcome.value;
    } else if ('problem' in outcome) {
      problems.push({ ...outcome.problem, path: `status.${field}`, severity: 'Warning' });
    }
  }
  return { status, problems };
}

const MAX_NAMED = 3;

/** Ready=True when every included resource is ready; otherwise the message names what blocks. */
export function summarize(
  resources: readonly ResourceState[],
  order: readonly string[],
  fatal: readonly Problem[],
): ReadySummary {
  const first = fatal[0];
  if (first) {
    const more =
      fatal.length > 1 ? ` (and ${fatal.length - 1} more problem${fatal.length > 2 ? 's' : ''})` : '';
    return {
      status: 'False',
      reason: 'RenderFailed',
      message: `${first.path ? `${first.path}: ` : ''}${first.message}${more}`,
    };
  }
  const rank = new Map(order.map((id, i) => [id, i]));
  const blocking = resources
    .filter((r) => r.included && !r.ready)
    .sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
  const included = resources.filter((r) => r.included).length;
  if (blocking.length === 0) {
    return {
      status: 'True',
      reason: 'Available',
      message: `all ${included} composed resource${included === 1 ? ' is' : 's are'} ready`,
    };
  }
  // A failed resource (failedWhen) is named first: it will not become ready by waiting.
  const failed = blocking.filter((r) => r.reason === 'Failed');
  const shown = [...failed, ...blocking.filter((r) => r.reason !== 'Failed')];
  const named = shown
    .slice(0, MAX_NAMED)
    .map((r) => `${r.id} (${r.kind} ${r.name}): ${r.message}`)
    .join('; ');
  const more = blocking.length > MAX_NAMED ? `; and ${blocking.length - MAX_NAMED} more` : '';
  if (failed.length) return { status: 'False', reason: 'ResourceFailed', message: `failed: ${named}${more}` };
  const reason = blocking.some((r) => r.phase === 'Pending') ? 'Pending' : 'ResourcesNotReady';
  return { status: 'False', reason, message: `waiting for ${named}${more}` };
}
