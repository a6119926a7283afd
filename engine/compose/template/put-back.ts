import { TemplateFailure, problemAt, tooLargeMessage } from './errors.ts';
import { QuotedText, YamlText, cloneData, describe, textOf } from './helpers/values.ts';
import type { FilePos } from './positions.ts';
import type { RenderState } from './runtime.ts';
import { tokenPattern } from './tokens.ts';

/** The value of a scalar that is exactly one token: the data with its type (maps and lists copied). */
export function wholeValue(value: unknown): unknown {
  if (value instanceof YamlText) return cloneData(value.value);
  if (value instanceof QuotedText) return value.value;
  return cloneData(value);
}

/** `wholeValue` of emission `n`; a value too deep to copy is a problem at its `{{expr}}`. */
export function wholeEmission(state: RenderState, n: number): unknown {
  const { value, pos, text } = emission(state, n);
  try {
    return wholeValue(value);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    const message = tooLargeMessage(`the value of ${text}`, err);
    throw new TemplateFailure(problemAt(state.program.origin, 'template.too-large', message, pos));
  }
}

/** The emission a token stands for, with the position and text of its `{{expr}}`. */
export function emission(state: RenderState, n: number): { value: unknown; pos: FilePos; text: string } {
  const emitted = state.emitted[n];
  const site = emitted ? state.program.emits[emitted.site] : undefined;
  if (!emitted || !site) {
    const problem = problemAt(
      state.program.origin,
      'template.internal',
      `unknown placeholder #${n}`,
      undefined,
    );
    throw new TemplateFailure(problem);
  }
  return { value: emitted.value, pos: site.pos, text: site.text };
}

/** The emission of `text` if it is exactly one token. */
export function soleToken(state: RenderState, text: string): number | undefined {
  const match = new RegExp(`^${tokenPattern(state.marker).source}$`).exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * Replaces every token in `text` by its value as text. Maps, lists and null cannot become part of a
 * string or a key: that fails with `template.splice-value` at the `{{expr}}`, reported under `path`.
 */
export function spliceText(state: RenderState, text: string, path: string, inKey = false): string {
  return text.replace(tokenPattern(state.marker), (_token, n: string) =>
    insertedText(state, Number(n), () => path, inKey),
  );
}

/** Emission `n` as text (see `spliceText`); `path` is only asked for when it fails. */
export function insertedText(state: RenderState, n: number, path: () => string, inKey: boolean): string {
  const { value, pos, text: expr } = emission(state, n);
  const inserted = textOf(value);
  if (inserted !== undefined) return inserted;
  const what = describe(value);
  const message = inKey
    ? `${expr} is ${what} and cannot be (part of) a key`
    : what === 'null'
      ? `${expr} is null and cannot be part of a string`
      : `${expr} is ${what} and cannot be part of a string: write it as the whole, unquoted value`;
  throw new TemplateFailure(problemAt(state.program.origin, 'template.splice-value', message, pos, path()));
}

/** Error messages must show `{{expr}}`, never a token. */
export function untokenize(state: RenderState, text: string): string {
  return text.replace(tokenPattern(state.marker), (token, n: string) => {
    const emitted = state.emitted[Number(n)];
    return (emitted && state.program.emits[emitted.site]?.text) ?? token;
  });
}
