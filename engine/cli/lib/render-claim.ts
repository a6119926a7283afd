/**
 * `kubify render` without a cluster: claim file (+ composition, + observed objects) -> the documents to
 * print and the problems to report. `kubify validate` renders pack examples through the same function.
 */
import type { Problem } from '../../api/problem.ts';
import { render } from '../../compose/render.ts';
import type { CliIo } from '../context.ts';
import { claimType, readClaimFile } from './claim-file.ts';
import { claimWithStatus } from './claim-status.ts';
import { readObservedFile } from './observed-file.ts';
import type { LoadedComposition } from './packs.ts';
import { compileLoaded, findPackFor, loadComposition, packSearchDirs, withDisplayFile } from './packs.ts';
import { displayPath } from './files.ts';
import { locate } from '../../compose/positions.ts';
import type { PositionIndex } from '../../compose/positions.ts';

export interface RenderRequest {
  claimPath: string;
  /** Pack folder or composition file; found by the claim's apiVersion and kind when absent. */
  compositionPath?: string;
  observedPath?: string;
  /** RFC 3339; only used for condition timestamps. */
  now: string;
  /** Copy each observed object's `status` onto its composed object. */
  includeStatus?: boolean;
}

export interface RenderOutput {
  /** The claim with its status, then each composed object sorted by id. Empty when nothing rendered. */
  documents: Record<string, unknown>[];
  /** Every problem: claim, compile, observed file and render results. */
  problems: Problem[];
  /** The composition used, when one was found. */
  composition?: LoadedComposition;
}

export async function renderClaimFile(io: CliIo, request: RenderRequest): Promise<RenderOutput> {
  const claimFile = readClaimFile(io, request.claimPath);
  if (!claimFile.claim) return { documents: [], problems: claimFile.problems };
  const claim = claimFile.claim.value;
  const loaded = await compositionFor(io, request, claim, claimFile.display, claimFile.claim.positions);
  if ('problems' in loaded) return { documents: [], problems: loaded.problems };
  const pack = compileLoaded(loaded.composition);
  if (!pack.compiled) return { documents: [], problems: pack.problems, composition: loaded.composition };
  const compiled = pack.compiled;
  const observedFile = request.observedPath
    ? readObservedFile(
        io,
        request.observedPath,
        compiled.resources.map((r) => r.id),
      )
    : { observed: {}, problems: [] };
  const problems: Problem[] = [...observedFile.problems];
  if (problems.some((p) => p.severity === 'Fatal'))
    return { documents: [], problems, composition: loaded.composition };
  const result = render({
    claim,
    compiled,
    observed: observedFile.observed,
    now: request.now,
    claimPositions: claimFile.claim.positions,
  });
  problems.push(...result.results.map((p) => withDisplayFile(p, loaded.composition)));
  const objects = result.desired.map(({ id, object }) => {
    const status = observedFile.observed[id]?.status;
    return request.includeStatus && status !== undefined ? { ...object, status } : object;
  });
  return {
    documents: [claimWithStatus(claim, result, request.now), ...objects],
    problems,
    composition: loaded.composition,
  };
}

async function compositionFor(
  io: CliIo,
  request: RenderRequest,
  claim: Record<string, unknown>,
  claimDisplay: string,
  positions: PositionIndex,
): Promise<{ composition: LoadedComposition } | { problems: Problem[] }> {
  if (request.compositionPath !== undefined) {
    return { composition: await loadComposition(io, request.compositionPath) };
  }
  const type = claimType(claim);
  if (!type) {
    const message = 'the claim needs apiVersion and kind (or pass --composition <pack>)';
    return {
      problems: [{ code: 'claim.invalid', message, path: '', file: claimDisplay, severity: 'Fatal' }],
    };
  }
  const found = await findPackFor(io, type.apiVersion, type.kind);
  if (found) return { composition: found };
  const searched = packSearchDirs(io).map((d) => displayPath(io, d));
  const where = searched.length > 0 ? `searched ${searched.join(', ')}` : 'no pack folders found';
  const message = `no composition pack defines ${type.apiVersion} ${type.kind} (${where}); pass --composition <pack>`;
  const at = locate(positions, ['kind']);
  return {
    problems: [
      { code: 'claim.no-composition', message, path: 'kind', ...at, file: claimDisplay, severity: 'Fatal' },
    ],
  };
}
