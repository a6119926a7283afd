import type { TemplateOptions } from './types.ts';

/** A position in the template source: 1-based line, 0-based column (Handlebars' convention). */
export interface SourcePos {
  line: number;
  column: number;
}

/** A position in the original file: 1-based line and column. */
export interface FilePos {
  line: number;
  column: number;
}

/** Maps template positions to the original file, honouring the embedding offsets of `opts`. */
export interface Origin {
  readonly file: string;
  readonly path: string;
  toFile(pos: SourcePos): FilePos;
}

export function makeOrigin(opts: TemplateOptions): Origin {
  const line = opts.line ?? 1;
  const column = opts.column ?? 1;
  return {
    file: opts.file,
    path: opts.path ?? '',
    toFile: (pos) => ({ line: line + pos.line - 1, column: column + pos.column }),
  };
}

/** The position reached after reading `text` from `pos`. */
export function advance(pos: SourcePos, text: string): SourcePos {
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak < 0) return { line: pos.line, column: pos.column + text.length };
  let breaks = 0;
  for (const ch of text) if (ch === '\n') breaks++;
  return { line: pos.line + breaks, column: text.length - lastBreak - 1 };
}

/** The position of a 0-based offset in `source`. */
export function positionAt(source: string, offset: number): SourcePos {
  return advance({ line: 1, column: 0 }, source.slice(0, offset));
}
