import type { Condition, ResourceStatus } from '../../api/claim.ts';
import type { RenderResult } from '../../compose/index.ts';
import { setCondition, type ConditionInput } from './conditions.ts';
import { OWNERSHIP_CONFLICT } from './ownership.ts';

export interface StatusInput {
  previous: Record<string, unknown> | undefined;
  generation: number | undefined;
  revision: number | undefined;
  synced: ConditionInput;
  ready: ConditionInput;
  render?: RenderResult;
  /** Per resource id: an apply or delete error that overrides render's view. */
  resourceErrors?: ReadonlyMap<string, string>;
  /** Per resource id: an existing object the claim may not take (reason `OwnershipConflict`). */
  resourceConflicts?: ReadonlyMap<string, string>;
  now: string;
}

/**
 * The claim's status: conditions `Synced` and `Ready`, `resources[]`, projected fields,
 * `observedGeneration` and `compositionRevision`. Unchanged inputs give a deep-equal status, so the
 * caller can skip the write. Projected fields that render did not produce this time keep their value
 * (a pending value does not blank a known one).
 */
export function buildStatus(input: StatusInput): Record<string, unknown> {
  const previous = input.previous ?? {};
  const previousConditions = Array.isArray(previous.conditions) ? (previous.conditions as Condition[]) : [];
  let conditions = setCondition(previousConditions, input.synced, input.now, input.generation);
  conditions = setCondition(conditions, input.ready, input.now, input.generation);
  const status: Record<string, unknown> = {};
  const projected = input.render?.status ?? {};
  const reserved = new Set(['conditions', 'resources', 'observedGeneration', 'compositionRevision']);
  for (const [key, value] of Object.entries(previous)) if (!reserved.has(key)) status[key] = value;
  for (const [key, value] of Object.entries(projected)) status[key] = value;
  status.conditions = conditions;
  if (input.generation !== undefined) status.observedGeneration = input.generation;
  const revision = input.revision ?? (previous.compositionRevision as number | undefined);
  if (revision !== undefined) status.compositionRevision = revision;
  const resources = input.render
    ? resourceStatuses(input.render, input.resourceErrors, input.resourceConflicts)
    : previous.resources;
  if (resources !== undefined) status.resources = resources;
  return Object.fromEntries(Object.entries(status).sort(([a], [b]) => a.localeCompare(b)));
}

function resourceStatuses(
  render: RenderResult,
  errors: ReadonlyMap<string, string> | undefined,
  conflicts: ReadonlyMap<string, string> | undefined,
): ResourceStatus[] {
  return render.resources
    .filter((r) => r.included)
    .map((r) => {
      const error = errors?.get(r.id);
      const conflict = conflicts?.get(r.id);
      const entry: ResourceStatus = {
        id: r.id,
        apiVersion: r.apiVersion,
        kind: r.kind,
        name: r.name,
        ready: error || conflict ? false : r.ready,
        reason: error ? 'ApplyFailed' : conflict ? OWNERSHIP_CONFLICT : r.reason,
        message: error ?? conflict ?? r.message,
      };
      if (r.namespace) entry.namespace = r.namespace;
      return entry;
    });
}

/** Deep equality on JSON values, independent of key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => jsonEqual(ra[k], rb[k]));
}
