/**
 * Waiting for deployed claims: one progress line whenever a claim's Synced/Ready state (or what it waits
 * for, from its conditions) changes; then how to reach each App, from its status.
 */
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { abortableSleep } from './watch-loop.ts';

export interface ClaimRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export type WaitFor = 'Synced' | 'Ready';

export interface WaitOptions {
  until: WaitFor;
  timeoutMs: number;
  progress: (line: string) => void;
  intervalMs?: number;
  signal?: AbortSignal;
}

function conditions(o: KubeObject | undefined): Condition[] {
  return (o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
}

/** One line for a claim: `PostgreSQL/db: Synced=True Ready=False: waiting for ...`. */
export function claimState(
  ref: ClaimRef,
  o: KubeObject | undefined,
): { line: string; synced: boolean; ready: boolean } {
  const name = `${ref.kind}/${ref.name}`;
  if (!o) return { line: `${name}: not found`, synced: false, ready: false };
  const cs = conditions(o);
  const get = (t: string): Condition | undefined => cs.find((c) => c.type === t);
  const synced = get('Synced');
  const ready = get('Ready');
  const status = (c: Condition | undefined): string => c?.status ?? 'Unknown';
  const blocking = [synced, ready].find((c) => c !== undefined && c.status !== 'True');
  const why =
    cs.length === 0
      ? 'waiting for the operator to pick it up'
      : blocking
        ? `${blocking.reason ?? ''}${blocking.message ? `: ${blocking.message}` : ''}`
        : 'ready';
  return {
    line: `${name}: Synced=${status(synced)} Ready=${status(ready)}: ${why}`,
    synced: synced?.status === 'True',
    ready: ready?.status === 'True',
  };
}

/** Polls until every claim is Synced (or Ready); true when they all are before the timeout. */
export async function waitForClaims(
  client: KubeClient,
  refs: readonly ClaimRef[],
  options: WaitOptions,
): Promise<{ done: boolean; pending: string[] }> {
  const deadline = Date.now() + options.timeoutMs;
  const last = new Map<string, string>();
  const signal = options.signal ?? new AbortController().signal;
  for (;;) {
    const pending: string[] = [];
    for (const ref of refs) {
      const state = claimState(ref, await client.find(ref));
      if (last.get(ref.name + ref.kind) !== state.line) {
        options.progress(state.line);
        last.set(ref.name + ref.kind, state.line);
      }
      if (!(options.until === 'Ready' ? state.ready : state.synced)) pending.push(state.line);
    }
    if (pending.length === 0) return { done: true, pending };
    if (Date.now() >= deadline || signal.aborted) return { done: false, pending };
    await abortableSleep(options.intervalMs ?? 1000, signal);
  }
}

/** How to reach each App: its URL from status (or the Service name), and a port-forward for a laptop. */
export async function reachLines(client: KubeClient, apps: readonly ClaimRef[]): Promise<string[]> {
  const lines: string[] = [];
  for (const ref of apps) {
    const app = await client.find(ref);
    const status = (app?.status ?? {}) as { url?: string; serviceUrl?: string };
    const spec = (app?.spec ?? {}) as { port?: number; probes?: { type?: string } };
    if (spec.probes?.type === 'none' && spec.port === undefined) {
      lines.push(
        `${ref.name}: a worker (no port): kubectl -n ${ref.namespace} logs deploy/${ref.name}-deployment`,
      );
      continue;
    }
    const inCluster = status.serviceUrl ?? `http://${ref.name}.${ref.namespace}.svc`;
    const url = status.url !== undefined && status.url !== inCluster ? `${status.url} (public); ` : '';
    lines.push(
      `${ref.name}: ${url}${inCluster} (Service ${ref.name}, port 80 -> ${spec.port ?? 8080}); from here: kubectl -n ${ref.namespace} port-forward svc/${ref.name} 8080:80`,
    );
  }
  return lines;
}
