/**
 * Parses composition YAML with source positions. Malformed YAML, several documents and empty files are
 * problems with positions, never exceptions.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Problem } from '../api/problem.ts';
import { firstTooDeep, flowTooDeepAt, isStackOverflow, MAX_NESTING } from './limits.ts';
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

/**
 * Parses exactly one YAML document from `text`, reporting problems against `file`. A document nested too
 * deep for the YAML library (it recurses) is read as JSON when it is JSON (JSON.parse does not recurse;
 * `compile` then reports the depth with a path), else reported as `yaml.too-deep`.
 */
export function loadYaml(text: string, file: string): LoadResult {
  try {
    return loadYamlUnguarded(text, file);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return tooDeepText(text, file);
  }
}

/** What to make of a text too deep for the YAML library. */
export function tooDeepText(text: string, file: string): LoadResult {
  try {
    return { value: JSON.parse(text) as unknown, positions: emptyPositions(file), problems: [] };
  } catch {
    // not JSON either
  }
  const lineCounter = new LineCounter();
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lineCounter.addNewLine(i + 1);
  const offset = flowTooDeepAt(text) ?? 0;
  const pos = lineCounter.linePos(offset);
  return {
    value: undefined,
    positions: emptyPositions(file),
    problems: [
      {
        code: 'yaml.too-deep',
        message: `the document nests too deep to read; kubify accepts at most ${MAX_NESTING} levels of maps and lists`,
        path: '',
        file,
        line: pos.line,
        column: pos.col,
      },
    ],
  };
}

function loadYamlUnguarded(text: string, file: string): LoadResult {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const list = Array.isArray(docs) ? docs : [];
  const problems: Problem[] = [];
  // The YAML library turns its own stack overflow into a document error.
  if (list.some((doc) => doc.errors.some((e) => /call stack/i.test(e.message))))
    return tooDeepText(text, file);
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
  // structuredClone recurses: a value too deep for it is returned as it is (compile refuses it unread).
  return {
    value: firstTooDeep(source.object) ? source.object : structuredClone(source.object),
    positions: emptyPositions(source.file),
    problems: [],
  };
}
