import type { Problem } from '../../api/problem.ts';
import type { FilePos, Origin } from './positions.ts';
import type { PendingData } from './types.ts';

/** Problem codes this module reports. */
export type TemplateProblemCode =
  | 'template.syntax'
  | 'template.control-character'
  | 'template.too-deep'
  | 'template.unknown-helper'
  | 'template.helper-arity'
  | 'template.helper-argument'
  | 'template.partial'
  | 'template.decorator'
  | 'template.triple-stash'
  | 'template.unknown-variable'
  | 'template.bad-depth'
  | 'template.missing-value'
  | 'template.no-value'
  | 'template.helper-failed'
  | 'template.required'
  | 'template.yaml'
  | 'template.splice-value'
  | 'template.duplicate-key'
  | 'template.token-position'
  | 'template.complex-key'
  | 'template.not-a-mapping'
  | 'template.too-large'
  | 'template.internal';

export function problemAt(
  origin: Origin,
  code: TemplateProblemCode,
  message: string,
  pos: FilePos | undefined,
  path?: string,
): Problem {
  const problem: Problem = { code, message, path: path ?? origin.path, file: origin.file };
  if (pos) {
    problem.line = pos.line;
    problem.column = pos.column;
  }
  return problem;
}

/**
 * An exception used for control flow: always caught in this module and never shown with a stack, so no
 * stack trace is captured (that is most of what throwing costs, and a pending value is thrown often).
 */
class Abort extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** Aborts a render with a problem; caught by `renderTemplate`/`evaluateExpression`. */
export class TemplateFailure extends Abort {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** Aborts a render because a `resources.*` value is not observed yet. */
export class DataPending extends Abort {
  constructor(readonly pending: PendingData) {
    super(pending.message);
  }
}

/**
 * What a `RangeError` means here: a value nested deeper than the call stack allows (copying, `toYaml`,
 * `toJson`) or a string longer than JavaScript allows (`indent`, `replace`). Claims can nest thousands
 * of levels, so this is reachable from claim data and must be a problem, never an exception.
 */
export function tooLargeMessage(what: string, err: RangeError): string {
  return `${what} is too large or nested too deeply to render (${err.message})`;
}

/** Thrown by a helper implementation; the dispatcher turns it into a problem at the call site. */
export class HelperError extends Error {}
