/**
 * The audit trail: every change kubify makes (CLI apply/delete/pin, operator apply/delete/prune) is
 * recorded twice — as an `events.k8s.io/v1` Event on the claim and as one JSON line on a log stream.
 *
 * The Event is how `kubify audit` finds it: `reportingController: kubify.io/audit`, `action` the
 * audited action, and the whole record as JSON in the annotation `kubify.io/audit`. Its reason is
 * `Audit<Action>` (e.g. `AuditApply`) — or, when the change also moved one of the claim's conditions,
 * the transition itself (`Ready`, `SyncedFalse`, `Deleted`, ...) with the transition's note first: one
 * Event per change rather than an audit Event plus a transition Event (a new claim costs the API server
 * one Event create, not two). Audit events are never de-duplicated (each change is its own Event,
 * unlike the EventRecorder's series).
 */
import { randomBytes } from 'node:crypto';
import type { KubeClient, KubeObject } from '../kube/index.ts';

export const AUDIT_REPORTING_CONTROLLER = 'kubify.io/audit';
export const AUDIT_REASON_PREFIX = 'Audit';
export const AUDIT_ANNOTATION = 'kubify.io/audit';

export type AuditAction = 'Apply' | 'Delete' | 'Prune' | 'Pin' | 'Unpin' | 'Create' | 'Patch';
export type AuditResult = 'Success' | 'Failure';

export interface AuditTarget {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/** One audit record: who did what to which object, for which claim, at which revision, and how it went. */
export interface AuditRecord {
  /** RFC 3339 with milliseconds. */
  time: string;
  /** The user (`kubectl auth whoami`) or the operator's identity. */
  actor: string;
  /** `cli` or `operator`. */
  source: 'cli' | 'operator';
  action: AuditAction;
  target: AuditTarget;
  claim: AuditTarget;
  revision?: number;
  result: AuditResult;
  /** The error, or a short note (e.g. `pinned to revision 3 by rollout`). */
  message?: string;
}

/** The structured audit line (one JSON object, stable key order). */
export function auditLine(record: AuditRecord): string {
  const ordered: Record<string, unknown> = {
    audit: true,
    time: record.time,
    actor: record.actor,
    source: record.source,
    action: record.action,
    result: record.result,
    claim: record.claim,
    target: record.target,
    ...(record.revision !== undefined ? { revision: record.revision } : {}),
    ...(record.message !== undefined ? { message: record.message } : {}),
  };
  return JSON.stringify(ordered);
}

function describe(t: AuditTarget): string {
  return `${t.kind}/${t.name}`;
}

/** The human note of the Event: `Apply ConfigMap/w1-config (revision 2) by alice: Success`. */
export function auditNote(record: AuditRecord): string {
  const rev = record.revision !== undefined ? ` (revision ${record.revision})` : '';
  const msg = record.message ? `: ${record.message}` : '';
  return `${record.action} ${describe(record.target)}${rev} by ${record.actor}: ${record.result}${msg}`.slice(
    0,
    1024,
  );
}

/** A condition transition of the claim that the audit Event reports as well (see the file comment). */
export interface AuditTransition {
  type: 'Normal' | 'Warning';
  /** `Ready`, `SyncedFalse`, `Deleted`, ... */
  reason: string;
  /** `Ready=True: ...; Synced=True: ...` */
  note: string;
}

/** The Event that records `record` on its claim (as the claim's condition transition too, when given). */
export function auditEvent(
  record: AuditRecord,
  claimUid: string | undefined,
  instance: string,
  transition?: AuditTransition,
): KubeObject {
  const stamp = Date.parse(record.time);
  const micro = `${new Date(Number.isNaN(stamp) ? 0 : stamp).toISOString().replace('Z', '')}000Z`;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: `${record.claim.name.slice(0, 200)}.audit.${randomBytes(6).toString('hex')}`,
      namespace: record.claim.namespace || 'default',
      labels: { 'app.kubernetes.io/managed-by': 'kubify' },
      annotations: { [AUDIT_ANNOTATION]: auditLine(record) },
    },
    eventTime: micro,
    reportingController: AUDIT_REPORTING_CONTROLLER,
    reportingInstance: instance.slice(0, 128),
    type: record.result === 'Success' && transition?.type !== 'Warning' ? 'Normal' : 'Warning',
    reason: transition ? transition.reason.slice(0, 128) : `${AUDIT_REASON_PREFIX}${record.action}`,
    action: record.action,
    regarding: { ...record.claim, ...(claimUid ? { uid: claimUid } : {}) },
    related: record.target,
    note: (transition ? `${transition.note} | ${auditNote(record)}` : auditNote(record)).slice(0, 1024),
  };
}

