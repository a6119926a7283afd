/**
 * The cluster side of `kubify diff`: the Composition (revision) a claim renders from, the claims of a
 * Composition with what they composed, and a server-side dry-run of each object against the live one.
 */
import { LABELS } from '../../api/claim.ts';
import { compositionFromRevision } from '../../api/composition-revision.ts';
import type { CompositionRevision } from '../../api/composition-revision.ts';
import { formatProblem } from '../../api/problem.ts';
import { compile, render } from '../../compose/index.ts';
import type { CompiledComposition } from '../../compose/index.ts';
import type { KubeClient, KubeObject, ObjectRef } from '../../kube/index.ts';
import { isNotFound } from '../../kube/index.ts';
import { CliError } from '../context.ts';
import { toYamlDocument } from '../output.ts';
import type { FleetClaim, ObjectDiff } from './render-diff.ts';
import { asApplied } from './render-diff.ts';
import { maskSecret, maskSecretPair } from './mask-secrets.ts';
import { unifiedDiff } from './unified-diff.ts';

const KUBIFY = 'kubify.io/v1alpha1';

export interface ClusterComposition {
  name: string;
  object: KubeObject;
  latestRevision: number;
  claimApi: { apiVersion: string; kind: string };
}

function statusOf(c: KubeObject): {
  latestRevision?: number;
  claimApi?: { apiVersion: string; kind: string };
} {
  return c.status ?? {};
}

function toCluster(c: KubeObject): ClusterComposition | undefined {
  const s = statusOf(c);
  if (!s.claimApi || typeof s.latestRevision !== 'number') return undefined;
  return { name: c.metadata.name ?? '', object: c, latestRevision: s.latestRevision, claimApi: s.claimApi };
}

export async function compositionNamed(client: KubeClient, name: string): Promise<ClusterComposition> {
  const object = await client.find({ apiVersion: KUBIFY, kind: 'Composition', name });
  if (!object) throw new CliError(`Composition ${name} is not installed in the cluster`);
  const found = toCluster(object);
  if (!found)
    throw new CliError(`Composition ${name} is not Ready yet (no revision or claim API in its status)`);
  return found;
}

export async function compositionServing(
  client: KubeClient,
  apiVersion: string,
  kind: string,
): Promise<ClusterComposition | undefined> {
  const all = await client.listAll({ apiVersion: KUBIFY, kind: 'Composition' });
  return all.items
    .map(toCluster)
    .find((c) => c !== undefined && c.claimApi.apiVersion === apiVersion && c.claimApi.kind === kind);
}

/** Compiles revisions on demand, once each. */
export class RevisionCache {
  private readonly cache = new Map<string, CompiledComposition>();
  constructor(private readonly client: KubeClient) {}

  async compiled(composition: string, revision: number): Promise<CompiledComposition> {
    const name = `${composition}-${revision}`;
    const hit = this.cache.get(name);
    if (hit) return hit;
    const object = await this.client.find({ apiVersion: KUBIFY, kind: 'CompositionRevision', name });
    if (!object) throw new CliError(`CompositionRevision ${name} does not exist`);
    const result = compile({
      object: compositionFromRevision(object as unknown as CompositionRevision),
      file: `CompositionRevision/${name}`,
    });
    if (!result.compiled)
      throw new CliError(
        `CompositionRevision ${name} does not compile: ${result.problems.map(formatProblem).join('; ')}`,
      );
    this.cache.set(name, result.compiled);
    return result.compiled;
  }
}

/** The revision a claim renders from now: its pin, else the one it last rendered, else the latest. */
export function revisionOf(claim: KubeObject, latest: number): number {
  const pin = (claim.spec as { compositionRevision?: unknown } | undefined)?.compositionRevision;
  if (typeof pin === 'number') return pin;
  const last = (claim.status as { compositionRevision?: unknown } | undefined)?.compositionRevision;
  return typeof last === 'number' ? last : latest;
}

function claimKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

