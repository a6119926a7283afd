/**
 * `render({claim, compiled, observed, now})`: one claim -> the objects to apply, the status to write and
 * why anything waits. Pure and reproducible: same input, byte-identical output; inputs are not modified.
 */
import type { Problem } from '../api/problem.ts';
import { readClaim } from './claim-input.ts';
import type { CompiledComposition } from './compiled.ts';
import { defaultNames } from './identity.ts';
import { copyData } from './render-copy.ts';
import { unknownOverrideIds } from './overrides.ts';
import { isRecord } from './path.ts';
import { projectStatus, summarize } from './project-status.ts';
import { evaluateReadiness } from './readiness.ts';
import type { Readiness } from './readiness.ts';
import { renderResource } from './render-resource.ts';
import type { ResourceOutcome } from './render-resource.ts';
import type {
  ClaimInfo,
  DesiredObject,
  RenderInput,
  RenderResult,
  ResourcePhase,
  ResourceState,
} from './render-types.ts';
import { TokenSeed } from './template/index.ts';
import type { CompiledTemplate, TemplateContext } from './template/types.ts';

/** The observed objects of the composition's resource ids, copied. */
function observedOf(input: RenderInput): Record<string, unknown> {
  const observed: Record<string, unknown> = {};
  for (const r of input.compiled.resources) {
    const value = input.observed?.[r.id];
    if (value !== undefined) observed[r.id] = copyData(value);
  }
  return observed;
}

export function render(input: RenderInput): RenderResult {
  const { compiled } = input;
  const observed = observedOf(input);
  const read = readClaim(input.claim, compiled, input.claimPositions);
  const results: Problem[] = [...read.problems];
  if (!read.claim)
    return finish(compiled, results, [], unrendered(compiled, observed, 'claim is invalid'), {}, []);
  const claim = read.claim;
  const names = defaultNames(compiled, claim);
  const context = buildContext(claim, compiled, observed, names, input.revision);
  const seed = new TokenSeed(context);
  results.push(...unknownOverrideIds(claim.spec.overrides, new Set(compiled.resources.map((r) => r.id))));

  const phases = new Map<string, ResourcePhase>();
  const readinessCache = new Map<string, Readiness>();
  const readiness = (id: string): Readiness => {
    let value = readinessCache.get(id);
    if (!value) {
      const resource = compiled.resources.find((r) => r.id === id);
      value = evaluateReadiness(observed[id], resource?.readyWhen ?? [], resource?.failedWhen ?? []);
      readinessCache.set(id, value);
    }
    return value;
  };
  const outcomes = new Map<string, ResourceOutcome>();
  for (const resource of compiled.resources) {
    const env = {
      compiled,
      claim,
      context,
      seed,
      names,
      phases,
      readiness,
      ...(input.revision !== undefined ? { revision: input.revision } : {}),
    };
    const outcome = renderResource(resource, env);
    outcomes.set(resource.id, outcome);
    phases.set(resource.id, outcome.phase);
    results.push(...outcome.problems);
  }
  results.push(...nameWarnings(compiled, outcomes, names));

  const desired: DesiredObject[] = [];
  const states: ResourceState[] = [];
  for (const resource of compiled.resources) {
    const outcome = outcomes.get(resource.id) as ResourceOutcome;
    if (outcome.object) desired.push({ id: resource.id, object: outcome.object });
    states.push(stateOf(resource.id, compiled, outcome, claim, observed, names, readiness(resource.id)));
  }
  const projected = projectStatus(compiled, context, seed);
  results.push(...projected.problems);
  const pending = [...outcomes.values()].flatMap((o) => (o.pending ? [o.pending] : []));
  return finish(compiled, results, desired, states, projected.status, pending);
}

const reassessable = new WeakMap<CompiledComposition, boolean>();

const readsObserved = (template: CompiledTemplate | undefined): boolean =>
  template?.refs.some((ref) => ref.path[0] === 'resources') ?? false;

/**
 * True when the objects a composition renders never depend on observed objects: no template or
 * `includeWhen` refers to `resources.…` and no resource waits for another. Then only readiness and the
 * projected status change when more is observed, and `reassess` can stand in for a second render.
 */
export function isReassessable(compiled: CompiledComposition): boolean {
  let value = reassessable.get(compiled);
  if (value === undefined) {
    value = compiled.resources.every(
      (r) => r.dependsOn.length === 0 && !readsObserved(r.template) && !readsObserved(r.includeWhen),
    );
    reassessable.set(compiled, value);
  }
  return value;
}

/**
 * What `render(input)` returns, given `previous`, a render of the same claim and revision with fewer
 * objects observed, for a composition that `isReassessable`: the same objects, pending items and
 * resource problems; each rendered resource's readiness, the claim's readiness and the projected status
 * judged against `input.observed`. The operator's second look after applying, without rendering the
 * templates again.
 */
export function reassess(previous: RenderResult, input: RenderInput): RenderResult {
  const { compiled } = input;
  const observed = observedOf(input);
  const byId = new Map(compiled.resources.map((r) => [r.id, r]));
  const states = previous.resources.map((state): ResourceState => {
    const resource = byId.get(state.id);
    if (state.phase !== 'Rendered' || !resource) return state;
    return { ...state, ...evaluateReadiness(observed[state.id], resource.readyWhen, resource.failedWhen) };
  });
  let status = previous.status;
  let results = previous.results;
  const read =
    compiled.status.length > 0 ? readClaim(input.claim, compiled, input.claimPositions) : undefined;
  if (read?.claim) {
    const names = defaultNames(compiled, read.claim);
    const context = buildContext(read.claim, compiled, observed, names, input.revision);
    const projected = projectStatus(compiled, context, new TokenSeed(context));
    const fields = new Set(compiled.status.map((f) => `status.${f.field}`));
    status = projected.status;
    results = [...results.filter((p) => !fields.has(p.path ?? '')), ...projected.problems];
  }
  return finish(compiled, results, previous.desired, states, status, previous.pending);
}

