/**
 * Proves generated claims are valid before anything is applied: each claim is rendered with its pack (schema,
 * defaults, templates, overrides), and so is every claim a claim composes (the App's Build). Pure.
 */
import type { Problem } from '../../api/problem.ts';
import type { CompiledComposition } from '../../compose/compiled.ts';
import { render } from '../../compose/render.ts';

export interface ClaimProblem extends Problem {
  /** `Kind/name` of the claim (or composed claim) the problem is about. */
  claim: string;
}

/** Compiled packs by claim API: `group/version Kind`. */
export type PackIndex = ReadonlyMap<string, CompiledComposition>;

interface ClaimLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
}

const NOW = '2000-01-01T00:00:00Z';

/** Fatal problems of the claims (empty when every one renders), and how many objects they rendered. */
export function validateClaims(
  claims: readonly object[],
  packs: PackIndex,
  namespace = 'default',
): { problems: ClaimProblem[]; rendered: number } {
  const problems: ClaimProblem[] = [];
  let rendered = 0;
  const queue: { claim: ClaimLike; depth: number }[] = claims.map((claim) => ({
    claim: claim,
    depth: 0,
  }));
  while (queue.length > 0) {
    const { claim, depth } = queue.shift()!;
    const api = `${String(claim.apiVersion)} ${String(claim.kind)}`;
    const label = `${String(claim.kind)}/${String(claim.metadata?.name)}`;
    const compiled = packs.get(api);
    if (!compiled) {
      if (depth === 0)
        problems.push({
          claim: label,
          code: 'claims.no-pack',
          path: '',
          message: `no pack serves ${api}`,
          severity: 'Fatal',
        });
      continue;
    }
    const withNs =
      claim.metadata?.namespace === undefined
        ? { ...claim, metadata: { ...claim.metadata, namespace } }
        : claim;
    const result = render({ claim: withNs, compiled, observed: {}, now: NOW });
    for (const p of result.results)
      if (p.severity === 'Fatal' || p.severity === undefined) problems.push({ ...p, claim: label });
    rendered += result.desired.length;
    // A composed object that is itself a claim of a known pack (App -> Build) is rendered too.
    for (const d of result.desired) {
      const o = d.object as ClaimLike;
      if (depth < 2 && packs.has(`${String(o.apiVersion)} ${String(o.kind)}`))
        queue.push({ claim: o, depth: depth + 1 });
    }
  }
  return { problems, rendered };
}

export function claimProblemLine(p: ClaimProblem): string {
  return `${p.claim}: ${p.path ? `${p.path}: ` : ''}${p.message} (${p.code})`;
}
