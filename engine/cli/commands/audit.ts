import { Command, Option } from 'commander';
import type { CommandFactory } from '../command.ts';
import { resolveTarget } from '../lib/claim-target.ts';
import { formatAuditTable, readAudit } from '../lib/audit-read.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import { formatObjects } from '../output.ts';

export const auditCommand: CommandFactory = (ctx) =>
  withClusterOptions(
    new Command('audit')
      .description(
        'Show the audit trail: every change kubify (CLI and operator) made, for one claim or a namespace.',
      )
      .argument('[kind/name]', 'only this claim'),
    { allNamespaces: true },
  )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'])
        .default('table'),
    )
    .addHelpText(
      'after',
      `
Records are Events with reportingController kubify.io/audit, the record as JSON in their
kubify.io/audit annotation and the action in their action field. The reason is Audit<Action> (AuditApply,
AuditDelete, AuditPrune, AuditPin, AuditUnpin), or the claim's condition transition (Ready, SyncedFalse,
Deleted, ...) when the operator's change moved a condition: one Event reports both.
Events expire with the API server's --event-ttl (1h by default): ship the JSON audit lines (operator
stdout, the CLI's $KUBIFY_AUDIT_LOG) to your log store for a lasting trail.
Exit codes: 0 ok, 1 the cluster could not be read, 2 usage error.

Examples:
  kubify audit rayservice/demo -n team-a
  kubify audit -A -o json`,
    )
    .action(async (target: string | undefined, options: ClusterOptions & { output: string }) => {
      await withClient(ctx.io, options, async (client) => {
        const claim =
          target !== undefined ? await resolveTarget(client, target, options.namespace) : undefined;
        const namespace = options.allNamespaces
          ? undefined
          : (claim?.namespace ?? options.namespace ?? client.defaultNamespace);
        const records = await readAudit(client, {
          ...(namespace ? { namespace } : {}),
          ...(claim ? { claim } : {}),
        });
        if (options.output === 'table') ctx.io.out(formatAuditTable(records, options.allNamespaces === true));
        else
          ctx.io.out(
            formatObjects(
              [{ apiVersion: 'v1', kind: 'List', items: records }],
              options.output === 'json' ? 'json' : 'yaml',
            ),
          );
      });
    });
