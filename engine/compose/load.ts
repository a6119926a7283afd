/**
 * Parses composition YAML with source positions. Malformed YAML, several documents and empty files are
 * problems with positions, never exceptions.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Problem } from '../api/problem.ts';
import { emptyPositions, indexPositions } from './positions.ts';
import type { PositionIndex } from './positions.ts';
import { isTextSource } from './source.ts';
import type { CompositionSource } from './source.ts';

export interface LoadResult {
  /** The document as plain JSON-like data; undefined when it could not be parsed. */
  value: unknown;
  positions: PositionIndex;
  problems: Problem[];
}

/** Parses exactly one YAML document from `text`, reporting problems against `file`. */
export function loadYaml(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const list = Array.isArray(docs) ? docs : [];
  const problems: Problem[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      problems.push({
        code: 'yaml.syntax',
        message: `${error.message.replace(/[.:]\s*$/, '')} (${error.code})`,
        path: '',
        file,
        ...at(error.pos[0]),
      });
    }
  }
  if (problems.length > 0) return { value: undefined, positions: emptyPositions(file), problems };
  const bodies = list.filter((doc) => doc.contents !== null);
  const first = bodies[0];
  if (!first) {
    problems.push({
      code: 'yaml.empty',
      message: 'the file holds no YAML document',
      path: '',
      file,
      line: 1,
      column: 1,
    });
    return { value: undefined, positions: emptyPositions(file), problems };
  }
  const second = bodies[1];
  if (second) {
    problems.push({
      code: 'yaml.multiple-documents',
      message: `expected one YAML document, found ${bodies.length}; put each composition in its own file`,
      path: '',
      file,
      ...at(second.range[0]),
    });
    return { value: undefined, positions: emptyPositions(file), problems };
  }
  let value: unknown;
  try {
    value = first.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    problems.push({ code: 'yaml.aliases', message, path: '', file, ...at(first.range[0]) });
    return { value: undefined, positions: emptyPositions(file), problems };
  }
  return { value, positions: indexPositions(first.contents, text, lineCounter, file), problems };
}

/** Loads a composition source (text or object) into data plus a position index. */
export function loadSource(source: CompositionSource): LoadResult {
  if (isTextSource(source)) return loadYaml(source.text, source.file);
  return {
    value: structuredClone(source.object),
    positions: emptyPositions(source.file),
    problems: [],
  };
}
