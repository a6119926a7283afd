/**
 * The validating admission webhook's decision, pure: an AdmissionReview (v1) for a Composition in, the
 * AdmissionReview to answer out. It runs the same `compile()` as `kubify validate`, and the denial
 * message is what `kubify validate` prints after its `file:line:col: ` prefix (the API server sends JSON,
 * so there are no lines to name): one `path: message (code)` line per error.
 */
import type { Problem } from '../../api/problem.ts';
import { formatLabelledProblem, isError } from '../../api/problem.ts';
import { compile } from '../../compose/compile.ts';
import { isRecord } from '../../compose/path.ts';

/** Errors listed in a denial before the rest are counted; `kubify validate` lists them all. */
export const MAX_LISTED_PROBLEMS = 20;

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  response: {
    uid: string;
    allowed: boolean;
    status?: { code: number; reason: string; message: string };
    warnings?: string[];
  };
}

/** A problem as `kubify validate` prints it, without the `file:line:col: ` prefix. */
export function problemText(problem: Problem): string {
  const { file: _file, line: _line, column: _column, ...rest } = problem;
  return formatLabelledProblem(rest);
}

/** The denial message for `problems` (errors only), sorted, at most MAX_LISTED_PROBLEMS lines then a count. */
export function denialMessage(problems: readonly Problem[]): string {
  const lines = problems.filter(isError).map(problemText).sort();
  const listed = lines.slice(0, MAX_LISTED_PROBLEMS);
  const more = lines.length - listed.length;
  if (more > 0) listed.push(`... and ${more} more (run kubify validate on the file to see them all)`);
  return listed.join('\n');
}

/**
 * The problems `kubify validate` would report for a Composition object as the API server sends it. Its
 * `status` is kubify's, not the user's (an update carries the old one), so it is not checked.
 */
export function compositionProblems(object: unknown): Problem[] {
  const name = nameOf(object);
  const { status: _status, ...written } = isRecord(object) ? object : { status: undefined };
  return compile({ object: isRecord(object) ? written : object, file: `Composition/${name}` }).problems;
}

/** Answers an AdmissionReview request body (already parsed JSON). Throws on a body that is no review. */
export function reviewComposition(body: unknown): AdmissionReview {
  const request = isRecord(body) && isRecord(body.request) ? body.request : undefined;
  if (!request || typeof request.uid !== 'string') throw new TypeError('not an AdmissionReview request');
  const answer = (response: Omit<AdmissionReview['response'], 'uid'>): AdmissionReview => ({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid: request.uid as string, ...response },
  });
  // Deletes and status writes are never refused: a broken Composition must stay removable.
  if (request.operation === 'DELETE' || (request.subResource !== undefined && request.subResource !== ''))
    return answer({ allowed: true });
  const problems = compositionProblems(request.object);
  const warnings = problems
    .filter((p) => p.severity === 'Warning')
    .map(problemText)
    .slice(0, MAX_LISTED_PROBLEMS);
  if (!problems.some(isError)) return answer({ allowed: true, ...(warnings.length ? { warnings } : {}) });
  return answer({
    allowed: false,
    status: { code: 422, reason: 'Invalid', message: denialMessage(problems) },
    ...(warnings.length ? { warnings } : {}),
  });
}

function nameOf(object: unknown): string {
  const meta = isRecord(object) && isRecord(object.metadata) ? object.metadata : undefined;
  const name = meta?.name;
  return typeof name === 'string' && name !== '' ? name : 'unnamed';
}
