/**
 * What the API server itself says about the requests it served: `apiserver_request_total` from its
 * /metrics (all clients; compare deltas) and its audit log (per user, exact attribution).
 */
import { readFileSync } from 'node:fs';
import type { KubeClient } from '../../engine/kube/index.ts';

/** `VERB resource[/subresource]` -> count, from `apiserver_request_total` (resource requests only). */
export type RequestCounts = Record<string, number>;

const LINE = /^apiserver_request_total\{([^}]*)\}\s+([0-9.eE+-]+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

export async function scrapeRequestTotals(admin: KubeClient): Promise<RequestCounts> {
  const res = await admin.request({ method: 'GET', path: '/metrics', timeoutMs: 30_000 });
  const out: RequestCounts = {};
  for (const line of res.body.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of m[1]!.matchAll(LABEL)) labels[l[1]!] = l[2]!;
    if (!labels.resource) continue; // non-resource URLs: /metrics, /readyz, discovery
    const resource = `${labels.resource}${labels.group ? `.${labels.group}` : ''}${labels.subresource ? `/${labels.subresource}` : ''}`;
    const key = `${labels.verb} ${resource}`;
    out[key] = (out[key] ?? 0) + Number(m[2]);
  }
  return out;
}

/** Sums `VERB resource` counts by verb. */
export function byVerb(counts: Readonly<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    const verb = key.split(' ')[0] ?? key;
    out[verb] = (out[verb] ?? 0) + n;
  }
  return out;
}

interface AuditEvent {
  auditID: string;
  stage: string;
  verb: string;
  user?: { username?: string };
  impersonatedUser?: { username?: string };
  objectRef?: { resource?: string; subresource?: string; apiGroup?: string };
  requestReceivedTimestamp: string;
}

/** Audit-log writes by the API server are not instantaneous: give it this long after a window ends. */
export const AUDIT_FLUSH_MS = 1500;

/**
 * Requests of `user` (as impersonated) received in [from, to] (epoch ms), as `verb resource` -> count.
 * Each request counts once (watches are logged at ResponseStarted, so open ones count too).
 */
export function auditCounts(logFile: string, user: string, from: number, to: number): Record<string, number> {
  const seen = new Set<string>();
  const out: Record<string, number> = {};
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    if (!line.includes(user)) continue;
    let e: AuditEvent;
    try {
      e = JSON.parse(line) as AuditEvent;
    } catch {
      continue;
    }
    const who = e.impersonatedUser?.username ?? e.user?.username;
    if (who !== user || seen.has(e.auditID)) continue;
    const at = Date.parse(e.requestReceivedTimestamp);
    if (!(at >= from && at <= to)) continue;
    seen.add(e.auditID);
    const ref = e.objectRef;
    const resource = ref?.resource
      ? `${ref.resource}${ref.apiGroup ? `.${ref.apiGroup}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}`
      : 'non-resource';
    const key = `${e.verb} ${resource}`;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

/** One request as the audit log recorded it (the last stage seen of it). */
export interface AuditRecord {
  auditID: string;
  stage: string;
  verb: string;
  userAgent: string;
  /** `leases.coordination.k8s.io`, `configmaps`, `widgets.example.io/status`, or `non-resource`. */
  resource: string;
  namespace?: string;
  name?: string;
  /** HTTP status of the response (0 when the log has none). */
  code: number;
  /** When the server received the request (epoch ms). */
  receivedAt: number;
}

/** Every request in an audit log (policy level Metadata or more), one record per auditID. */
export function readAuditLog(logFile: string): AuditRecord[] {
  const byId = new Map<string, AuditRecord>();
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    let e: AuditEvent & {
      userAgent?: string;
      responseStatus?: { code?: number };
      objectRef?: { namespace?: string; name?: string };
    };
    try {
      e = JSON.parse(line) as typeof e;
    } catch {
      continue;
    }
    const ref = e.objectRef;
    const resource = ref?.resource
      ? `${ref.resource}${ref.apiGroup ? `.${ref.apiGroup}` : ''}${ref.subresource ? `/${ref.subresource}` : ''}`
      : 'non-resource';
    byId.set(e.auditID, {
      auditID: e.auditID,
      stage: e.stage,
      verb: e.verb,
      userAgent: e.userAgent ?? '',
      resource,
      ...(ref?.namespace ? { namespace: ref.namespace } : {}),
      ...(ref?.name ? { name: ref.name } : {}),
      code: e.responseStatus?.code ?? byId.get(e.auditID)?.code ?? 0,
      receivedAt: Date.parse(e.requestReceivedTimestamp),
    });
  }
  return [...byId.values()];
}

/** An audit policy recording every request at Metadata level (no bodies), without the RequestReceived stage. */
export const METADATA_AUDIT_POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
`;
