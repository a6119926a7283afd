/**
 * Which directories are services: find candidate directories (a manifest, a Dockerfile or a Procfile),
 * give every file to its nearest candidate, run the detectors, then drop workspace roots, libraries and
 * nested same-language helpers.
 */
import type { Problem } from '../api/problem.ts';
import { ServiceDraft } from './draft.ts';
import { dirOf, isWithin } from './evidence.ts';
import type { Detector } from './detectors/context.ts';
import { dockerfileDetector } from './detectors/dockerfile.ts';
import { dotnetDetector } from './detectors/dotnet.ts';
import { envFilesDetector } from './detectors/env-files.ts';
import { goDetector } from './detectors/go.ts';
import { javaDetector } from './detectors/java.ts';
import { nodeDetector } from './detectors/node.ts';
import { phpDetector } from './detectors/php.ts';
import { procfileDetector } from './detectors/procfile.ts';
import { pythonDetector } from './detectors/python.ts';
import { rubyDetector } from './detectors/ruby.ts';
import { rustDetector } from './detectors/rust.ts';
import { staticDetector } from './detectors/static-site.ts';
import type { SourceTree } from './tree.ts';
import type { WorkspaceFacts } from './types.ts';

/** Language detectors, in the order they run. The static-site detector runs last: it yields to the rest. */
export const LANGUAGE_DETECTORS: readonly Detector[] = [
  nodeDetector,
  pythonDetector,
  goDetector,
  javaDetector,
  rubyDetector,
  phpDetector,
  dotnetDetector,
  rustDetector,
];

/** Detectors that add to whatever language a directory has. */
export const COMMON_DETECTORS: readonly Detector[] = [dockerfileDetector, procfileDetector, envFilesDetector];

/** Directories that hold tests, fixtures or docs: never services themselves. */
const NON_SERVICE_SEGMENTS = new Set([
  'test',
  'tests',
  '__tests__',
  'spec',
  'fixtures',
  'testdata',
  'e2e',
  'docs',
]);
/** Where an index.html is a template or an asset of something else, not a site. */
const NON_SITE_SEGMENTS = new Set([
  'templates',
  'views',
  'static',
  'public',
  'assets',
  'resources',
  'src',
  'node_modules',
]);

/** Whether a root-relative path lies in a test, fixture or docs directory (never part of a service). */
export function inNonServiceDir(rel: string): boolean {
  return rel.split('/').some((s) => NON_SERVICE_SEGMENTS.has(s));
}

function excluded(dir: string, segments: ReadonlySet<string>, charts: readonly string[]): boolean {
  if (charts.some((c) => isWithin(dir, c))) return true;
  return dir.split('/').some((s) => segments.has(s));
}

export interface Structure {
  drafts: Map<string, ServiceDraft>;
  /** Candidate directories kept as services, sorted. */
  services: string[];
  workspaces: WorkspaceFacts[];
}

export async function discover(
  tree: SourceTree,
  chartDirs: readonly string[],
  problems: Problem[],
): Promise<Structure> {
  const strong = new Set<string>();
  const weak = new Set<string>();
  for (const dir of tree.dirs) {
    if (excluded(dir, NON_SERVICE_SEGMENTS, chartDirs)) continue;
    const names = tree.filesIn(dir);
    if (LANGUAGE_DETECTORS.some((d) => d.claims(names))) strong.add(dir);
    else if (COMMON_DETECTORS.some((d) => d.claims(names))) weak.add(dir);
  }
  for (const dir of tree.dirs) {
    if (
      strong.has(dir) ||
      excluded(dir, NON_SITE_SEGMENTS, chartDirs) ||
      excluded(dir, NON_SERVICE_SEGMENTS, [])
    )
      continue;
    if (!staticDetector.claims(tree.filesIn(dir))) continue;
    if ([...strong].some((s) => isWithin(dir, s)) || [...weak].some((w) => w !== dir && isWithin(dir, w)))
      continue;
    strong.add(dir);
  }
  const candidates = [...new Set([...strong, ...weak])].sort(
    (a, b) => depth(a) - depth(b) || (a < b ? -1 : 1),
  );
  const owner = (file: string): string | undefined => {
    for (let d = dirOf(file); ; d = dirOf(d)) {
      if (candidates.includes(d)) return d;
      if (d === '') return undefined;
    }
  };
  const owned = new Map<string, string[]>(candidates.map((c) => [c, []]));
  for (const f of tree.files) {
    if (inNonServiceDir(dirOf(f))) continue;
    const o = owner(f);
    if (o !== undefined) owned.get(o)!.push(f);
  }

  const drafts = new Map<string, ServiceDraft>();
  for (const dir of candidates) {
    const draft = new ServiceDraft(dir);
    const ctx = { tree, dir, files: owned.get(dir)!, draft, problems };
    for (const d of [...LANGUAGE_DETECTORS, staticDetector, ...COMMON_DETECTORS]) await d.detect(ctx);
    drafts.set(dir, draft);
  }

  const workspaces = [...drafts.values()].flatMap((d) => (d.workspace ? [d.workspace] : []));
  const inWorkspace = (dir: string): boolean =>
    workspaces.some((w) => w.members.some((m) => isWithin(dir, m)));
  const kept: string[] = [];
  for (const dir of candidates) {
    const draft = drafts.get(dir)!;
    const descendants = candidates.filter((c) => c !== dir && isWithin(c, dir));
    const runnableBelow = descendants.some((c) => drafts.get(c)!.runnable);
    if (draft.language.length === 0 && !draft.runnable) continue; // nothing readable here
    if (draft.workspace && !draft.runnable) continue; // a workspace root
    if (!draft.runnable && runnableBelow) continue; // a monorepo root without a service of its own
    const parent = kept.filter((k) => isWithin(dir, k)).sort((a, b) => depth(b) - depth(a))[0];
    if (!draft.strong) {
      // only a Dockerfile or Procfile: it belongs to the service it sits in, when there is one
      if (parent !== undefined) {
        drafts.get(parent)!.absorb(draft);
        continue;
      }
    } else if (!draft.runnable && inWorkspace(dir))
      continue; // a library inside a workspace
    else if (!draft.runnable && parent !== undefined) continue; // a helper package inside a service
    kept.push(dir);
  }
  if (kept.length === 0) {
    // Nothing runnable: keep the top-level candidates so a lone library is still reported.
    for (const dir of candidates) {
      const d = drafts.get(dir)!;
      if (d.language.length > 0 && !d.workspace && !kept.some((k) => isWithin(dir, k))) kept.push(dir);
    }
  }
  return { drafts, services: kept.sort(), workspaces: workspaces.sort((a, b) => (a.path < b.path ? -1 : 1)) };
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}
