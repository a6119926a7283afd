/**
 * Renders one composed resource: dependencies, `includeWhen`, template, identity, overrides, metadata.
 */
import type { Problem } from '../api/problem.ts';
import type { CompiledComposition, CompiledResource } from './compiled.ts';
import { applyKubifyMetadata, assignIdentity } from './identity.ts';
import { applyOverrides } from './overrides.ts';
import { formatPath, isRecord } from './path.ts';
import type { Readiness } from './readiness.ts';
import type { ClaimInfo, PendingItem, ResourcePhase } from './render-types.ts';
import { evaluateExpression, renderTemplate } from './template/index.ts';
import type { TokenSeed } from './template/index.ts';
import type { PendingData, TemplateContext } from './template/types.ts';

export interface ResourceEnv {
  compiled: CompiledComposition;
  claim: ClaimInfo;
  context: TemplateContext;
  /** Tokens derived from `context` once for the whole render. */
  seed: TokenSeed;
  names: Readonly<Record<string, string>>;
  /** Phases of the resources rendered so far (all dependencies come first). */
  phases: ReadonlyMap<string, ResourcePhase>;
  readiness: (id: string) => Readiness;
  revision?: number;
}

export interface ResourceOutcome {
  phase: ResourcePhase;
  object?: Record<string, unknown>;
  pending?: PendingItem;
  problems: Problem[];
  /** Why the resource is not rendered (Pending, Excluded, Failed). */
  message?: string;
}

export function renderResource(resource: CompiledResource, env: ResourceEnv): ResourceOutcome {
  const { id } = resource;
  if (resource.includeWhen) {
    const when = evaluateExpression(resource.includeWhen, env.context, env.seed);
    if (!when.ok) return 'pending' in when ? pending(id, when.pending) : failed(when.problem, resource);
    if (typeof when.value !== 'boolean') {
      const message = `resource "${id}": includeWhen must evaluate to true or false, got ${JSON.stringify(when.value) ?? 'nothing'}`;
      return failed({ code: 'render.include-when-type', message, path: `resources.${id}` }, resource);
    }
    if (!when.value) {
      const message = 'includeWhen is false';
      const note: Problem = {
        code: 'render.excluded',
        message: `resource "${id}" is not composed: ${message}`,
        path: `resources.${id}`,
        severity: 'Normal',
      };
      return { phase: 'Excluded', problems: [note], message };
    }
  }

  const blocked = waitingFor(resource, env);
  if (blocked) return pending(id, blocked);

  const rendered = renderTemplate(resource.template, env.context, env.seed);
  if (!rendered.ok)
    return 'pending' in rendered ? pending(id, rendered.pending) : failed(rendered.problem, resource);
  const [document, ...extra] = rendered.documents;
  if (!document || extra.length > 0) {
    const message = `resource "${id}" must render exactly one YAML document, got ${rendered.documents.length}`;
    return failed({ code: 'render.document-count', message, path: `resources.${id}` }, resource);
  }
  if (document.apiVersion !== resource.apiVersion || document.kind !== resource.kind) {
    const got = `${String(document.apiVersion)} ${String(document.kind)}`;
    const message = `resource "${id}" rendered ${got}, but its template declares ${resource.apiVersion} ${resource.kind}`;
    return failed({ code: 'render.kind-mismatch', message, path: `resources.${id}` }, resource);
  }
  const identity = assignIdentity(document, resource, env.claim, env.names[id] as string);
  if (identity) return failed(identity, resource);

  const overrides = isRecord(env.claim.spec.overrides) ? env.claim.spec.overrides[id] : undefined;
  const patched = applyOverrides(document, overrides, id);
  if (patched.problems.length > 0)
    return { phase: 'Failed', problems: patched.problems, message: patched.problems[0]?.message ?? '' };
  applyKubifyMetadata(patched.object, resource, env.claim, env.compiled, env.revision);
  return { phase: 'Rendered', object: patched.object, problems: [] };
}

/** A dependency that is not rendered, or an explicit `dependsOn` that is not ready yet. */
function waitingFor(resource: CompiledResource, env: ResourceEnv): PendingData | undefined {
  for (const dep of resource.dependsOn) {
    const phase = env.phases.get(dep);
    if (phase === 'Pending' || phase === 'Failed') {
      return {
        path: ['resources', dep],
        message: `waiting for resource "${dep}", which is ${phase.toLowerCase()}`,
      };
    }
  }
  for (const dep of resource.waitsFor) {
    if (env.phases.get(dep) === 'Excluded') continue;
    const readiness = env.readiness(dep);
    if (!readiness.ready) {
      return {
        path: ['resources', dep],
        message: `waiting for resource "${dep}" to be ready: ${readiness.message}`,
      };
    }
  }
  return undefined;
}

function pending(id: string, data: PendingData): ResourceOutcome {
  const path = formatPath(data.path.map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s)));
  return {
    phase: 'Pending',
    pending: { id, path, message: data.message },
    problems: [],
    message: data.message,
  };
}

function failed(problem: Problem, resource: CompiledResource): ResourceOutcome {
  const result: Problem = { ...problem, severity: 'Fatal' };
  if (!result.path) result.path = `resources.${resource.id}`;
  return { phase: 'Failed', problems: [result], message: problem.message };
}
