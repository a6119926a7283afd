/**
 * Shared test helpers for the composition engine: a small base composition, compile from text, and the
 * line of a marker in a fixture (so position assertions stay exact without hard-coded numbers).
 */
import { expect } from 'chai';
import type { Problem } from '../../../engine/api/problem.ts';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import type { PackFiles } from '../../../engine/compose/source.ts';

export const FILE = 'composition.yaml';

/** Claim schema properties of the base composition (indented for `spec.api.schema.properties`). */
export const BASE_PROPERTIES = `
        image: {type: string}
        replicas: {type: integer, default: 2, minimum: 1, maximum: 10}
        expose: {type: boolean, default: false}
        apps:
          type: array
          items:
            type: object
            properties:
              name: {type: string}
        env:
          type: object
          additionalProperties: {type: string}`;

export const BASE_RESOURCES = `
    - id: config
      template: |
        apiVersion: v1
        kind: ConfigMap
        data:
          image: {{claim.spec.image}}`;

export interface Parts {
  name?: string;
  api?: string;
  properties?: string;
  required?: string;
  resources?: string;
  tail?: string;
}

/** A composition document; each part replaces the base one. */
export function compositionYaml(parts: Parts = {}): string {
  return `apiVersion: kubify.io/v1alpha1
kind: Composition
metadata:
  name: ${parts.name ?? 'demo'}
spec:
  api:
    group: demo.kubify.io
    version: v1alpha1
    kind: Demo${parts.api ?? ''}
    schema:
      type: object
      required: [${parts.required ?? 'image'}]
      properties:${parts.properties ?? BASE_PROPERTIES}
  resources:${parts.resources ?? BASE_RESOURCES}
${parts.tail ?? ''}`;
}

export function compileText(
  text: string,
  files?: PackFiles,
): { compiled?: CompiledComposition; problems: Problem[] } {
  return compile({ file: FILE, text, ...(files ? { files } : {}) });
}

export function compileOk(text: string, files?: PackFiles): CompiledComposition {
  const result = compileText(text, files);
  expect(result.problems).to.deep.equal([]);
  if (!result.compiled) throw new Error('not compiled');
  return result.compiled;
}

/** 1-based line of the first line containing `needle` (after `after`, when given). */
export function lineOf(text: string, needle: string, after?: string): number {
  const lines = text.split('\n');
  const start = after === undefined ? 0 : lines.findIndex((l) => l.includes(after));
  const index = lines.findIndex((l, i) => i >= start && l.includes(needle));
  if (index < 0) throw new Error(`"${needle}" not in fixture`);
  return index + 1;
}

/** 1-based column where `needle` starts on its line. */
export function columnOf(text: string, needle: string, after?: string): number {
  const line = text.split('\n')[lineOf(text, needle, after) - 1] as string;
  return line.indexOf(needle) + 1;
}
