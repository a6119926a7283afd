/**
 * `kubify logs`: the pods of the workloads a claim composed (Deployments, StatefulSets, DaemonSets,
 * ReplicaSets, Jobs), found through each workload's label selector, and their container logs merged
 * line by line with a `[pod/<name>/<container>]` prefix (what `kubectl logs --prefix` prints).
 */
import type { ResourceStatus } from '../../api/claim.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'] as const;

interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Requirement[];
}

/** A `metav1.LabelSelector` as the `labelSelector` query string; undefined when it selects nothing. */
export function selectorString(selector: LabelSelectorSpec | undefined): string | undefined {
  if (!selector) return undefined;
  const parts = Object.entries(selector.matchLabels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    const values = [...(r.values ?? [])].sort().join(',');
    if (r.operator === 'In') parts.push(`${r.key} in (${values})`);
    else if (r.operator === 'NotIn') parts.push(`${r.key} notin (${values})`);
    else if (r.operator === 'Exists') parts.push(r.key);
    else parts.push(`!${r.key}`);
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

export interface Workload {
  /** `Deployment/web`. */
  name: string;
  namespace: string;
  selector: string;
}

/** The workloads among composed objects, with their pod selectors (sorted by kind/name). */
export function workloadsOf(composed: readonly KubeObject[]): Workload[] {
  return composed
    .filter((o) => (WORKLOAD_KINDS as readonly string[]).includes(o.kind))
    .flatMap((o) => {
      const selector = selectorString((o.spec as { selector?: LabelSelectorSpec } | undefined)?.selector);
      if (!selector || !o.metadata.namespace) return [];
      return [{ name: `${o.kind}/${o.metadata.name ?? ''}`, namespace: o.metadata.namespace, selector }];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface LogTarget {
  workload: string;
  namespace: string;
  pod: string;
  container: string;
}

/** One log stream per container of every pod (init containers only when `init`), sorted. */
export function logTargets(workload: Workload, pods: readonly KubeObject[], container?: string): LogTarget[] {
  const out: LogTarget[] = [];
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as { containers?: { name: string }[] };
    for (const c of spec.containers ?? []) {
      if (container !== undefined && c.name !== container) continue;
      out.push({
        workload: workload.name,
        namespace: workload.namespace,
        pod: pod.metadata.name ?? '',
        container: c.name,
      });
    }
  }
  return out.sort((a, b) => `${a.pod}/${a.container}`.localeCompare(`${b.pod}/${b.container}`));
}

export function prefixOf(t: LogTarget): string {
  return `[pod/${t.pod}/${t.container}]`;
}

export interface LogOptions {
  follow?: boolean;
  sinceSeconds?: number;
  tailLines?: number;
  timestamps?: boolean;
  signal?: AbortSignal;
}

/** Reads one container's log, calling `onLine` per complete line. */
export type LogSource = (
  target: LogTarget,
  options: LogOptions,
  onLine: (line: string) => void,
) => Promise<void>;

export function logPath(t: LogTarget, options: LogOptions): string {
  const query = new URLSearchParams({ container: t.container });
  if (options.follow) query.set('follow', 'true');
  if (options.sinceSeconds !== undefined) query.set('sinceSeconds', String(options.sinceSeconds));
  if (options.tailLines !== undefined) query.set('tailLines', String(options.tailLines));
  if (options.timestamps) query.set('timestamps', 'true');
  return `/api/v1/namespaces/${encodeURIComponent(t.namespace)}/pods/${encodeURIComponent(t.pod)}/log?${query.toString()}`;
}

/** The real source: `GET .../pods/<pod>/log` through engine/kube's streaming request. */
export function apiLogSource(client: KubeClient): LogSource {
  return async (target, options, onLine) => {
    let rest = '';
    await client.stream(
      {
        method: 'GET',
        path: logPath(target, options),
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (chunk) => {
        const text = rest + chunk;
        const lines = text.split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      },
    );
    if (rest !== '') onLine(rest);
  };
}

export interface MergeResult {
  /** Streams that failed, with the reason. */
  failed: { target: LogTarget; error: string }[];
}

/**
 * Streams every target. Following, lines are printed as they arrive, interleaved; otherwise each
 * container's log is printed whole, in target order, so the output does not depend on timing.
 */
export async function mergeLogs(
  targets: readonly LogTarget[],
  source: LogSource,
  options: LogOptions,
  print: (line: string) => void,
): Promise<MergeResult> {
  const failed: MergeResult['failed'] = [];
  const buffers = targets.map(() => [] as string[]);
  await Promise.all(
    targets.map(async (target, i) => {
      const prefix = prefixOf(target);
      try {
        await source(target, options, (line) => {
          if (options.follow) print(`${prefix} ${line}`);
          else buffers[i]!.push(`${prefix} ${line}`);
        });
      } catch (error) {
        failed.push({ target, error: (error as Error).message });
      }
    }),
  );
  for (const lines of buffers) for (const line of lines) print(line);
  failed.sort((a, b) => prefixOf(a.target).localeCompare(prefixOf(b.target)));
  return { failed };
}

/** The workloads a claim composed (from its status inventory) and the log targets of their pods. */
export async function claimLogTargets(
  client: KubeClient,
  claim: KubeObject,
  container?: string,
): Promise<{ workloads: Workload[]; targets: LogTarget[] }> {
  const entries = (claim.status as { resources?: ResourceStatus[] } | undefined)?.resources ?? [];
  const composed: KubeObject[] = [];
  for (const e of entries) {
    if (!(WORKLOAD_KINDS as readonly string[]).includes(e.kind)) continue;
    const ns = e.namespace ?? claim.metadata.namespace;
    const obj = await client.find({
      apiVersion: e.apiVersion,
      kind: e.kind,
      name: e.name,
      ...(ns ? { namespace: ns } : {}),
    });
    if (obj) composed.push(obj);
  }
  const workloads = workloadsOf(composed);
  const targets: LogTarget[] = [];
  for (const w of workloads) {
    const pods = await client.listAll({
      apiVersion: 'v1',
      kind: 'Pod',
      namespace: w.namespace,
      labelSelector: w.selector,
    });
    targets.push(...logTargets(w, pods.items, container));
  }
  return { workloads, targets };
}
