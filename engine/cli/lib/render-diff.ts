/**
 * What a changed Composition would change, claim by claim (pure). Each claim is rendered twice with the
 * same `render` the operator runs — once with the compiled revision it is on, once with the new one —
 * against the same observed objects, and the objects are compared as YAML, like the operator would
 * apply them.
 */
import type { CompiledComposition } from '../../compose/index.ts';
import { render } from '../../compose/index.ts';
import type { RenderResult } from '../../compose/index.ts';
import { formatProblem } from '../../api/problem.ts';
import { DELETION_POLICY_ANNOTATION } from '../../controller/claim/children.ts';
import { withDesiredHash } from '../../controller/claim/drift.ts';
import type { KubeObject } from '../../kube/types.ts';
import { toYamlDocument } from '../output.ts';
import { maskSecretPair } from './mask-secrets.ts';
import { unifiedDiff } from './unified-diff.ts';

export interface FleetClaim {
  claim: KubeObject;
  /** The compiled revision the claim renders from now, and its number. */
  current: { compiled: CompiledComposition; revision: number };
  /** Objects the claim composed, by resource id (what render reads as `resources.<id>`). */
  observed: Record<string, unknown>;
}

export interface ObjectDiff {
  id: string;
  /** `Kind/name`. */
  object: string;
  change: 'added' | 'removed' | 'changed';
  diff: string;
}

export interface ClaimDiff {
  /** `namespace/name`, or `name`. */
  claim: string;
  objects: ObjectDiff[];
  /** Render problems with the new composition (Fatal ones mean the claim would fail). */
  problems: string[];
  /** The claim pins a revision: the change reaches it only when the pin moves (a rollout). */
  pinned?: number;
}

/** The object exactly as the operator applies it: desired hash, deletion-policy annotation. */
export function asApplied(
  compiled: CompiledComposition,
  id: string,
  object: Record<string, unknown>,
): Record<string, unknown> {
  const policy = compiled.resources.find((r) => r.id === id)?.deletionPolicy;
  let out = object;
  if (policy === 'Orphan') {
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const annotations = (metadata.annotations ?? {}) as Record<string, string>;
    out = {
      ...object,
      metadata: { ...metadata, annotations: { ...annotations, [DELETION_POLICY_ANNOTATION]: 'Orphan' } },
    };
  }
  return withDesiredHash(out).object;
}

function objectName(object: Record<string, unknown>): string {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(object.kind)}/${metadata.name ?? ''}`;
}

function renderWith(
  entry: FleetClaim,
  compiled: CompiledComposition,
  revision: number,
  now: string,
): RenderResult {
  return render({ claim: entry.claim, compiled, observed: entry.observed, revision, now });
}

function claimKey(claim: KubeObject): string {
  const { name = '', namespace } = claim.metadata;
  return namespace ? `${namespace}/${name}` : name;
}

/** Compares two sets of desired objects by resource id. */
export function diffDesired(
  before: ReadonlyMap<string, Record<string, unknown>>,
  after: ReadonlyMap<string, Record<string, unknown>>,
  prefix: string,
): ObjectDiff[] {
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: ObjectDiff[] = [];
  for (const id of ids) {
    const [a, b] = maskSecretPair(before.get(id), after.get(id));
    const name = objectName((b ?? a)!);
    const path = `${prefix}${name}`;
    const diff = unifiedDiff(a ? toYamlDocument(a) : '', b ? toYamlDocument(b) : '', {
      from: path,
      to: path,
    });
    if (diff === '') continue;
    out.push({ id, object: name, change: !a ? 'added' : !b ? 'removed' : 'changed', diff });
  }
  return out;
}

/** The fleet diff: one entry per claim, in claim order (sort the input for stable output). */
export function fleetDiff(
  claims: readonly FleetClaim[],
  next: { compiled: CompiledComposition; revision: number },
  now: string,
): ClaimDiff[] {
  return claims.map((entry) => {
    const before = renderWith(entry, entry.current.compiled, entry.current.revision, now);
    const after = renderWith(entry, next.compiled, next.revision, now);
    const map = (result: RenderResult, compiled: CompiledComposition): Map<string, Record<string, unknown>> =>
      new Map(result.desired.map((d) => [d.id, asApplied(compiled, d.id, d.object)]));
    const key = claimKey(entry.claim);
    const pinned = (entry.claim.spec as { compositionRevision?: unknown } | undefined)?.compositionRevision;
    const fatal = after.results.filter((p) => p.severity === 'Fatal');
    return {
      claim: key,
      // A new render that fails renders nothing: say so instead of listing every object as removed.
      objects:
        fatal.length > 0
          ? []
          : diffDesired(map(before, entry.current.compiled), map(after, next.compiled), `${key}/`),
      problems: fatal.map(formatProblem),
      ...(typeof pinned === 'number' ? { pinned } : {}),
    };
  });
}

/** Text report of a fleet diff, plus the summary line. */
export function formatFleetDiff(diffs: readonly ClaimDiff[], composition: string): string {
  const out: string[] = [];
  let changed = 0;
  let failing = 0;
  for (const d of diffs) {
    if (d.problems.length > 0) {
      failing++;
      out.push(`# ${d.claim}: would fail to render`, ...d.problems.map((p) => `#   ${p}`), '');
      continue;
    }
    if (d.objects.length === 0) continue;
    changed++;
    const pin = d.pinned !== undefined ? ` (pinned to revision ${d.pinned}: changes when the pin moves)` : '';
    const summary = d.objects.map((o) => `${o.change} ${o.object}`).join(', ');
    out.push(`# ${d.claim}: ${summary}${pin}`);
    for (const o of d.objects) out.push(o.diff.trimEnd());
    out.push('');
  }
  const unchanged = diffs.length - changed - failing;
  out.push(
    `Composition ${composition}: ${diffs.length} claims, ${changed} would change, ${unchanged} unchanged, ${failing} would fail to render`,
  );
  return `${out.join('\n')}\n`;
}
