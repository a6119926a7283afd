/**
 * `kubify audit`: the audit records kept as Events (see engine/controller/audit.ts), optionally for one
 * claim, oldest first, as a table or as data.
 */
import type { AuditRecord } from '../../controller/audit.ts';
import { AUDIT_REPORTING_CONTROLLER, recordOf } from '../../controller/audit.ts';
import type { KubeClient, ObjectRef } from '../../kube/index.ts';

export async function readAudit(
  client: KubeClient,
  options: { namespace?: string; claim?: ObjectRef },
): Promise<AuditRecord[]> {
  const events = await client.listAll({
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    ...(options.namespace ? { namespace: options.namespace } : {}),
    fieldSelector: `reportingController=${AUDIT_REPORTING_CONTROLLER}`,
  });
  const claim = options.claim;
  return events.items
    .map(recordOf)
    .filter((r): r is AuditRecord => r !== undefined)
    .filter(
      (r) =>
        !claim ||
        (r.claim.kind === claim.kind &&
          r.claim.name === claim.name &&
          (claim.namespace === undefined || r.claim.namespace === claim.namespace)),
    )
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

export function formatAuditTable(records: readonly AuditRecord[], allNamespaces: boolean): string {
  const header = [
    'TIME',
    ...(allNamespaces ? ['NAMESPACE'] : []),
    'CLAIM',
    'ACTOR',
    'ACTION',
    'TARGET',
    'REVISION',
    'RESULT',
    'MESSAGE',
  ];
  const rows = records.map((r) => [
    r.time,
    ...(allNamespaces ? [r.claim.namespace ?? ''] : []),
    `${r.claim.kind}/${r.claim.name}`,
    r.actor,
    r.action,
    `${r.target.kind}/${r.target.name}`,
    r.revision !== undefined ? String(r.revision) : '-',
    r.result,
    r.message ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  return `${[header, ...rows].map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ')).join('\n')}\n`;
}