function buildContext(
  claim: ClaimInfo,
  compiled: CompiledComposition,
  observed: Record<string, unknown>,
  names: Record<string, string>,
  revision: number | undefined,
): TemplateContext {
  const metadata: Record<string, unknown> = {
    name: claim.name,
    labels: claim.labels,
    annotations: claim.annotations,
  };
  if (claim.namespace !== undefined) metadata.namespace = claim.namespace;
  if (claim.uid !== undefined) metadata.uid = claim.uid;
  return {
    claim: { apiVersion: claim.apiVersion, kind: claim.kind, metadata, spec: claim.spec },
    resources: observed,
    names,
    programs: copyData(compiled.programs),
    composition: { name: compiled.name, revision: revision ?? 0 },
  };
}

function stateOf(
  id: string,
  compiled: CompiledComposition,
  outcome: ResourceOutcome,
  claim: ClaimInfo,
  observed: Record<string, unknown>,
  names: Record<string, string>,
  readiness: Readiness,
): ResourceState {
  const resource = compiled.resources.find((r) => r.id === id);
  const seen = observed[id];
  const meta = outcome.object?.metadata ?? (isRecord(seen) ? seen.metadata : undefined);
  const name = isRecord(meta) && typeof meta.name === 'string' ? meta.name : (names[id] ?? id);
  const namespace = isRecord(meta) && typeof meta.namespace === 'string' ? meta.namespace : claim.namespace;
  // Built with Object.assign, not `{...base, k: v}`: V8 (Node 20) takes a slow path for a spread
  // followed by more properties, and this runs for every resource of every render. Same keys, same order.
  const base: Pick<ResourceState, 'id' | 'apiVersion' | 'kind' | 'name' | 'namespace'> = {
    id,
    apiVersion: resource?.apiVersion ?? '',
    kind: resource?.kind ?? '',
    name,
  };
  if (namespace !== undefined) base.namespace = namespace;
  const message = outcome.message ?? '';
  switch (outcome.phase) {
    case 'Rendered':
      return Object.assign(base, { included: true, phase: 'Rendered' as const }, readiness);
    case 'Excluded':
      return Object.assign(base, {
        included: false,
        phase: 'Excluded' as const,
        ready: false,
        reason: 'Excluded',
        message,
      });
    case 'Pending':
      return Object.assign(base, {
        included: true,
        phase: 'Pending' as const,
        ready: false,
        reason: 'Pending',
        message,
      });
    case 'Failed':
      return Object.assign(base, {
        included: true,
        phase: 'Failed' as const,
        ready: false,
        reason: 'RenderFailed',
        message,
      });
  }
}

function unrendered(
  compiled: CompiledComposition,
  observed: Record<string, unknown>,
  message: string,
): ResourceState[] {
  return compiled.resources.map((r) => {
    const meta = isRecord(observed[r.id]) ? (observed[r.id] as Record<string, unknown>).metadata : undefined;
    const name = isRecord(meta) && typeof meta.name === 'string' ? meta.name : '';
    return {
      id: r.id,
      apiVersion: r.apiVersion,
      kind: r.kind,
      name,
      included: true,
      phase: 'Failed',
      ready: false,
      reason: 'RenderFailed',
      message,
    };
  });
}

/** A template that names its object itself while another resource reads `names.<id>`. */
function nameWarnings(
  compiled: CompiledComposition,
  outcomes: Map<string, ResourceOutcome>,
  names: Record<string, string>,
): Problem[] {
  const out: Problem[] = [];
  for (const resource of compiled.resources) {
    const meta = outcomes.get(resource.id)?.object?.metadata;
    const actual = isRecord(meta) ? meta.name : undefined;
    if (typeof actual !== 'string' || actual === names[resource.id]) continue;
    const readers = compiled.resources.filter((r) => r.namesRead.includes(resource.id)).map((r) => r.id);
    if (readers.length === 0) continue;
    out.push({
      code: 'render.name-mismatch',
      message: `resource "${resource.id}" is named "${actual}" by its template, but names.${resource.id} is "${String(names[resource.id])}" (read by ${readers.join(', ')})`,
      path: `resources.${resource.id}`,
      severity: 'Warning',
    });
  }
  return out;
}

const SEVERITY_RANK = { Fatal: 0, Warning: 1, Normal: 2 } as const;

function finish(
  compiled: CompiledComposition,
  results: Problem[],
  desired: DesiredObject[],
  states: ResourceState[],
  status: Record<string, unknown>,
  pending: RenderResult['pending'],
): RenderResult {
  const sortedResults = results
    .map((p) => Object.assign({}, p, { severity: p.severity ?? 'Fatal' }))
    .sort(
      (a, b) =>
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        cmp(a.path, b.path) ||
        cmp(a.code, b.code) ||
        cmp(a.message, b.message),
    );
  const fatal = sortedResults.filter((p) => p.severity === 'Fatal');
  const sortedStatus: Record<string, unknown> = {};
  for (const key of Object.keys(status).sort()) sortedStatus[key] = status[key];
  return {
    desired: fatal.length > 0 ? [] : [...desired].sort((a, b) => cmp(a.id, b.id)),
    resources: [...states].sort((a, b) => cmp(a.id, b.id)),
    status: sortedStatus,
    pending: [...pending].sort((a, b) => cmp(a.id, b.id) || cmp(a.path, b.path)),
    results: sortedResults,
    ready: summarize(states, compiled.graph.order, fatal),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
