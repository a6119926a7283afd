/**
 * Folder -> analysis -> claims, with the flags (and, on a terminal, the answers) that settle what the
 * analysis could not. Shared by `kubify init` (writes them) and `kubify deploy` (applies them).
 */
import type { AnalysisReport } from '../../analyze/index.ts';
import { generateClaims, registryOf, validateClaims, claimProblemLine } from '../../analyze/claims/index.ts';
import type { ClaimOptions, ClaimSet, PackIndex } from '../../analyze/claims/index.ts';
import type { Style } from '../color.ts';
import type { CliIo } from '../context.ts';
import { UsageError } from '../context.ts';
import { problemLine } from '../output.ts';
import { askPorts, askRegistry, isRegistry, uncertainPorts } from './init-prompt.ts';
import type { Prompter } from './init-prompt.ts';
import { analyzeSource, parseAssignments, parsePorts, sourceDir } from './init-source.ts';
import type { SourceDir } from './init-source.ts';

export interface ClaimRequest {
  dir: string;
  namespace?: string;
  registry?: string;
  /** `--image [service=]ref`, repeatable. */
  images?: readonly string[];
  /** `--port [service=]port|none`, repeatable. */
  ports?: readonly string[];
  prompter?: Prompter;
}

export interface ClaimPlan {
  dir: SourceDir;
  report: AnalysisReport;
  options: ClaimOptions;
  set: ClaimSet;
}

export async function planClaims(io: CliIo, request: ClaimRequest): Promise<ClaimPlan> {
  const dir = sourceDir(io, request.dir);
  const report = await analyzeSource(dir);
  const names = report.services.map((s) => s.name);
  const registry = request.registry ?? io.env.KUBIFY_REGISTRY;
  if (registry !== undefined && !isRegistry(registry))
    throw new UsageError(`--registry ${registry}: give host[:port]/repository, e.g. ghcr.io/acme`);
  const options: ClaimOptions = {
    source: dir.source,
    ...(request.namespace !== undefined ? { namespace: request.namespace } : {}),
    ...(registry !== undefined ? { registry } : {}),
    images: parseAssignments(request.images ?? [], '--image', names),
    ports: parsePorts(request.ports ?? [], names),
  };
  if (request.prompter && report.services.length > 0) {
    const ports = await askPorts(request.prompter, report, uncertainPorts(report, options.ports ?? {}));
    options.ports = { ...options.ports, ...ports };
    if (options.registry === undefined && generateClaims(report, options).builds.length > 0)
      options.registry = await askRegistry(request.prompter, registryOf(options));
  }
  return { dir, report, options, set: generateClaims(report, options) };
}

/** Prints the analysis problems (warnings and errors; notes are left out) to stderr. */
export function printAnalysisProblems(io: CliIo, style: Style, report: AnalysisReport): void {
  for (const p of report.problems) {
    if (p.severity === 'Normal') continue;
    const shown =
      p.file !== undefined && p.file !== report.root && !p.file.startsWith('/')
        ? { ...p, file: joinRoot(report.root, p.file) }
        : p;
    io.err(`${problemLine(shown, style)}\n`);
  }
}

function joinRoot(root: string, file: string): string {
  return root === '.' ? file : `${root.replace(/\/+$/, '')}/${file}`;
}

/** The claims' render problems as lines; empty when every claim (and every claim it composes) renders. */
export function claimRenderProblems(
  set: ClaimSet,
  packs: PackIndex,
  namespace: string | undefined,
): string[] {
  return validateClaims(set.claims, packs, namespace).problems.map(claimProblemLine);
}
