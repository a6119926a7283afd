/**
 * Maps JSON paths of a loaded YAML document back to `file:line:column`.
 */
import { isMap, isPair, isScalar, isSeq, Scalar } from 'yaml';
import type { LineCounter, Node as YamlNode } from 'yaml';
import { formatPath } from './path.ts';
import type { Path, PathSegment } from './path.ts';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface PositionEntry {
  /** Where the key of a map entry starts (absent for sequence items and the root). */
  key?: SourcePosition;
  /** Where the value starts. For block scalars (`|`, `>`), the indicator. */
  value: SourcePosition;
  /** For scalars: where the text content starts (line 1, column 1 of an inline template). */
  content?: SourcePosition;
}

export interface PositionIndex {
  readonly file: string;
  readonly entries: ReadonlyMap<string, PositionEntry>;
}

export interface Location {
  file?: string;
  line?: number;
  column?: number;
}

/** An index without positions (for objects that did not come from text). */
export function emptyPositions(file?: string): PositionIndex {
  return { file: file ?? '', entries: new Map() };
}

/** Builds the index for one parsed YAML document body. */
export function indexPositions(
  root: YamlNode | null,
  text: string,
  lineCounter: LineCounter,
  file: string,
): PositionIndex {
  const entries = new Map<string, PositionEntry>();
  const pos = (offset: number): SourcePosition => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const visit = (node: unknown, path: PathSegment[], key?: SourcePosition): void => {
    if (!node || typeof node !== 'object' || !('range' in node)) return;
    const range = (node as { range?: [number, number, number] | null }).range;
    if (!range) return;
    const entry: PositionEntry = { value: pos(range[0]) };
    if (key) entry.key = key;
    if (isScalar(node)) entry.content = contentStart(node, range[0], text, pos);
    entries.set(formatPath(path), entry);
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const k = pair.key;
        const childKey = k.range ? pos(k.range[0]) : undefined;
        const childPath = [...path, String(k.value)];
        if (pair.value) visit(pair.value, childPath, childKey);
        else if (childKey) entries.set(formatPath(childPath), { key: childKey, value: childKey });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    }
  };
  visit(root, []);
  return { file, entries };
}

function contentStart(
  node: Scalar,
  start: number,
  text: string,
  pos: (offset: number) => SourcePosition,
): SourcePosition {
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    const newline = text.indexOf('\n', start);
    if (newline < 0) return pos(start);
    // Leading blank lines belong to the content; the indentation is that of the first non-blank line.
    const firstLine = pos(newline + 1).line;
    const indent = /^(?:[ \t]*\r?\n)*( *)/.exec(text.slice(newline + 1))?.[1]?.length ?? 0;
    return { line: firstLine, column: indent + 1 };
  }
  if (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) {
    const p = pos(start);
    return { line: p.line, column: p.column + 1 };
  }
  return pos(start);
}

/**
 * The location of `path`: its key (`prefer: 'key'`, for unknown or misplaced fields) or its value, else
 * the nearest ancestor that has a position.
 */
export function locate(index: PositionIndex, path: Path, prefer: 'key' | 'value' = 'value'): Location {
  const file = index.file === '' ? undefined : index.file;
  for (let n = path.length; n >= 0; n -= 1) {
    const entry = index.entries.get(formatPath(path.slice(0, n)));
    if (!entry) continue;
    const p = prefer === 'key' && entry.key ? entry.key : entry.value;
    return { file, line: p.line, column: p.column };
  }
  return file ? { file } : {};
}

/** Where a scalar's text starts (for templates and expressions), when known. */
export function contentPosition(index: PositionIndex, path: Path): SourcePosition | undefined {
  return index.entries.get(formatPath(path))?.content;
}
