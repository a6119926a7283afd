/**
 * The final state of a crash run, normalised so two runs in different namespaces compare equal when
 * they converged to the same thing: every claim of the workload (exists? finalizers, Synced/Ready,
 * observedGeneration) and every object of the composed kinds in the namespace (identity, owning claim,
 * labels, annotations and content, without what the server or the run makes unique).
 */
import { ANNOTATIONS, LABELS, type ResourceStatus } from '../../../engine/api/claim.ts';
import { DESIRED_HASH_ANNOTATION } from '../../../engine/controller/claim/drift.ts';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { APP_API_VERSION, APP_KIND } from '../../bench/app-composition.ts';

/** The kinds the crash composition composes (with the optional `extras` ConfigMap). */
export const COMPOSED_KINDS = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
] as const;

export interface ClaimState {
  exists: boolean;
  terminating?: boolean;
  finalizers?: string[];
  generation?: number;
  observedGeneration?: number;
  synced?: string;
  ready?: string;
  /** `status.resources` as `Kind/name` (namespace-free), sorted. */
  inventory?: string[];
}

export interface ObjectState {
  kind: string;
  name: string;
  /** `kubify.io/claim-name` label (undefined: not kubify's). */
  claim?: string;
  resourceId?: string;
  /** The claim-uid annotation equals the uid of the live claim of that name. */
  claimUidMatches?: boolean;
  content: unknown;
}

export interface Snapshot {
  claims: Record<string, ClaimState>;
  /** By `Kind/name`. */
  objects: Record<string, ObjectState>;
}

/** Metadata the API server (or another run) sets: never compared. */
const VOLATILE_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'namespace',
]);
/**
 * Annotations that differ between two equal runs: the claim's uid (checked separately) and the hash of
 * the desired object, which covers that uid and the owner reference.
 */
const VOLATILE_ANNOTATIONS = new Set<string>([ANNOTATIONS.claimUid, DESIRED_HASH_ANNOTATION]);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function condition(obj: KubeObject, type: string): string | undefined {
  const c = (obj.status as { conditions?: Condition[] } | undefined)?.conditions?.find(
    (x) => x.type === type,
  );
  return c ? `${c.status} ${c.reason ?? ''}: ${c.message ?? ''}` : undefined;
}

export function claimState(claim: KubeObject | undefined): ClaimState {
  if (!claim) return { exists: false };
  const status = claim.status as { observedGeneration?: number; resources?: ResourceStatus[] } | undefined;
  const state: ClaimState = {
    exists: true,
    finalizers: [...(claim.metadata.finalizers ?? [])].sort(),
    ...(claim.metadata.generation !== undefined ? { generation: claim.metadata.generation } : {}),
    ...(status?.observedGeneration !== undefined ? { observedGeneration: status.observedGeneration } : {}),
    inventory: (status?.resources ?? []).map((r) => `${r.kind}/${r.name}`).sort(),
  };
  if (claim.metadata.deletionTimestamp) state.terminating = true;
  const synced = condition(claim, 'Synced');
  const ready = condition(claim, 'Ready');
  if (synced) state.synced = synced;
  if (ready) state.ready = ready;
  return state;
}

/** Replaces the run's namespace with `<ns>` in every string (labels carry the claim's namespace). */
function withoutNamespace(value: unknown, namespace: string): unknown {
  if (typeof value === 'string') return value.split(namespace).join('<ns>');
  if (Array.isArray(value)) return value.map((v) => withoutNamespace(v, namespace));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, withoutNamespace(v, namespace)]),
    );
  }
  return value;
}

export function objectState(
  obj: KubeObject,
  namespace: string,
  claimUids: ReadonlyMap<string, string>,
): ObjectState {
  const labels = obj.metadata.labels ?? {};
  const annotations = Object.fromEntries(
    Object.entries(obj.metadata.annotations ?? {}).filter(([k]) => !VOLATILE_ANNOTATIONS.has(k)),
  );
  const metadata: Record<string, unknown> = Object.fromEntries(
    Object.entries(obj.metadata).filter(([k]) => !VOLATILE_METADATA.has(k) && k !== 'annotations'),
  );
  // An owner reference names the claim by uid: keep whether it is the live claim's, not the uid.
  if (obj.metadata.ownerReferences) {
    metadata.ownerReferences = obj.metadata.ownerReferences.map(({ uid, ...o }) => ({
      ...o,
      uidIsLiveClaim: claimUids.get(o.name) === uid,
    }));
  }
  const { apiVersion, kind, metadata: _m, status: _s, ...rest } = obj;
  const claim = labels[LABELS.claimName];
  const uid = obj.metadata.annotations?.[ANNOTATIONS.claimUid];
  return {
    kind,
    name: obj.metadata.name ?? '',
    ...(claim ? { claim } : {}),
    ...(labels[LABELS.resourceId] ? { resourceId: labels[LABELS.resourceId] } : {}),
    ...(claim && uid !== undefined ? { claimUidMatches: claimUids.get(claim) === uid } : {}),
    content: withoutNamespace({ apiVersion, metadata: { ...metadata, annotations }, ...rest }, namespace),
  };
}

