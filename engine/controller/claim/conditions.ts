import type { Condition, ConditionStatus } from '../../api/claim.ts';

export interface ConditionInput {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * Sets one condition, keeping `lastTransitionTime` when the status did not change, so rewriting an
 * unchanged condition produces an identical object (and therefore no write). Sorted by type.
 */
export function setCondition(
  existing: readonly Condition[],
  next: ConditionInput,
  now: string,
  observedGeneration?: number,
): Condition[] {
  const previous = existing.find((c) => c.type === next.type);
  const condition: Condition = {
    type: next.type,
    status: next.status,
    reason: next.reason,
    message: next.message,
    lastTransitionTime: previous && previous.status === next.status ? previous.lastTransitionTime : now,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
  return [...existing.filter((c) => c.type !== next.type), condition].sort((a, b) =>
    a.type.localeCompare(b.type),
  );
}

export function getCondition(
  conditions: readonly Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** The condition `type` of any object's `status.conditions`. */
export function conditionOf(object: object | undefined, type: string): Condition | undefined {
  const status = (object as { status?: { conditions?: unknown } } | undefined)?.status;
  const conditions = status?.conditions as Condition[] | undefined;
  return Array.isArray(conditions) ? getCondition(conditions, type) : undefined;
}

/** Whether an object's condition `type` is `"True"`. */
export function isConditionTrue(object: object | undefined, type: string): boolean {
  return conditionOf(object, type)?.status === 'True';
}

/** A condition's `lastTransitionTime`: RFC 3339 to the second, as Kubernetes writes it. */
export function conditionTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
