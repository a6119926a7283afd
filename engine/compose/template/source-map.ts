import type { FilePos } from './positions.ts';
import { advance } from './positions.ts';
import type { TemplateProgram } from './program.ts';
import { tokenPattern } from './tokens.ts';

/*
 * Every content statement of a compiled template starts with a mark `\u0001<index>\u0002` (control
 * characters that cannot occur in a template: YAML forbids them and compile rejects them). After a
 * render the marks are cut out, remembering where each content statement landed in the rendered text,
 * so any offset in the rendered text (a YAML error, a scalar) maps back to a line and column of the
 * template. Offsets inside a token map to the `{{expr}}` that produced it.
 */

const OPEN = String.fromCharCode(1);
const CLOSE = String.fromCharCode(2);
const MARK = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');

export function markFor(index: number): string {
  return `${OPEN}${index}${CLOSE}`;
}

interface Anchor {
  at: number;
  /** Content statement index, or -1 for a token. */
  content: number;
  /** Emission number, for tokens. */
  emission: number;
  end: number;
}

export interface RenderedText {
  /** The rendered text without marks: template text and tokens. */
  readonly text: string;
  /** The file position of an offset in `text`. */
  position(offset: number): FilePos;
}

/**
 * Cuts the marks out of `raw`. The map back to the template is only built when a position is asked for
 * (a problem is reported): a render that succeeds never pays for it.
 */
export function unmark(
  raw: string,
  program: TemplateProgram,
  marker: string,
  emissionPos: (n: number) => FilePos | undefined,
): RenderedText {
  const text = raw.replace(MARK, '');
  let anchors: Anchor[] | undefined;
  const start = program.origin.toFile({ line: 1, column: 0 });

  const position = (offset: number): FilePos => {
    anchors ??= anchorsOf(raw, text, marker);
    let lo = 0;
    let hi = anchors.length - 1;
    let found: Anchor | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const anchor = anchors[mid]!;
      if (anchor.at <= offset) {
        found = anchor;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (!found) return start;
    if (found.content < 0) return emissionPos(found.emission) ?? start;
    const origin = program.contents[found.content];
    if (!origin) return start;
    return program.origin.toFile(advance(origin, text.slice(found.at, offset)));
  };
  return { text, position };
}

/** Where each content statement and each token landed in `text` (`raw` without its marks), sorted. */
function anchorsOf(raw: string, text: string, marker: string): Anchor[] {
  const anchors: Anchor[] = [];
  let removed = 0;
  for (const match of raw.matchAll(MARK)) {
    const at = match.index - removed;
    anchors.push({ at, content: Number(match[1]), emission: -1, end: at });
    removed += match[0].length;
  }
  for (const match of text.matchAll(tokenPattern(marker))) {
    const at = match.index;
    anchors.push({ at, content: -1, emission: Number(match[1]), end: at + match[0].length });
  }
  anchors.sort((a, b) => a.at - b.at || b.content - a.content);
  return anchors;
}
