/**
 * `kubify validate`: every static check for packs, composition files and claims. A pack is compiled and
 * each of its `examples/*.yaml` claims is rendered (so examples must satisfy the claim schema); a claim
 * file is rendered with the pack that defines its API.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Problem } from '../../api/problem.ts';
import { COMPOSITION_FILE } from '../../packs/index.ts';
import type { CliIo } from '../context.ts';
import { UsageError } from '../context.ts';
import { absolutePath, displayPath, pathKind, readUserFile } from './files.ts';
import { compileLoaded, loadComposition } from './packs.ts';
import { renderClaimFile } from './render-claim.ts';

export interface TargetReport {
  /** The pack folder, composition file or claim file, as shown to the user. */
  target: string;
  kind: 'pack' | 'composition' | 'claim';
  /** Example claims rendered (packs only). */
  examples: number;
  /** What the composition defines, e.g. `RayService.ml.kubify.io`, when it compiled. */
  api?: string;
  problems: Problem[];
}

const FIXED_NOW = '1970-01-01T00:00:00Z';

export async function validateTargets(io: CliIo, targets: readonly string[]): Promise<TargetReport[]> {
  const reports: TargetReport[] = [];
  for (const target of targets) reports.push(...(await validateTarget(io, target)));
  return reports;
}

async function validateTarget(io: CliIo, target: string): Promise<TargetReport[]> {
  const absolute = absolutePath(io, target);
  const display = displayPath(io, absolute);
  const kind = pathKind(absolute);
  if (kind === 'missing') throw new UsageError(`not found: ${display}`);
  if (kind === 'directory') {
    if (pathKind(join(absolute, COMPOSITION_FILE)) === 'file') return [await validatePack(io, absolute)];
    const packs = subPacks(absolute);
    if (packs.length > 0) return Promise.all(packs.map((dir) => validatePack(io, dir)));
    const missing: Problem = {
      code: 'pack.missing-composition',
      message: `${display} is not a composition pack (no ${COMPOSITION_FILE}) and holds no packs`,
      path: '',
      file: join(display, COMPOSITION_FILE),
    };
    return [{ target: display, kind: 'pack', examples: 0, problems: [missing] }];
  }
  const { text } = readUserFile(io, target, 'file');
  if (looksLikeComposition(text)) {
    const pack = compileLoaded(await loadComposition(io, target));
    const api = pack.compiled ? `${pack.compiled.api.kind}.${pack.compiled.api.group}` : undefined;
    return [
      { target: display, kind: 'composition', examples: 0, ...(api ? { api } : {}), problems: pack.problems },
    ];
  }
  const rendered = await renderClaimFile(io, { claimPath: target, now: FIXED_NOW });
  return [{ target: display, kind: 'claim', examples: 0, problems: rendered.problems }];
}

async function validatePack(io: CliIo, dir: string): Promise<TargetReport> {
  const loaded = await loadComposition(io, dir);
  const pack = compileLoaded(loaded);
  const report: TargetReport = {
    target: loaded.display,
    kind: 'pack',
    examples: 0,
    problems: [...pack.problems],
  };
  if (!pack.compiled) return report;
  report.api = `${pack.compiled.api.kind}.${pack.compiled.api.group}`;
  for (const example of exampleFiles(dir)) {
    const rendered = await renderClaimFile(io, { claimPath: example, compositionPath: dir, now: FIXED_NOW });
    report.examples += 1;
    report.problems.push(...rendered.problems);
  }
  return report;
}

/** `examples/*.yaml` of a pack, sorted. */
export function exampleFiles(packDir: string): string[] {
  const dir = join(packDir, 'examples');
  if (pathKind(dir) !== 'directory') return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

function subPacks(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && pathKind(join(dir, e.name, COMPOSITION_FILE)) === 'file')
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * A file is treated as a composition when it says `kind: Composition` (also when it cannot be parsed, say
 * because it is JSON nested too deep for the YAML library).
 */
function looksLikeComposition(text: string): boolean {
  try {
    const doc = parse(text) as unknown;
    return typeof doc === 'object' && doc !== null && (doc as { kind?: unknown }).kind === 'Composition';
  } catch {
    return /^kind:\s*Composition\s*$/m.test(text) || /"kind"\s*:\s*"Composition"/.test(text);
  }
}
