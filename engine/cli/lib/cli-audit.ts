/**
 * The audit log of CLI changes: Events on the claims (see engine/controller/audit.ts) and JSON lines
 * appended to `$KUBIFY_AUDIT_LOG` (default `<cache dir>/audit.log`).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname } from 'node:os';
import { AuditLog, whoAmI } from '../../controller/audit.ts';
import type { KubeClient } from '../../kube/index.ts';
import type { CliIo } from '../context.ts';
import { cacheDir } from './user-dirs.ts';

export function auditLogPath(io: CliIo): string {
  const configured = io.env.KUBIFY_AUDIT_LOG;
  return configured !== undefined && configured !== '' ? configured : join(cacheDir(io), 'audit.log');
}

export async function cliAuditLog(io: CliIo, client: KubeClient): Promise<AuditLog> {
  const path = auditLogPath(io);
  const actor = (await whoAmI(client)) ?? io.env.USER ?? 'unknown';
  return new AuditLog({
    client,
    actor,
    source: 'cli',
    instance: `kubify-cli@${hostname()}`,
    now: () => io.now(),
    write: (line) => {
      try {
        mkdirSync(dirname(path), { recursive: true });
        appendFileSync(path, `${line}\n`);
      } catch {
        // The Event is the record of truth; a read-only home must not stop the change.
      }
    },
  });
}
