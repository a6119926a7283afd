/**
 * `compile(source)`: load, validate, resolve, compile every text, check every reference, build the
 * dependency graph and the claim CRD. Pure. Problems are returned, never thrown.
 */
import type { Composition } from '../api/composition.ts';
import type { Problem } from '../api/problem.ts';
import { claimCrd, claimSpecSchema, resolveApi } from './claim-crd.ts';
import type { CompiledComposition, CompiledResource, CompileResult } from './compiled.ts';
import { compileResource, compileStatus } from './compile-resources.ts';
import type { CompileScope, ResourceDraft } from './compile-resources.ts';
import { freezeCompiled } from './freeze.ts';
import { buildGraph } from './graph.ts';
import { canonicalJson, sha256Hex } from './hash.ts';
import { firstTooDeep, tooDeepProblem } from './limits.ts';
import { loadSource } from './load.ts';
import { formatPath } from './path.ts';
import { locate } from './positions.ts';
import { resolveComposition } from './resolve.ts';
import type { CompositionSource } from './source.ts';
import { checkStructural } from './structural.ts';
import { validateRules, validateSchema } from './validate-composition.ts';

export function compile(source: CompositionSource): CompileResult {
  const loaded = loadSource(source);
  if (loaded.problems.length > 0) return fail(loaded.problems);
  const { positions } = loaded;
  const deep = firstTooDeep(loaded.value);
  if (deep) return fail([tooDeepProblem('composition.too-deep', deep, positions)]);
  const schemaProblems = validateSchema(loaded.value, positions);
  if (schemaProblems.length > 0) return fail(schemaProblems);
  const resolved = resolveComposition(loaded.value as Composition, source.files, positions);
  const composition = resolved.composition;
  const { spec } = composition;
  const problems: Problem[] = [...resolved.problems, ...validateRules(composition, positions)];
  problems.push(
    ...checkStructural(spec.api.schema, ['spec', 'api', 'schema'], positions, { root: 'object' }),
  );
  if (spec.api.statusSchema) {
    const at = ['spec', 'api', 'statusSchema'];
    problems.push(...checkStructural(spec.api.statusSchema, at, positions, { root: 'object' }));
  }
  if (problems.length > 0) return fail(problems);

  const file = positions.file !== '' ? positions.file : `Composition/${composition.metadata.name}`;
  const specSchema = claimSpecSchema(spec.api.schema);
  const scope: CompileScope = {
    composition,
    positions,
    file,
    specSchema,
    ids: new Set(spec.resources.map((r) => r.id)),
    programs: new Set(Object.keys(spec.programs ?? {})),
    inlineTemplates: inlineTemplates(loaded.value),
  };
  const drafts: ResourceDraft[] = [];
  spec.resources.forEach((resource, i) => {
    const result = compileResource(scope, resource, i);
    problems.push(...result.problems);
    if (result.draft) drafts.push(result.draft);
  });
  const status = compileStatus(scope);
  problems.push(...status.problems);
  if (problems.length > 0) return fail(problems);

  const edges: Record<string, string[]> = {};
  for (const d of drafts) edges[d.spec.id] = [...d.reads, ...(d.spec.dependsOn ?? [])];
  const built = buildGraph([...scope.ids], edges);
  if (!built.graph) {
    const indexOf = new Map(drafts.map((d) => [d.spec.id, d.index]));
    return fail(
      built.cycles.map((cycle) => {
        const path = ['spec', 'resources', indexOf.get(cycle[0] ?? '') ?? 0, 'id'];
        return {
          code: 'graph.cycle',
          message: `dependency cycle: ${cycle.join(' -> ')}`,
          path: formatPath(path),
          ...locate(positions, path),
        };
      }),
    );
  }
  const graph = built.graph;
  const deletion = spec.deletion ?? 'Foreground';
  if (deletion === 'Background' && graph.levels.length > 1) {
    const path = ['spec', 'deletion'];
    const ordered = graph.order.filter((id) => (graph.dependencies[id] ?? []).length > 0);
    return fail([
      {
        code: 'composition.background-deletion-order',
        message: `deletion: Background deletes composed objects in no particular order, but ${ordered.map((id) => `"${id}" depends on ${(graph.dependencies[id] ?? []).map((d) => `"${d}"`).join(', ')}`).join('; ')}: use Foreground (the default)`,
        path: formatPath(path),
        ...locate(positions, path),
      },
    ]);
  }
  const byId = new Map(drafts.map((d) => [d.spec.id, d]));
  const resources: CompiledResource[] = graph.order.map((id) => {
    const d = byId.get(id) as ResourceDraft;
    return {
      id,
      index: d.index,
      apiVersion: d.apiVersion,
      kind: d.kind,
      template: d.template,
      ...(d.includeWhen ? { includeWhen: d.includeWhen } : {}),
      readyWhen: d.spec.readyWhen ?? [],
      failedWhen: d.spec.failedWhen ?? [],
      deletionPolicy: d.spec.deletionPolicy ?? 'Delete',
      adoption: d.spec.adoption ?? 'Never',
      dependsOn: graph.dependencies[id] ?? [],
      waitsFor: [...new Set(d.spec.dependsOn ?? [])].sort(),
      namesRead: d.namesRead,
    };
  });
  const compiled: CompiledComposition = {
    name: composition.metadata.name,
    hash: contentHash(composition),
    composition,
    api: resolveApi(spec.api),
    specSchema,
    crd: claimCrd(composition.metadata.name, spec.api, Object.keys(spec.status ?? {})),
    resources,
    graph,
    status: status.fields,
    requires: spec.requires ?? [],
    programs: spec.programs ?? {},
    deletion,
  };
  return { compiled: freezeCompiled(compiled), problems: [] };
}

/** sha256 of the canonical JSON of `{name, spec}`: equal for equal content, whatever the key order. */
export function contentHash(composition: Composition): string {
  return sha256Hex(canonicalJson({ name: composition.metadata.name, spec: composition.spec }));
}

/** Indexes of the resources that carry their `template` text in the document itself. */
function inlineTemplates(document: unknown): Set<number> {
  const resources = (document as { spec?: { resources?: unknown } }).spec?.resources;
  const out = new Set<number>();
  if (!Array.isArray(resources)) return out;
  resources.forEach((r: unknown, i) => {
    if (typeof (r as { template?: unknown } | null)?.template === 'string') out.add(i);
  });
  return out;
}

function fail(problems: Problem[]): CompileResult {
  return { problems: sortProblems(problems) };
}

/** By file, line, column, path and code, so output never depends on the order checks ran in. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const key = (p: Problem): [string, number, number, string, string] => [
    p.file ?? '',
    p.line ?? 0,
    p.column ?? 0,
    p.path,
    `${p.code}\u0000${p.message}`,
  ];
  return [...problems].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i += 1) {
      const x = ka[i] as string | number;
      const y = kb[i] as string | number;
      if (x < y) return -1;
      if (x > y) return 1;
    }
    return 0;
  });
}
