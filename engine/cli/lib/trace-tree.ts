/**
 * `kubify trace`: a claim, the objects it composed and their children as one tree (pure). The input is
 * what the cluster holds; the output is what every format (`table`, `wide`, `json`, `yaml`, `dot`) prints.
 */
import type { ResourceStatus } from '../../api/claim.ts';
import { LABELS } from '../../api/claim.ts';
import type { KubeObject } from '../../kube/types.ts';

export type Tri = 'True' | 'False' | 'Unknown' | '-';

export interface TraceNode {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The composition resource id, for composed objects. */
  resourceId?: string;
  synced: Tri;
  ready: Tri;
  /** `Reason: message`, or `Available` when nothing is wrong. */
  status: string;
  children: TraceNode[];
}

export interface TraceInput {
  claim: KubeObject;
  /** Objects the claim composed that exist (any order). */
  composed: readonly KubeObject[];
  /** Objects owned (ownerReferences) by composed objects or their children, e.g. ReplicaSets and Pods. */
  owned?: readonly KubeObject[];
}

export interface Trace {
  root: TraceNode;
  /** The not-ready leaves that hold the claim back, in tree order (empty when the claim is Ready). */
  blocking: TraceNode[];
}

interface ConditionLike {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function conditions(obj: KubeObject): ConditionLike[] {
  const list = (obj.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(list) ? (list as ConditionLike[]) : [];
}

function tri(value: string | undefined): Tri {
  return value === 'True' || value === 'False' || value === 'Unknown' ? value : 'Unknown';
}

function describeCondition(c: ConditionLike | undefined): string {
  if (!c) return '';
  const reason = c.reason ?? c.type ?? '';
  return c.message ? `${reason}: ${c.message}` : reason;
}

export function buildTrace(input: TraceInput): Trace {
  const { claim } = input;
  const conds = conditions(claim);
  const synced = conds.find((c) => c.type === 'Synced');
  const ready = conds.find((c) => c.type === 'Ready');
  const firstBad = [synced, ready].find((c) => c && c.status !== 'True');
  const root: TraceNode = {
    ...identity(claim),
    synced: synced ? tri(synced.status) : 'Unknown',
    ready: ready ? tri(ready.status) : 'Unknown',
    status: firstBad ? describeCondition(firstBad) : ready ? 'Available' : 'Waiting: no status yet',
    children: composedNodes(input),
  };
  const blocking: TraceNode[] = [];
  if (root.ready !== 'True' || root.synced !== 'True') collectBlocking(root, blocking);
  return { root, blocking };
}

function identity(obj: KubeObject): Pick<TraceNode, 'apiVersion' | 'kind' | 'name' | 'namespace'> {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
  };
}

function composedNodes(input: TraceInput): TraceNode[] {
  const entries =
    (input.claim.status as { resources?: ResourceStatus[] } | undefined)?.resources?.slice() ?? [];
  const byId = new Map<string, KubeObject>();
  for (const obj of input.composed) {
    const id = obj.metadata.labels?.[LABELS.resourceId];
    if (id !== undefined) byId.set(id, obj);
  }
  const owned = input.owned ?? [];
  const nodes: TraceNode[] = entries.map((entry) => {
    const live = byId.get(entry.id);
    byId.delete(entry.id);
    const node: TraceNode = {
      apiVersion: entry.apiVersion,
      kind: entry.kind,
      name: entry.name,
      ...(entry.namespace ? { namespace: entry.namespace } : {}),
      resourceId: entry.id,
      synced: live ? 'True' : 'False',
      ready: entry.ready ? 'True' : 'False',
      status: entry.ready ? 'Available' : `${entry.reason}: ${entry.message}`,
      children: live ? ownedNodes(live, owned) : [],
    };
    if (!live && !entry.ready && entry.reason === '') node.status = 'Missing: the object does not exist';
    return node;
  });
  // Objects labelled as composed by this claim that status does not list (yet, or no longer).
  for (const [id, live] of [...byId].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    nodes.push({
      ...identity(live),
      resourceId: id,
      synced: 'Unknown',
      ready: 'Unknown',
      status: 'NotInInventory: composed, but not in the claim status (being created or pruned)',
      children: ownedNodes(live, owned),
    });
  }
  return nodes;
}

function ownedNodes(parent: KubeObject, owned: readonly KubeObject[]): TraceNode[] {
  const uid = parent.metadata.uid;
  if (!uid) return [];
  return owned
    .filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid))
    .sort((a, b) => sortKey(a).localeCompare(sortKey(b)))
    .map((o) => ({ ...identity(o), ...health(o), synced: '-', children: ownedNodes(o, owned) }));
}

function sortKey(o: KubeObject): string {
  return `${o.kind}/${o.metadata.name ?? ''}`;
}

/** Readiness of an object kubify did not compose: its Ready/Available condition, or a Pod's phase. */
export function health(obj: KubeObject): { ready: Tri; status: string } {
  const conds = conditions(obj);
  const c = conds.find((x) => x.type === 'Ready') ?? conds.find((x) => x.type === 'Available');
  if (c) return { ready: tri(c.status), status: c.status === 'True' ? 'Available' : describeCondition(c) };
  const phase = (obj.status as { phase?: unknown } | undefined)?.phase;
  if (typeof phase === 'string') {
    const ok = phase === 'Running' || phase === 'Succeeded';
    return { ready: ok ? 'True' : 'False', status: ok ? phase : `${phase}: pod is ${phase.toLowerCase()}` };
  }
  return { ready: '-', status: 'Exists' };
}

function isBad(node: TraceNode): boolean {
  return node.ready === 'False' || node.ready === 'Unknown' || node.synced === 'False';
}

function holdsBack(node: TraceNode): boolean {
  return isBad(node) || node.children.some(holdsBack);
}

/** The deepest not-ready nodes: a bad node whose children are all fine blocks by itself. */
function collectBlocking(node: TraceNode, out: TraceNode[]): void {
  const bad = node.children.filter(holdsBack);
  if (bad.length === 0) out.push(node);
  else for (const child of bad) collectBlocking(child, out);
}
