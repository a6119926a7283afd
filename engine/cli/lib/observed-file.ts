/**
 * `--observed <file>`: what the cluster would report for the composed objects, so `kubify render` can
 * show what happens after they exist and become ready. Either a YAML stream of objects, each carrying
 * the `kubify.io/resource-id` label or annotation (what kubify puts on every object it composes), or
 * one mapping from resource id to object.
 */
import { LABELS } from '../../api/claim.ts';
import type { Problem } from '../../api/problem.ts';
import { isRecord } from '../../compose/path.ts';
import type { CliIo } from '../context.ts';
import { readUserFile } from './files.ts';
import { parseYamlStream } from './yaml-stream.ts';

export interface ObservedFile {
  observed: Record<string, Record<string, unknown>>;
  problems: Problem[];
}

export function readObservedFile(io: CliIo, path: string, ids: readonly string[]): ObservedFile {
  const { text, display } = readUserFile(io, path, 'observed file');
  return parseObserved(text, display, ids);
}

export function parseObserved(text: string, display: string, ids: readonly string[]): ObservedFile {
  const { documents, problems } = parseYamlStream(text, display);
  const observed: Record<string, Record<string, unknown>> = {};
  if (problems.length > 0) return { observed, problems };
  const known = new Set(ids);
  const add = (id: string, value: unknown, line: number, path: string): void => {
    const at = { file: display, line, column: 1, path };
    if (!isRecord(value)) {
      problems.push({
        ...at,
        code: 'observed.invalid',
        message: `observed "${id}" must be an object`,
        severity: 'Fatal',
      });
    } else if (!known.has(id)) {
      const message = `no resource "${id}" in the composition (resources: ${[...ids].sort().join(', ')}); ignored`;
      problems.push({ ...at, code: 'observed.unknown-id', message, severity: 'Warning' });
    } else if (observed[id] !== undefined) {
      const message = `resource "${id}" is observed twice`;
      problems.push({ ...at, code: 'observed.duplicate-id', message, severity: 'Fatal' });
    } else {
      observed[id] = value;
    }
  };
  const first = documents[0];
  if (documents.length === 1 && first && isIdMap(first.value)) {
    for (const [id, value] of Object.entries(first.value)) {
      const position = first.positions.entries.get(id);
      add(id, value, position?.key?.line ?? first.line, id);
    }
    return { observed, problems };
  }
  for (const doc of documents) {
    const id = resourceIdOf(doc.value);
    if (id === undefined) {
      problems.push({
        code: 'observed.missing-id',
        message: `observed object ${describe(doc.value)} has no ${LABELS.resourceId} label or annotation`,
        path: 'metadata.labels',
        file: display,
        line: doc.line,
        column: 1,
        severity: 'Fatal',
      });
      continue;
    }
    add(id, doc.value, doc.line, '');
  }
  return { observed, problems };
}

/** A mapping of ids to objects, rather than one object: no `apiVersion`/`kind` at the top. */
function isIdMap(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && value.apiVersion === undefined && value.kind === undefined;
}

function resourceIdOf(value: unknown): string | undefined {
  const metadata = isRecord(value) && isRecord(value.metadata) ? value.metadata : undefined;
  for (const bag of [metadata?.labels, metadata?.annotations]) {
    const id = isRecord(bag) ? bag[LABELS.resourceId] : undefined;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (!isRecord(value)) return '(not an object)';
  const name = isRecord(value.metadata) ? value.metadata.name : undefined;
  const text = (v: unknown): string => (typeof v === 'string' && v !== '' ? v : '?');
  return `${text(value.kind)}/${text(name)}`;
}
