/**
 * `analyze(root)`: a source folder → services with evidence. Reads only through an `AnalyzeFs`, never
 * throws for bad content (bad inputs are problems), and returns a report that sorts the same way every
 * time.
 */
import path from 'node:path';
import type { Problem, Severity } from '../api/problem.ts';
import { readComposeFile } from './compose/compose-file.ts';
import { mapCompose } from './compose/compose-map.ts';
import { findHelmCharts, findKustomizations } from './detectors/helm-kustomize.ts';
import { type ServiceDraft, best, resolveDraft } from './draft.ts';
import { baseName, dirOf, isWithin, problem } from './evidence.ts';
import { type AnalyzeFs, errorCode, nodeFs } from './fs.ts';
import { discover, inNonServiceDir } from './structure.ts';
import { DEFAULT_LIMITS, SourceTree, type TreeLimits, isPrivateEnvFile } from './tree.ts';
import type { AnalysisReport } from './types.ts';

export interface AnalyzeOptions {
  /** Defaults to the real disk. */
  fs?: AnalyzeFs;
  limits?: Partial<TreeLimits>;
  /** The name used for a service at the root when nothing names it; defaults to the root's base name. */
  rootName?: string;
}

/** Compose file names, in the order Compose itself prefers them. */
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { Fatal: 0, Warning: 1, Normal: 2 };

export async function analyze(root: string, opts: AnalyzeOptions = {}): Promise<AnalysisReport> {
  const fs = opts.fs ?? nodeFs;
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const report: AnalysisReport = { root, services: [], workspaces: [], problems: [] };
  const fatal = (code: string, message: string): AnalysisReport => {
    report.problems.push(problem(code, 'Fatal', message, { file: root }));
    return report;
  };
  try {
    const st = await fs.stat(root);
    if (st.kind !== 'dir')
      return fatal('analyze.not-a-directory', 'not a directory: give the folder that holds the package');
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return fatal('analyze.not-found', 'no such directory');
    return fatal('analyze.unreadable', `cannot read the directory (${code})`);
  }

  const tree = await SourceTree.walk(fs, root, limits);
  const problems = tree.problems;
  if (tree.dirs.length === 0) return finish(report, problems);
  if (tree.files.length === 0) {
    const skipped = [...tree.skippedDirs].map((d) => `${d}/`);
    problems.push(
      problem(
        'analyze.empty',
        'Fatal',
        skipped.length > 0
          ? `nothing to analyse: the directory holds only ${skipped.join(', ')}, which are not read`
          : 'the directory is empty: nothing to analyse',
        { file: root },
      ),
    );
    return finish(report, problems);
  }
  for (const f of tree.files.filter((x) => isPrivateEnvFile(baseName(x)))) {
    problems.push(
      problem(
        'analyze.env.private',
        'Normal',
        'not read: it may hold secrets; list variable names in .env.example',
        {
          file: f,
        },
      ),
    );
  }

  const charts = (await findHelmCharts(tree)).filter((c) => !inNonServiceDir(c.path));
  const kustomizations = (await findKustomizations(tree)).filter((k) => !inNonServiceDir(k.path));
  const structure = await discover(
    tree,
    charts.map((c) => (c.path === '.' ? '' : c.path)),
    problems,
  );
  report.workspaces = structure.workspaces;

  const drafts: ServiceDraft[] = [];
  const claimed = new Set<string>();
  for (const dir of tree.dirs.filter((d) => !inNonServiceDir(d))) {
    const present = COMPOSE_FILES.filter((n) => tree.filesIn(dir).includes(n));
    const [first, ...others] = present.map((n) => (dir === '' ? n : `${dir}/${n}`));
    if (first === undefined) continue;
    for (const other of others) {
      problems.push(
        problem('analyze.compose.ignored', 'Normal', `not read: ${first} takes precedence`, { file: other }),
      );
    }
    const idx = await tree.text(first);
    const compose = idx ? readComposeFile(first, idx, problems) : undefined;
    if (!compose) continue;
    const mapped = await mapCompose(tree, compose, structure.drafts, problems);
    drafts.push(...mapped.drafts);
    for (const d of mapped.claimedDirs) claimed.add(d);
  }
  for (const dir of structure.services) if (!claimed.has(dir)) drafts.push(structure.drafts.get(dir)!);

  const deepest = (p: string): ServiceDraft | undefined =>
    drafts.filter((d) => isWithin(p, d.dir)).sort((a, b) => b.dir.length - a.dir.length)[0];
  for (const chart of charts) {
    const owner = deepest(chart.path === '.' ? '' : dirOf(chart.path));
    if (owner && !owner.helmChart) owner.helmChart = chart;
  }
  for (const k of kustomizations) {
    const owner = deepest(k.path === '.' ? '' : k.path);
    if (owner && !owner.kustomization) owner.kustomization = k;
  }

  if (drafts.length === 0) {
    problems.push(
      problem(
        'analyze.unrecognized',
        'Fatal',
        'no service found: expected a package manifest (package.json, requirements.txt, pyproject.toml, go.mod, pom.xml, build.gradle, Gemfile, composer.json, *.csproj, Cargo.toml), a Dockerfile, a Compose file or an index.html',
        { file: root },
      ),
    );
    return finish(report, problems);
  }

  const rootName = opts.rootName ?? (path.basename(path.resolve(root)) || 'app');
  const names = uniqueNames(drafts, rootName);
  report.services = drafts.map((d, i) => resolveDraft(d, names[i]!, problems));
  report.services.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return finish(report, problems);
}

function finish(report: AnalysisReport, problems: Problem[]): AnalysisReport {
  const key = (p: Problem): string =>
    `${SEVERITY_ORDER[p.severity ?? 'Warning']}\u0000${p.file ?? ''}\u0000${String(p.line ?? 0).padStart(9, '0')}\u0000${p.code}\u0000${p.message}`;
  const seen = new Set<string>();
  report.problems = [...report.problems, ...problems]
    .filter((p) => (seen.has(key(p)) ? false : (seen.add(key(p)), true)))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return report;
}

/** A DNS-1123 label: lower case, digits and `-`, at most 63 characters. */
export function dnsLabel(s: string): string {
  const l = s
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return l === '' ? 'app' : l;
}

function uniqueNames(drafts: readonly ServiceDraft[], rootName: string): string[] {
  const taken = new Map<string, number>();
  return drafts.map((d) => {
    const named = best(d.names)?.value ?? (d.dir === '' ? rootName : baseName(d.dir));
    const base = dnsLabel(named);
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    return n === 1 ? base : `${base.slice(0, 60)}-${n}`;
  });
}