/** Every claim of a Composition with the objects it composed (one list per composed kind). */
export async function fleetOf(
  client: KubeClient,
  composition: ClusterComposition,
  revisions: RevisionCache,
): Promise<FleetClaim[]> {
  const claims = (await client.listAll(composition.claimApi)).items.sort((a, b) =>
    claimKey(a.metadata.namespace, a.metadata.name).localeCompare(
      claimKey(b.metadata.namespace, b.metadata.name),
    ),
  );
  const compiled = await Promise.all(
    claims.map((c) => revisions.compiled(composition.name, revisionOf(c, composition.latestRevision))),
  );
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const c of compiled)
    for (const r of c.resources)
      kinds.set(`${r.apiVersion}/${r.kind}`, { apiVersion: r.apiVersion, kind: r.kind });
  const children = new Map<string, Record<string, unknown>>();
  for (const kind of [...kinds.values()]) {
    const list = await client
      .listAll({ ...kind, labelSelector: { [LABELS.composition]: composition.name } })
      .catch(() => ({ items: [] as KubeObject[] }));
    for (const child of list.items) {
      const labels = child.metadata.labels ?? {};
      const id = labels[LABELS.resourceId];
      if (id === undefined) continue;
      const key = claimKey(labels[LABELS.claimNamespace] || undefined, labels[LABELS.claimName]);
      const observed = children.get(key) ?? {};
      observed[id] = child;
      children.set(key, observed);
    }
  }
  return claims.map((claim, i) => ({
    claim,
    current: { compiled: compiled[i]!, revision: revisionOf(claim, composition.latestRevision) },
    observed: children.get(claimKey(claim.metadata.namespace, claim.metadata.name)) ?? {},
  }));
}

/** The reference of an object, for get/find. */
export function refOf(o: KubeObject): ObjectRef {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name ?? '',
    ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  };
}

/** Fields the server owns or that change on every write: left out of claim-file diffs. */
export function comparable(object: KubeObject | undefined): string {
  if (!object) return '';
  const {
    managedFields: _m,
    resourceVersion: _r,
    generation: _g,
    uid: _u,
    creationTimestamp: _c,
    ...metadata
  } = object.metadata;
  const { status: _s, ...rest } = object;
  return toYamlDocument({ ...rest, metadata });
}

export interface ClaimFileDiff {
  objects: ObjectDiff[];
  problems: string[];
}

/**
 * What applying `claim` would change: a server-side dry-run apply (the operator's field manager, strict
 * field validation) of the claim and of each object rendered from it, each against the live object.
 */
export async function dryRunClaim(
  client: KubeClient,
  claim: KubeObject,
  compiled: CompiledComposition,
  revision: number,
  now: string,
): Promise<ClaimFileDiff> {
  const live = await client.find(refOf(claim));
  const withUid: KubeObject = live?.metadata.uid
    ? { ...claim, metadata: { ...claim.metadata, uid: live.metadata.uid } }
    : claim;
  const key = `${claim.metadata.namespace ? `${claim.metadata.namespace}/` : ''}${claim.metadata.name ?? ''}`;
  const observed: Record<string, unknown> = {};
  const entries =
    (
      live?.status as
        | { resources?: { id: string; apiVersion: string; kind: string; name: string; namespace?: string }[] }
        | undefined
    )?.resources ?? [];
  for (const e of entries) {
    const obj = await client
      .find({
        apiVersion: e.apiVersion,
        kind: e.kind,
        name: e.name,
        ...(e.namespace ? { namespace: e.namespace } : {}),
      })
      .catch(() => undefined);
    if (obj) observed[e.id] = obj;
  }
  const result = render({ claim: withUid, compiled, observed, revision, now });
  const problems = result.results.filter((p) => p.severity === 'Fatal').map(formatProblem);
  const objects: ObjectDiff[] = [];
  const compare = async (id: string, desired: KubeObject, current: KubeObject | undefined): Promise<void> => {
    let after: KubeObject;
    try {
      after = await client.apply(desired, {
        dryRun: true,
        fieldValidation: 'Strict',
        ...(id === '' ? { fieldManager: 'kubify-cli' } : {}),
      });
    } catch (error) {
      problems.push(`${id || 'claim'}: ${(error as Error).message}`);
      return;
    }
    const name = `${desired.kind}/${desired.metadata.name ?? ''}`;
    const path = `${key}/${name}`;
    const [was, will] = maskSecretPair(current, after);
    const diff = unifiedDiff(comparable(was), comparable(will), { from: path, to: path });
    if (diff !== '') objects.push({ id, object: name, change: current ? 'changed' : 'added', diff });
  };
  await compare('', claim, live);
  if (problems.length > 0) return { objects, problems };
  const rendered = new Set<string>();
  for (const d of result.desired) {
    rendered.add(d.id);
    const desired = asApplied(compiled, d.id, d.object) as unknown as KubeObject;
    const current = await client.find(refOf(desired)).catch((e: unknown) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    await compare(d.id, desired, current);
  }
  for (const [id, obj] of Object.entries(observed)) {
    const excluded = result.resources.find((r) => r.id === id && !r.included);
    if (!rendered.has(id) && excluded) {
      const o = obj as KubeObject;
      const name = `${o.kind}/${o.metadata.name ?? ''}`;
      const path = `${key}/${name}`;
      objects.push({
        id,
        object: name,
        change: 'removed',
        diff: unifiedDiff(comparable(maskSecret(o)), '', { from: path, to: path }),
      });
    }
  }
  return { objects, problems };
}
