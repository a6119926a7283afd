/**
 * Makes a composition self-contained: inlines `templateFile`s and `programs/<name>/**` from the pack's
 * files. A pack folder and the object `kubify install` applies therefore resolve to the same spec.
 */
import type { Composition, ProgramSpec, ResourceSpec } from '../api/composition.ts';
import type { Problem } from '../api/problem.ts';
import { ID_PATTERN } from '../api/composition-schema.ts';
import { formatPath } from './path.ts';
import type { PathSegment } from './path.ts';
import { locate } from './positions.ts';
import type { PositionIndex } from './positions.ts';
import { isSafeRelativePath } from './source.ts';
import type { PackFiles } from './source.ts';

const PROGRAMS = 'programs/';

/** A copy of `composition` with every template and program inline. `composition` is not modified. */
export function resolveComposition(
  composition: Composition,
  files: PackFiles | undefined,
  positions: PositionIndex,
): { composition: Composition; problems: Problem[] } {
  const problems: Problem[] = [];
  const problem = (code: string, message: string, path: PathSegment[]): void => {
    problems.push({ code, message, path: formatPath(path), ...locate(positions, path) });
  };
  const out = structuredClone(composition);
  out.spec.resources = out.spec.resources.map((resource, i) => resolveResource(resource, i, files, problem));
  const programs = resolvePrograms(out.spec.programs, files, problem);
  if (programs) out.spec.programs = programs;
  return { composition: out, problems };
}

type Report = (code: string, message: string, path: PathSegment[]) => void;

function resolveResource(
  resource: ResourceSpec,
  index: number,
  files: PackFiles | undefined,
  problem: Report,
): ResourceSpec {
  const at = ['spec', 'resources', index];
  if (resource.template === undefined && resource.templateFile === undefined) {
    problem('resource.template-missing', `resource "${resource.id}" needs a template or a templateFile`, at);
    return resource;
  }
  if (resource.templateFile === undefined || resource.template !== undefined) return resource;
  const file = resource.templateFile;
  if (!isSafeRelativePath(file)) {
    problem('pack.unsafe-path', `templateFile "${file}" must be a relative path inside the pack`, [
      ...at,
      'templateFile',
    ]);
    return resource;
  }
  const text = files?.[file];
  if (text === undefined) {
    const hint = files === undefined ? ' (no pack files were given; inline the template)' : '';
    problem('pack.file-not-found', `templateFile "${file}" does not exist in the pack${hint}`, [
      ...at,
      'templateFile',
    ]);
    return resource;
  }
  return { ...resource, template: text };
}

function resolvePrograms(
  declared: Record<string, ProgramSpec> | undefined,
  files: PackFiles | undefined,
  problem: Report,
): Record<string, ProgramSpec> | undefined {
  const fromFiles: Record<string, Record<string, string>> = {};
  for (const path of Object.keys(files ?? {}).sort()) {
    if (!path.startsWith(PROGRAMS)) continue;
    const rest = path.slice(PROGRAMS.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue;
    const name = rest.slice(0, slash);
    (fromFiles[name] ??= {})[rest.slice(slash + 1)] = files?.[path] as string;
  }
  const names = [...new Set([...Object.keys(declared ?? {}), ...Object.keys(fromFiles)])].sort();
  if (names.length === 0) return declared;
  const out: Record<string, ProgramSpec> = {};
  for (const name of names) {
    const at = ['spec', 'programs', name];
    const inline = declared?.[name];
    const folder = fromFiles[name];
    if (inline && folder) {
      problem(
        'pack.program-conflict',
        `program "${name}" is both inline and in programs/${name}/; keep one`,
        at,
      );
    }
    const program: ProgramSpec = inline ?? { files: folder ?? {} };
    if (!new RegExp(ID_PATTERN).test(name) || name.length > 63) {
      problem('program.invalid-name', `program name "${name}" must be a DNS label (a-z, 0-9, -)`, at);
    }
    const sorted: Record<string, string> = {};
    for (const file of Object.keys(program.files).sort()) {
      if (!isSafeRelativePath(file)) {
        problem('program.unsafe-path', `program file "${file}" must be a relative path inside the program`, [
          ...at,
          'files',
          file,
        ]);
      }
      sorted[file] = program.files[file] as string;
    }
    if (Object.keys(sorted).length === 0) problem('program.empty', `program "${name}" has no files`, at);
    out[name] = { files: sorted };
  }
  return out;
}
