import type { Problem } from '../../api/problem.ts';
import { problemAt } from './errors.ts';
import type { Origin, SourcePos } from './positions.ts';
import { env } from './runtime.ts';

/** Readable names for the Handlebars grammar's terminals. */
const TERMINALS: Record<string, string> = {
  ID: 'a name',
  STRING: 'a string',
  NUMBER: 'a number',
  BOOLEAN: 'true/false',
  UNDEFINED: 'undefined',
  NULL: 'null',
  DATA: 'an @variable',
  SEP: '.',
  EQUALS: '=',
  CLOSE: '}}',
  CLOSE_UNESCAPED: '}}}',
  CLOSE_RAW_BLOCK: '}}}}',
  OPEN_SEXPR: '(',
  CLOSE_SEXPR: ')',
  OPEN_BLOCK_PARAMS: 'as |',
  CLOSE_BLOCK_PARAMS: '|',
  INVERSE: '{{else}}',
  OPEN_INVERSE_CHAIN: '{{else ...}}',
  EOF: 'the end of the template',
  CONTENT: 'text',
  COMMENT: 'a comment',
  OPEN: '{{',
  OPEN_BLOCK: '{{#',
  OPEN_ENDBLOCK: '{{/',
};

interface LexerState {
  yylloc?: { first_line: number; first_column: number };
  match?: string;
  matched?: string;
}

/** Where the shared Handlebars lexer stopped (parsing is synchronous, so this is the failed parse). */
function lexerState(): LexerState {
  const parser = (env as unknown as { Parser?: { lexer?: LexerState } }).Parser;
  return parser?.lexer ?? {};
}

function expectedList(message: string): string {
  const found = /Expecting (.*), got/.exec(message);
  if (!found?.[1]) return '';
  const names = [...found[1].matchAll(/'([A-Z_]+)'/g)].map(
    (m) => TERMINALS[m[1] ?? ''] ?? (m[1] ?? '').toLowerCase(),
  );
  const unique = [...new Set(names)];
  if (unique.length === 0) return '';
  const shown = unique.length > 6 ? [...unique.slice(0, 6), '...'] : unique;
  return `; expected ${unique.length === 1 ? '' : 'one of '}${shown.join(', ')}`;
}

/** A problem for an exception thrown by `Handlebars.parse`. */
export function parseProblem(err: unknown, source: string, origin: Origin): Problem {
  const message = err instanceof Error ? err.message : String(err);
  const exception = err as { lineNumber?: unknown; column?: unknown };
  if (typeof exception.lineNumber === 'number' && typeof exception.column === 'number') {
    const pos: SourcePos = { line: exception.lineNumber, column: exception.column };
    const text = message.replace(/ - \d+:\d+$/, '');
    return problemAt(origin, 'template.syntax', `template syntax error: ${text}`, origin.toFile(pos));
  }
  const lexer = lexerState();
  const pos: SourcePos = lexer.yylloc
    ? { line: lexer.yylloc.first_line, column: lexer.yylloc.first_column }
    : { line: Number(/line (\d+)/.exec(message)?.[1] ?? 1), column: 0 };
  if (message.startsWith('Lexical error')) {
    return problemAt(
      origin,
      'template.syntax',
      'template syntax error: unterminated {{ or comment',
      origin.toFile(pos),
    );
  }
  const got = /got '([A-Z_]+)'/.exec(message)?.[1];
  let text: string;
  if (got === 'EOF') {
    text = 'template syntax error: unexpected end of the template (is a {{/...}} missing?)';
  } else if (got === 'INVALID' && lexer.matched?.length === source.length) {
    text = 'template syntax error: unterminated {{ (missing }})';
  } else {
    const hint =
      got === 'CLOSE_UNESCAPED' ? '; to close a YAML flow map after {{...}}, put a space before }' : '';
    text = `template syntax error: unexpected ${JSON.stringify(lexer.match ?? '')}${expectedList(message)}${hint}`;
  }
  return problemAt(origin, 'template.syntax', text, origin.toFile(pos));
}
