/**
 * Validates a loaded Composition: its JSON Schema (ajv), then the rules a schema cannot say (unique ids,
 * ready-check forms, dependsOn targets, status field names, reserved claim fields).
 */
import type { ValidateFunction } from 'ajv';
import type { Composition, FailureCheck, ReadyCheck } from '../api/composition.ts';
import { compositionJsonSchema, STATUS_FIELD_PATTERN } from '../api/composition-schema.ts';
import { RESERVED_SPEC_FIELDS, RESERVED_STATUS_FIELDS } from '../api/claim.ts';
import type { Problem } from '../api/problem.ts';
import { ajvErrorsToProblems } from './ajv-problems.ts';
import { newAjv } from './ajv.ts';
import { formatPath, isRecord, parseDotPath } from './path.ts';
import type { PathSegment } from './path.ts';
import { locate } from './positions.ts';
import type { PositionIndex } from './positions.ts';

let validator: ValidateFunction | undefined;

/** ajv validation of the whole document; on success `value` is a Composition. */
export function validateSchema(value: unknown, positions: PositionIndex): Problem[] {
  validator ??= newAjv().compile(compositionJsonSchema());
  if (validator(value)) return [];
  return ajvErrorsToProblems(validator.errors, value, { positions });
}

/** Rules beyond the JSON Schema. `composition` has passed `validateSchema`. */
export function validateRules(composition: Composition, positions: PositionIndex): Problem[] {
  const problems: Problem[] = [];
  const report = (
    code: string,
    message: string,
    path: PathSegment[],
    prefer: 'key' | 'value' = 'value',
  ): void => {
    problems.push({ code, message, path: formatPath(path), ...locate(positions, path, prefer) });
  };
  const { spec } = composition;
  const firstIndex = new Map<string, number>();
  spec.resources.forEach((resource, i) => {
    const first = firstIndex.get(resource.id);
    if (first === undefined) firstIndex.set(resource.id, i);
    else {
      report(
        'resource.duplicate-id',
        `duplicate resource id "${resource.id}" (first used at spec.resources[${first}])`,
        ['spec', 'resources', i, 'id'],
      );
    }
  });
  spec.resources.forEach((resource, i) => {
    const at: PathSegment[] = ['spec', 'resources', i];
    (resource.readyWhen ?? []).forEach((check, k) => checkReady(check, [...at, 'readyWhen', k], report));
    (resource.failedWhen ?? []).forEach((check, k) => checkFailure(check, [...at, 'failedWhen', k], report));
    (resource.dependsOn ?? []).forEach((dep, k) => {
      const path = [...at, 'dependsOn', k];
      if (dep === resource.id)
        report('resource.self-dependency', `resource "${dep}" cannot depend on itself`, path);
      else if (!firstIndex.has(dep)) {
        report(
          'resource.unknown-dependency',
          `dependsOn names unknown resource "${dep}"${known(firstIndex)}`,
          path,
        );
      }
    });
  });
  const schema = spec.api.schema;
  for (const field of RESERVED_SPEC_FIELDS) {
    if (isRecord(schema.properties) && field in schema.properties) {
      const message = `spec.${field} is reserved: kubify adds it to every claim`;
      report('api.reserved-field', message, ['spec', 'api', 'schema', 'properties', field], 'key');
    }
  }
  const statusProperties = spec.api.statusSchema?.properties;
  for (const field of Object.keys(spec.status ?? {}).sort()) {
    const path = ['spec', 'status', field];
    if ((RESERVED_STATUS_FIELDS as readonly string[]).includes(field)) {
      report('status.reserved-field', `status.${field} is reserved: kubify writes it`, path, 'key');
    } else if (!new RegExp(STATUS_FIELD_PATTERN).test(field)) {
      report(
        'status.invalid-field',
        `status field "${field}" must match ${STATUS_FIELD_PATTERN}`,
        path,
        'key',
      );
    } else if (spec.api.statusSchema && !statusProperties?.[field]) {
      report(
        'status.not-in-schema',
        `status field "${field}" is not a property of spec.api.statusSchema`,
        path,
        'key',
      );
    }
  }
  return problems;
}

type Report = (code: string, message: string, path: PathSegment[]) => void;

const FORMS = '{condition}, {path, equals}, {path, nonEmpty: true} or {observedGeneration: true}';

function checkReady(check: ReadyCheck, at: PathSegment[], report: Report): void {
  const keys = Object.keys(check).sort();
  const has = (key: string): boolean => keys.includes(key);
  const form =
    (has('condition') && keys.every((k) => k === 'condition' || k === 'status')) ||
    (has('path') && has('equals') && keys.length === 2) ||
    (has('path') && has('nonEmpty') && keys.length === 2) ||
    (has('observedGeneration') && keys.length === 1);
  if (!form) {
    report(
      'ready.invalid',
      `a readyWhen entry must be exactly one of ${FORMS}; got {${keys.join(', ')}}`,
      at,
    );
    return;
  }
  if ('path' in check && parseDotPath(check.path) === undefined) {
    report('ready.invalid-path', `"${check.path}" is not a path like status.phase or status.items[0].name`, [
      ...at,
      'path',
    ]);
  }
}

const FAILURE_FORMS =
  '{condition, status?}, {path, equals} or {path, nonEmpty: true}, each with an optional messagePath';

function checkFailure(check: FailureCheck, at: PathSegment[], report: Report): void {
  const keys = Object.keys(check)
    .filter((k) => k !== 'messagePath')
    .sort();
  const has = (key: string): boolean => keys.includes(key);
  const form =
    (has('condition') && keys.every((k) => k === 'condition' || k === 'status')) ||
    (has('path') && has('equals') && keys.length === 2) ||
    (has('path') && has('nonEmpty') && keys.length === 2);
  if (!form) {
    report(
      'failed.invalid',
      `a failedWhen entry must be exactly one of ${FAILURE_FORMS}; got {${keys.join(', ')}}`,
      at,
    );
    return;
  }
  for (const field of ['path', 'messagePath'] as const) {
    const value = (check as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' && parseDotPath(value) === undefined) {
      report('failed.invalid-path', `"${value}" is not a path like status.phase or status.items[0].name`, [
        ...at,
        field,
      ]);
    }
  }
}

function known(ids: Map<string, number>): string {
  return `; resources are: ${[...ids.keys()].sort().join(', ')}`;
}
