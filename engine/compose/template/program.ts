import type { FilePos, Origin, SourcePos } from './positions.ts';

/** A data read `base.parts...`, rewritten to `(__kubify_get base <id>)`. */
export interface LookupSite {
  /** Segments read below the base value (context, block param or `@data` variable). */
  parts: string[];
  /** Absolute static path from the render context, when it can be known. */
  abs: string[] | undefined;
  /** The expression as written, e.g. `../claim.spec.x`. */
  text: string;
  /** Missing values abort the render (true) or read as undefined (arguments of tolerant helpers). */
  strict: boolean;
  pos: FilePos;
}

/** A helper call, rewritten to `(__kubify_call <id> args...)`. */
export interface CallSite {
  helper: string;
  pos: FilePos;
  /** Absolute static path of each argument that is a plain data read. */
  argPaths: (string[] | undefined)[];
  /** Each argument as written. */
  argTexts: string[];
}

/** An escaped `{{expr}}`, rewritten to `{{__kubify_emit <id> expr}}`. */
export interface EmitSite {
  pos: FilePos;
  /** The mustache as written, e.g. `{{claim.spec.image}}`; used instead of tokens in messages. */
  text: string;
}

export type Delegate = (context: unknown, options: { data: Record<string, unknown> }) => string;

export interface TemplateProgram {
  readonly source: string;
  readonly origin: Origin;
  /** The source is exactly one `{{expr}}` (surrounded by whitespace at most). */
  readonly single: boolean;
  readonly delegate: Delegate;
  readonly lookups: readonly LookupSite[];
  readonly calls: readonly CallSite[];
  readonly emits: readonly EmitSite[];
  /** Where the text of each content statement starts, in template coordinates. */
  readonly contents: readonly SourcePos[];
}
