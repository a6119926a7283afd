/**
 * Compiles each resource's template and `includeWhen`, and each status expression, with positions that
 * point into the file the text came from.
 */
import type { Composition, ResourceSpec } from '../api/composition.ts';
import type { OpenApiSchema } from '../api/openapi.ts';
import type { Problem } from '../api/problem.ts';
import { checkRefs } from './check-refs.ts';
import { claimCollectionKind } from './claim-paths.ts';
import type { CompiledStatusField } from './compiled.ts';
import { readConstantKind } from './constant-kind.ts';
import type { TemplateOrigin } from './constant-kind.ts';
import { formatPath } from './path.ts';
import type { PathSegment } from './path.ts';
import { contentPosition } from './positions.ts';
import type { PositionIndex } from './positions.ts';
import { compileExpression, compileTemplate } from './template/index.ts';
import type { CompiledTemplate, TemplateOptions } from './template/types.ts';

/** A resource whose texts compiled; dependencies are not resolved yet. */
export interface ResourceDraft {
  spec: ResourceSpec;
  index: number;
  apiVersion: string;
  kind: string;
  template: CompiledTemplate;
  includeWhen?: CompiledTemplate;
  /** Ids read as `resources.<id>` by the template or `includeWhen`. */
  reads: string[];
  namesRead: string[];
}

export interface CompileScope {
  composition: Composition;
  positions: PositionIndex;
  /** File named in problems of inline texts. */
  file: string;
  specSchema: OpenApiSchema;
  ids: ReadonlySet<string>;
  programs: ReadonlySet<string>;
  /**
   * Indexes of resources whose `template` was written inline in the source (a self-contained Composition
   * may also keep the `templateFile` it was inlined from): their problems point into the source.
   */
  inlineTemplates: ReadonlySet<number>;
}

/** Where the text at `path` starts: its own file for `templateFile`s, else its place in the source. */
export function originOf(scope: CompileScope, path: PathSegment[], templateFile?: string): TemplateOrigin {
  if (templateFile !== undefined) return { file: templateFile, line: 1, column: 1, path: formatPath(path) };
  const start = contentPosition(scope.positions, path) ?? { line: 1, column: 1 };
  return { file: scope.file, line: start.line, column: start.column, path: formatPath(path) };
}

function options(scope: CompileScope, origin: TemplateOrigin): TemplateOptions {
  return {
    file: origin.file,
    line: origin.line,
    column: origin.column,
    path: origin.path,
    collectionKind: (path) => claimCollectionKind(path, scope.specSchema),
  };
}

export function compileResource(
  scope: CompileScope,
  spec: ResourceSpec,
  index: number,
): { draft?: ResourceDraft; problems: Problem[] } {
  const at: PathSegment[] = ['spec', 'resources', index];
  const origin = originOf(
    scope,
    [...at, 'template'],
    scope.inlineTemplates.has(index) ? undefined : spec.templateFile,
  );
  const problems: Problem[] = [];
  const text = spec.template ?? '';
  const compiled = compileTemplate(text, options(scope, origin));
  problems.push(...compiled.problems);
  const kind = readConstantKind(text, origin, spec.id);
  problems.push(...kind.problems);
  let includeWhen: CompiledTemplate | undefined;
  if (spec.includeWhen !== undefined) {
    const whenOrigin = originOf(scope, [...at, 'includeWhen']);
    const when = compileExpression(spec.includeWhen, options(scope, whenOrigin));
    problems.push(...when.problems);
    includeWhen = when.template;
  }
  const refScope = {
    ids: scope.ids,
    self: spec.id,
    specSchema: scope.specSchema,
    programs: scope.programs,
    file: origin.file,
  };
  const fromTemplate = compiled.template
    ? checkRefs(compiled.template.refs, { ...refScope, path: origin.path })
    : undefined;
  const fromWhen = includeWhen
    ? checkRefs(includeWhen.refs, { ...refScope, file: scope.file, path: formatPath([...at, 'includeWhen']) })
    : undefined;
  problems.push(...(fromTemplate?.problems ?? []), ...(fromWhen?.problems ?? []));
  if (problems.length > 0 || !compiled.template || !('apiVersion' in kind)) return { problems };
  return {
    problems: [],
    draft: {
      spec,
      index,
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      template: compiled.template,
      ...(includeWhen ? { includeWhen } : {}),
      reads: [...new Set([...(fromTemplate?.resources ?? []), ...(fromWhen?.resources ?? [])])].sort(),
      namesRead: [...new Set([...(fromTemplate?.names ?? []), ...(fromWhen?.names ?? [])])].sort(),
    },
  };
}

export function compileStatus(scope: CompileScope): { fields: CompiledStatusField[]; problems: Problem[] } {
  const fields: CompiledStatusField[] = [];
  const problems: Problem[] = [];
  const status = scope.composition.spec.status ?? {};
  for (const field of Object.keys(status).sort()) {
    const origin = originOf(scope, ['spec', 'status', field]);
    const compiled = compileExpression(status[field] as string, options(scope, origin));
    problems.push(...compiled.problems);
    if (!compiled.template) continue;
    const refs = checkRefs(compiled.template.refs, {
      ids: scope.ids,
      specSchema: scope.specSchema,
      programs: scope.programs,
      file: origin.file,
      path: origin.path,
    });
    problems.push(...refs.problems);
    fields.push({ field, expression: compiled.template });
  }
  return { fields, problems };
}
