/**
 * Static checks of the data paths a template or expression reads, and the dependencies they imply.
 */
import type { OpenApiSchema } from '../api/openapi.ts';
import type { Problem } from '../api/problem.ts';
import { checkClaimPath, refText } from './claim-paths.ts';
import type { TemplateRef } from './template/types.ts';

export interface RefScope {
  /** Every resource id of the composition. */
  ids: ReadonlySet<string>;
  /** The resource whose template this is; undefined for status expressions. */
  self?: string;
  specSchema: OpenApiSchema;
  /** Program names of the composition (`programs.<name>.files`). */
  programs: ReadonlySet<string>;
  file: string;
  /** JSON path of the template field, used as the problem path. */
  path: string;
}

export interface RefFindings {
  problems: Problem[];
  /** Ids read through `resources.<id>`, sorted. */
  resources: string[];
  /** Ids read through `names.<id>`, sorted. */
  names: string[];
}

const COMPOSITION_FIELDS = ['name', 'revision'];
const ROOTS =
  'claim.spec.*, claim.metadata.*, resources.<id>.*, names.<id>, programs.<name>.files and composition.name|revision';

export function checkRefs(refs: readonly TemplateRef[], scope: RefScope): RefFindings {
  const problems: Problem[] = [];
  const resources = new Set<string>();
  const names = new Set<string>();
  const seen = new Set<string>();
  const report = (ref: TemplateRef, code: string, message: string): void => {
    const key = `${code}\u0000${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push({ code, message, path: scope.path, file: scope.file, line: ref.line, column: ref.column });
  };
  const known = `; resources are: ${[...scope.ids].sort().join(', ')}`;
  for (const ref of refs) {
    const [root, id] = ref.path;
    const text = refText(ref.path);
    if (root === 'claim') {
      const check = checkClaimPath(ref.path, scope.specSchema);
      if (!check.ok) report(ref, 'ref.unknown-claim-path', check.message);
    } else if (root === 'resources' || root === 'names') {
      if (id === undefined || id === '[]' || id === '{}') {
        report(ref, 'ref.dynamic-resource', `${text}: name the resource, e.g. ${root}.<id>`);
      } else if (!scope.ids.has(id)) {
        report(ref, 'ref.unknown-resource', `${text} refers to unknown resource "${id}"${known}`);
      } else if (root === 'resources' && id === scope.self) {
        report(ref, 'ref.self', `${text}: resource "${id}" cannot read its own observed state`);
      } else if (root === 'names' && ref.path.length > 2) {
        report(ref, 'ref.names-field', `${text}: names.${id} is a string and has no fields`);
      } else if (root === 'resources') resources.add(id);
      else names.add(id);
    } else if (root === 'composition') {
      if (ref.path.length !== 2 || !COMPOSITION_FIELDS.includes(id ?? '')) {
        report(
          ref,
          'ref.unknown-composition-field',
          `${text}: templates may read composition.name and composition.revision`,
        );
      }
    } else if (root === 'programs') {
      const problem = checkProgramRef(ref.path, scope.programs);
      if (problem) report(ref, problem.code, problem.message);
    } else {
      report(ref, 'ref.unknown-root', `${text} is not available; templates read ${ROOTS}`);
    }
  }
  return { problems, resources: [...resources].sort(), names: [...names].sort() };
}

function checkProgramRef(
  path: readonly string[],
  programs: ReadonlySet<string>,
): { code: string; message: string } | undefined {
  const [, name, field] = path;
  const text = refText(path);
  if (name === undefined || name === '[]' || name === '{}') {
    return { code: 'ref.dynamic-program', message: `${text}: name the program, e.g. programs.<name>.files` };
  }
  if (!programs.has(name)) {
    const known =
      programs.size > 0
        ? `; programs are: ${[...programs].sort().join(', ')}`
        : '; the composition has no programs';
    return { code: 'ref.unknown-program', message: `${text} refers to unknown program "${name}"${known}` };
  }
  if (field !== undefined && (field !== 'files' || path.length > 4)) {
    return { code: 'ref.unknown-program-field', message: `${text}: programs.${name} has only files` };
  }
  return undefined;
}