/**
 * Reads an audit record back from an Event; undefined for Events that are not audit records (an audit
 * record is an Event of the audit reporting controller, or with an `Audit<Action>` reason, that carries
 * the annotation).
 */
export function recordOf(event: KubeObject): AuditRecord | undefined {
  const text = event.metadata.annotations?.[AUDIT_ANNOTATION];
  const audit =
    event.reportingController === AUDIT_REPORTING_CONTROLLER ||
    (typeof event.reason === 'string' && event.reason.startsWith(AUDIT_REASON_PREFIX));
  if (text === undefined || !audit) return undefined;
  try {
    const { audit: _a, ...record } = JSON.parse(text) as AuditRecord & { audit?: unknown };
    return record;
  } catch {
    return undefined;
  }
}

export interface AuditLogOptions {
  /** Writes Events; absent: log lines only. */
  client?: KubeClient;
  /**
   * Who makes the changes. A function is called once, at the first record (the operator asks the API
   * server who it is only when it first changes something, so an idle start-up makes no request).
   */
  actor: string | (() => Promise<string>);
  source: 'cli' | 'operator';
  /** Where the JSON lines go (the operator's stdout logger, a file, stderr). */
  write(line: string): void;
  now?: () => Date;
  /** reportingInstance of the Events (pod name, hostname). */
  instance?: string;
}

export interface AuditEntry {
  action: AuditAction;
  target: AuditTarget;
  /** The claim the change is for (the target itself when the target is the claim). */
  claim: KubeObject | AuditTarget;
  revision?: number;
  result?: AuditResult;
  message?: string;
  /** Also record it as an Event on the claim (default true); false: the log line only. */
  event?: boolean;
  /** The claim's condition transition this change caused: the one Event reports both. */
  transition?: AuditTransition;
}

function targetOf(o: KubeObject | AuditTarget): AuditTarget {
  if ('metadata' in o) {
    const { name = '', namespace } = o.metadata;
    return { apiVersion: o.apiVersion, kind: o.kind, name, ...(namespace ? { namespace } : {}) };
  }
  return o;
}

/**
 * Records audit entries. `record` never throws and never blocks the change it records: the Event is
 * written in the background (`flush` waits for every pending write).
 */
export class AuditLog {
  private readonly pending = new Set<Promise<void>>();
  private actor: Promise<string> | undefined;
  constructor(private readonly options: AuditLogOptions) {}

  private resolveActor(): Promise<string> {
    const actor = this.options.actor;
    this.actor ??= typeof actor === 'string' ? Promise.resolve(actor) : actor();
    return this.actor;
  }

  /** Records an entry: the JSON line and (unless `event: false`) the Event, in the background. */
  record(entry: AuditEntry): void {
    const time = (this.options.now?.() ?? new Date()).toISOString();
    const done = this.resolveActor()
      .then((actor) => this.write(entry, time, actor))
      .catch((err: unknown) =>
        this.options.write(
          JSON.stringify({ audit: true, error: `recording audit entry failed: ${String(err)}` }),
        ),
      );
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }

  private async write(entry: AuditEntry, time: string, actor: string): Promise<void> {
    const record: AuditRecord = {
      time,
      actor,
      source: this.options.source,
      action: entry.action,
      target: entry.target,
      claim: targetOf(entry.claim),
      ...(entry.revision !== undefined ? { revision: entry.revision } : {}),
      result: entry.result ?? 'Success',
      ...(entry.message !== undefined ? { message: entry.message } : {}),
    };
    this.options.write(auditLine(record));
    const client = this.options.client;
    if (!client || entry.event === false) return;
    const uid = 'metadata' in entry.claim ? entry.claim.metadata.uid : undefined;
    try {
      await client.create(auditEvent(record, uid, this.options.instance ?? actor, entry.transition));
    } catch (err) {
      this.options.write(
        JSON.stringify({ audit: true, error: `recording audit event failed: ${(err as Error).message}` }),
      );
    }
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}

/** Who the API server says we are (SelfSubjectReview), or undefined when it cannot tell. */
export async function whoAmI(client: KubeClient): Promise<string | undefined> {
  try {
    const review = await client.create({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
      metadata: {},
    });
    const user = (review.status as { userInfo?: { username?: string } } | undefined)?.userInfo?.username;
    return typeof user === 'string' && user !== '' ? user : undefined;
  } catch {
    return undefined;
  }
}
