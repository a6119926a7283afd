/**
 * Parses a YAML stream the user wrote (claims, observed objects) into documents with source positions,
 * so problems can point at `file:line:column`.
 */
import { LineCounter, parseAllDocuments } from 'yaml';
import type { Problem } from '../../api/problem.ts';
import { isStackOverflow } from '../../compose/limits.ts';
import { tooDeepText } from '../../compose/load.ts';
import { indexPositions } from '../../compose/positions.ts';
import type { PositionIndex } from '../../compose/positions.ts';

export interface YamlDocument {
  value: unknown;
  positions: PositionIndex;
  /** 1-based line where the document starts. */
  line: number;
}

export function parseYamlStream(
  text: string,
  file: string,
): { documents: YamlDocument[]; problems: Problem[] } {
  try {
    return parseUnguarded(text, file);
  } catch (error) {
    // Nested too deep for the YAML library: read it as JSON if it is (one document), else say so.
    if (!isStackOverflow(error)) throw error;
    const loaded = tooDeepText(text, file);
    if (loaded.problems.length > 0) return { documents: [], problems: loaded.problems };
    return { documents: [{ value: loaded.value, positions: loaded.positions, line: 1 }], problems: [] };
  }
}

function parseUnguarded(text: string, file: string): { documents: YamlDocument[]; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const docs = Array.isArray(parsed) ? parsed : [];
  // The YAML library turns its own stack overflow into a document error.
  if (docs.some((doc) => doc.errors.some((e) => /call stack/i.test(e.message))))
    throw new RangeError('Maximum call stack size exceeded');
  const problems: Problem[] = [];
  const documents: YamlDocument[] = [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      const at = lineCounter.linePos(error.pos[0]);
      const message = error.message.split('\n')[0]?.replace(/[.:]\s*$/, '') ?? 'invalid YAML';
      problems.push({ code: 'yaml.syntax', message, path: '', file, line: at.line, column: at.col });
    }
    if (doc.errors.length > 0 || doc.contents === null) continue;
    try {
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      const line = lineCounter.linePos(doc.contents.range[0]).line;
      documents.push({ value, positions: indexPositions(doc.contents, text, lineCounter, file), line });
    } catch (error) {
      const at = lineCounter.linePos(doc.range[0]);
      problems.push({
        code: 'yaml.aliases',
        message: (error as Error).message,
        path: '',
        file,
        line: at.line,
        column: at.col,
      });
    }
  }
  return { documents: problems.length > 0 ? [] : documents, problems };
}