/** Reads the final state of `claimNames` and of every object of the composed kinds in `namespace`. */
export async function takeSnapshot(
  client: KubeClient,
  namespace: string,
  claimNames: readonly string[],
): Promise<Snapshot> {
  const list = await client.listAll({ apiVersion: APP_API_VERSION, kind: APP_KIND, namespace });
  const byName = new Map(list.items.map((c) => [c.metadata.name ?? '', c]));
  const claims: Record<string, ClaimState> = {};
  for (const name of [...new Set([...claimNames, ...byName.keys()])].sort()) {
    claims[name] = claimState(byName.get(name));
  }
  const uids = new Map(list.items.map((c) => [c.metadata.name ?? '', c.metadata.uid ?? '']));
  const objects: Record<string, ObjectState> = {};
  for (const k of COMPOSED_KINDS) {
    const items = (await client.listAll({ ...k, namespace })).items;
    for (const obj of items) {
      const state = objectState({ ...obj, apiVersion: k.apiVersion, kind: k.kind }, namespace, uids);
      objects[`${state.kind}/${state.name}`] = state;
    }
  }
  return {
    claims,
    objects: Object.fromEntries(Object.entries(objects).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** Every difference between `actual` and `expected`, one line each (empty: equal). */
export function diffSnapshots(actual: Snapshot, expected: Snapshot): string[] {
  const out: string[] = [];
  const compare = (what: string, a: Record<string, unknown>, e: Record<string, unknown>): void => {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(e)])].sort()) {
      if (!(key in e)) out.push(`${what} ${key}: unexpected ${JSON.stringify(a[key])}`);
      else if (!(key in a)) out.push(`${what} ${key}: missing, expected ${JSON.stringify(e[key])}`);
      else for (const d of deepDiff(a[key], e[key], '')) out.push(`${what} ${key}: ${d}`);
    }
  };
  compare('claim', actual.claims, expected.claims);
  compare('object', actual.objects, expected.objects);
  return out;
}

/** Paths where `a` and `e` differ: `.content.data.port: "8001" != expected "9001"`. */
export function deepDiff(a: unknown, e: unknown, path: string): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(e)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
    return keys.flatMap((k) => deepDiff(a[k], e[k], `${path}.${k}`));
  }
  const ja = JSON.stringify(a);
  const je = JSON.stringify(e);
  return ja === je ? [] : [`${path || '.'}: ${ja ?? 'absent'} != expected ${je ?? 'absent'}`];
}

/**
 * Invariants that hold for any converged state, whatever the baseline says: every composed object's
 * claim exists, is not being deleted, and lists it in `status.resources`; no two objects for one
 * (claim, resource id); the claim-uid annotation names the live claim; no claim is left terminating.
 */
export function checkInvariants(s: Snapshot): string[] {
  const out: string[] = [];
  const seen = new Map<string, string>();
  for (const [key, o] of Object.entries(s.objects)) {
    if (o.claim === undefined) continue;
    const claim = s.claims[o.claim];
    if (!claim?.exists) out.push(`${key}: orphaned, its claim ${o.claim} does not exist`);
    else {
      if (claim.terminating) out.push(`${key}: its claim ${o.claim} is being deleted`);
      if (!claim.inventory?.includes(key)) out.push(`${key}: claim ${o.claim} does not list it`);
      if (o.claimUidMatches === false) out.push(`${key}: claim-uid annotation names another ${o.claim}`);
      const owners = (o.content as { metadata?: { ownerReferences?: { uidIsLiveClaim?: boolean }[] } })
        .metadata?.ownerReferences;
      if (owners?.some((r) => r.uidIsLiveClaim === false))
        out.push(`${key}: owner reference names another ${o.claim}`);
    }
    const slot = `${o.claim}|${o.resourceId ?? ''}`;
    const other = seen.get(slot);
    if (other) out.push(`${key}: duplicates ${other} for claim ${o.claim}, resource ${o.resourceId ?? '?'}`);
    else seen.set(slot, key);
  }
  for (const [name, c] of Object.entries(s.claims)) {
    if (c.terminating)
      out.push(`claim ${name}: deleted but still there, finalizers ${JSON.stringify(c.finalizers)}`);
  }
  return out;
}
