import Handlebars from 'handlebars';
import { HelperError, TemplateFailure, problemAt, tooLargeMessage } from './errors.ts';
import { HELPERS } from './helpers/index.ts';
import type { HelperCall } from './helpers/index.ts';
import { findPath, missingValueError, readPath } from './lookup.ts';
import type { TemplateProgram } from './program.ts';
import { tokenFor } from './tokens.ts';

/** Internal helpers the rewritten AST calls; user templates cannot name them (they are not in `HELPERS`). */
export const GET = '__kubify_get';
export const EMIT = '__kubify_emit';
export const CALL = '__kubify_call';

const STATE = '__kubify_render';

export interface Emission {
  value: unknown;
  /** Index into `program.emits`. */
  site: number;
}

export interface RenderState {
  readonly program: TemplateProgram;
  readonly context: unknown;
  readonly marker: string;
  readonly emitted: Emission[];
}

interface RuntimeOptions {
  data?: Record<string, unknown>;
  hash?: Record<string, unknown>;
}

/** Splits Handlebars' helper arguments into the positional ones and the trailing options object. */
function split(args: unknown[]): { params: unknown[]; state: RenderState; hash: Record<string, unknown> } {
  const options = args[args.length - 1] as RuntimeOptions;
  const state = options.data?.[STATE] as RenderState | undefined;
  if (!state) throw new Error('kubify template helper called outside a render');
  return { params: args.slice(0, -1), state, hash: options.hash ?? {} };
}

function siteAt<T>(sites: readonly T[], id: unknown): T {
  const site = typeof id === 'number' ? sites[id] : undefined;
  if (site === undefined) throw new Error(`kubify template: no site ${String(id)}`);
  return site;
}

/** The render state from a helper's trailing options object. */
function stateOf(options: unknown): RenderState {
  const state = (options as RuntimeOptions).data?.[STATE] as RenderState | undefined;
  if (!state) throw new Error('kubify template helper called outside a render');
  return state;
}

/**
 * `(__kubify_get base id)`: reads `lookups[id].parts` below `base`. The rewrite always passes exactly
 * two arguments (and `emit` below), so these take fixed parameters: no argument array per call.
 */
function get(base: unknown, id: unknown, options: unknown): unknown {
  const state = stateOf(options);
  const site = siteAt(state.program.lookups, id);
  const read = readPath(base, site.parts);
  if ('value' in read) return read.value;
  if (!site.strict) return undefined;
  const basePath = findPath(state.context, base);
  throw missingValueError({
    origin: state.program.origin,
    pos: site.pos,
    abs: site.abs,
    concrete: basePath ? [...basePath, ...site.parts] : undefined,
    text: site.text,
  });
}

/** `{{__kubify_emit id value}}`: records the value and renders its token instead. */
function emit(id: unknown, value: unknown, options: unknown): string {
  const state = stateOf(options);
  const site = siteAt(state.program.emits, id);
  if (value === undefined) {
    const message = `${site.text} produced no value`;
    throw new TemplateFailure(problemAt(state.program.origin, 'template.no-value', message, site.pos));
  }
  state.emitted.push({ value, site: id as number });
  return tokenFor(state.marker, state.emitted.length - 1);
}

/** `(__kubify_call id args...)`: runs the helper named by `calls[id]`. */
function call(...args: unknown[]): unknown {
  const { params, state, hash } = split(args);
  const [id, ...rest] = params;
  const site = siteAt(state.program.calls, id);
  const def = HELPERS.get(site.helper);
  if (!def) throw new Error(`kubify template: unknown helper ${site.helper}`);
  const info: HelperCall = {
    name: def.name,
    hash,
    missing: (index, message) => {
      throw missingValueError(
        {
          origin: state.program.origin,
          pos: site.pos,
          abs: site.argPaths[index],
          concrete: undefined,
          text: site.argTexts[index] ?? `argument ${index + 1}`,
        },
        'template.required',
        message,
      );
    },
  };
  try {
    return def.fn(rest, info);
  } catch (err) {
    if (err instanceof RangeError) {
      const message = `${def.name}: ${tooLargeMessage('its result or an argument', err)}`;
      throw new TemplateFailure(problemAt(state.program.origin, 'template.too-large', message, site.pos));
    }
    if (!(err instanceof HelperError)) throw err;
    const message = `${def.name}: ${err.message}`;
    throw new TemplateFailure(problemAt(state.program.origin, 'template.helper-failed', message, site.pos));
  }
}

/** An isolated Handlebars environment: the global instance is never touched. */
export const env = Handlebars.create();
env.unregisterHelper('log');
env.unregisterHelper('lookup');
env.registerHelper(GET, get);
env.registerHelper(EMIT, emit);
env.registerHelper(CALL, call);

export const COMPILE_OPTIONS = {
  strict: true,
  noEscape: true,
  data: true,
  knownHelpersOnly: true,
  knownHelpers: { [GET]: true, [EMIT]: true, [CALL]: true, if: true, unless: true, each: true, with: true },
  // Whitespace control already ran when the source was parsed; compiling the rewritten AST must not redo it.
  ignoreStandalone: true,
} as const;

/** Runs the program once; exceptions (`TemplateFailure`, `DataPending`, others) propagate. */
export function execute(
  program: TemplateProgram,
  context: unknown,
  marker: string,
): { raw: string; state: RenderState } {
  const state: RenderState = { program, context, marker, emitted: [] };
  const raw = program.delegate(context, { data: { [STATE]: state } });
  return { raw, state };
}
