/**
 * The claim file of `kubify render` / `kubify validate`: exactly one YAML document, with positions.
 */
import type { Problem } from '../../api/problem.ts';
import type { PositionIndex } from '../../compose/positions.ts';
import { isRecord } from '../../compose/path.ts';
import type { CliIo } from '../context.ts';
import { readUserFile } from './files.ts';
import { parseYamlStream } from './yaml-stream.ts';

export interface ClaimFile {
  display: string;
  claim?: { value: Record<string, unknown>; positions: PositionIndex };
  problems: Problem[];
}

export function readClaimFile(io: CliIo, path: string): ClaimFile {
  const { text, display } = readUserFile(io, path, 'claim file');
  return parseClaim(text, display);
}

export function parseClaim(text: string, display: string): ClaimFile {
  const { documents, problems } = parseYamlStream(text, display);
  if (problems.length > 0) return { display, problems };
  const first = documents[0];
  if (!first) {
    return { display, problems: [problem(display, 1, 'claim.empty', 'the file holds no YAML document')] };
  }
  const second = documents[1];
  if (second) {
    const message = `expected one claim, found ${documents.length} YAML documents; render one claim per file`;
    return { display, problems: [problem(display, second.line, 'claim.multiple-documents', message)] };
  }
  if (!isRecord(first.value)) {
    return {
      display,
      problems: [problem(display, first.line, 'claim.invalid', 'a claim must be a YAML mapping')],
    };
  }
  return { display, claim: { value: first.value, positions: first.positions }, problems: [] };
}

/** `apiVersion` and `kind` of a claim, when both are strings. */
export function claimType(claim: Record<string, unknown>): { apiVersion: string; kind: string } | undefined {
  const { apiVersion, kind } = claim;
  return typeof apiVersion === 'string' && typeof kind === 'string' ? { apiVersion, kind } : undefined;
}

function problem(file: string, line: number, code: string, message: string): Problem {
  return { code, message, path: '', file, line, column: 1, severity: 'Fatal' };
}
