/**
 * Is an observed object ready? Evaluates a resource's `readyWhen` checks (all must hold). Without checks,
 * an object that exists is ready.
 */
import type { FailureCheck, ReadyCheck } from '../api/composition.ts';
import { getAt, isRecord, parseDotPath } from './path.ts';

export interface Readiness {
  ready: boolean;
  /** `Ready`, `NotFound`, `ConditionNotMet`, `ConditionMissing`, `ConditionStale`, `ValueMismatch`, `ValueEmpty` or `GenerationNotObserved`. */
  reason: string;
  message: string;
}

export function evaluateReadiness(
  observed: unknown,
  checks: readonly ReadyCheck[],
  failedWhen: readonly FailureCheck[] = [],
): Readiness {
  if (!isRecord(observed))
    return { ready: false, reason: 'NotFound', message: 'the object does not exist yet' };
  for (const check of failedWhen) {
    const failure = matchFailure(observed, check);
    if (failure !== undefined) return { ready: false, reason: 'Failed', message: failure };
  }
  for (const check of checks) {
    const failed = evaluateCheck(observed, check);
    if (failed) return { ready: false, ...failed };
  }
  return {
    ready: true,
    reason: 'Ready',
    message: checks.length === 0 ? 'the object exists' : 'all readiness checks pass',
  };
}

type Failure = { reason: string; message: string } | undefined;

/** The failure message when `check` holds on `object`, else undefined. */
function matchFailure(object: Record<string, unknown>, check: FailureCheck): string | undefined {
  let detail: string;
  if ('condition' in check) {
    const conditions = getAt(object, ['status', 'conditions']);
    const condition = Array.isArray(conditions)
      ? (conditions as unknown[]).find((c) => isRecord(c) && c.type === check.condition)
      : undefined;
    if (!isRecord(condition) || condition.status !== (check.status ?? 'True')) return undefined;
    detail = [condition.reason, condition.message]
      .filter((x) => typeof x === 'string' && x !== '')
      .join(': ');
    detail = `condition ${check.condition} is ${String(condition.status)}${detail ? `: ${detail}` : ''}`;
  } else {
    const value = getAt(object, parseDotPath(check.path) ?? []);
    if ('equals' in check ? !deepEqual(value, check.equals) : isEmpty(value)) return undefined;
    detail = `${check.path} is ${JSON.stringify(value)}`;
  }
  if (check.messagePath) {
    const message = getAt(object, parseDotPath(check.messagePath) ?? []);
    if (typeof message === 'string' && message !== '') return `${detail}: ${message}`;
  }
  return detail;
}

function evaluateCheck(object: Record<string, unknown>, check: ReadyCheck): Failure {
  const generation = getAt(object, ['metadata', 'generation']);
  if ('condition' in check) {
    const want = check.status ?? 'True';
    const conditions = getAt(object, ['status', 'conditions']);
    const condition = Array.isArray(conditions)
      ? (conditions as unknown[]).find((c) => isRecord(c) && c.type === check.condition)
      : undefined;
    if (!isRecord(condition)) {
      return { reason: 'ConditionMissing', message: `condition ${check.condition} is not reported yet` };
    }
    if (condition.status !== want) {
      const detail = [condition.reason, condition.message]
        .filter((x) => typeof x === 'string' && x !== '')
        .join(': ');
      return {
        reason: 'ConditionNotMet',
        message: `condition ${check.condition} is ${String(condition.status)}, want ${want}${detail ? ` (${detail})` : ''}`,
      };
    }
    if (
      typeof condition.observedGeneration === 'number' &&
      typeof generation === 'number' &&
      condition.observedGeneration < generation
    ) {
      return {
        reason: 'ConditionStale',
        message: `condition ${check.condition} describes generation ${condition.observedGeneration}, the object is at ${generation}`,
      };
    }
    return undefined;
  }
  if ('observedGeneration' in check) {
    const observedGeneration = getAt(object, ['status', 'observedGeneration']);
    if (typeof generation === 'number' && observedGeneration === generation) return undefined;
    return {
      reason: 'GenerationNotObserved',
      message: `status.observedGeneration is ${JSON.stringify(observedGeneration) ?? 'unset'}, metadata.generation is ${JSON.stringify(generation) ?? 'unset'}`,
    };
  }
  const path = parseDotPath(check.path) ?? [];
  const value = getAt(object, path);
  if ('equals' in check) {
    if (deepEqual(value, check.equals)) return undefined;
    return {
      reason: 'ValueMismatch',
      message: `${check.path} is ${JSON.stringify(value) ?? 'unset'}, want ${JSON.stringify(check.equals)}`,
    };
  }
  if (isEmpty(value)) return { reason: 'ValueEmpty', message: `${check.path} is empty` };
  return undefined;
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  return isRecord(value) && Object.keys(value).length === 0;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && deepEqual(a[k], b[k]));
  }
  return false;
}
