import { basename } from 'node:path';
import { Command } from 'commander';
import { dnsLabel } from '../../analyze/index.ts';
import type { CommandFactory } from '../command.ts';
import { ExitCode, UsageError } from '../context.ts';
import { resolveTarget } from '../lib/claim-target.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import { deleteAndWait, sourceObjects } from '../lib/deploy-delete.ts';
import { parseTimeout } from '../lib/deploy-run.ts';
import { absolutePath, pathKind } from '../lib/files.ts';

interface DeleteOptions extends ClusterOptions {
  timeout: string;
  wait: boolean;
}

export const deleteCommand: CommandFactory = (ctx) =>
  withClusterOptions(
    new Command('delete')
      .description(
        'Delete what kubify deploy created for a folder (label kubify.io/source=<folder name>), or one claim <kind>/<name>, and wait until it is gone.',
      )
      .argument('<target>', 'the package folder (or its name), or a claim as <kind>/<name>'),
  )
    .option('--timeout <duration>', 'how long to wait for the claims to be gone', '5m')
    .option('--no-wait', 'do not wait')
    .addHelpText(
      'after',
      `
Deletes Apps first, then Builds, Redis and PostgreSQL claims (their data goes with them), then the build-context
ConfigMaps and Redis password Secrets deploy created.

Exit codes: 0 deleted (and gone), 1 nothing matched or still there after --timeout, 2 usage error.

Examples:
  kubify delete ./shop -n shop
  kubify delete app/web -n shop`,
    )
    .action(async (target: string, options: DeleteOptions) => {
      const timeoutMs = parseTimeout(options.timeout);
      const absolute = absolutePath(ctx.io, target);
      const isDir = pathKind(absolute) === 'directory';
      const isClaim = !isDir && /^[^/]+\/[^/]+$/.test(target);
      if (!isDir && !isClaim && target.includes('/'))
        throw new UsageError(`no such directory: ${target} (or name a claim as <kind>/<name>)`);
      const code = await withClient(ctx.io, options, async (client) => {
        const namespace = options.namespace ?? client.defaultNamespace;
        const source = dnsLabel(basename(absolute));
        const refs = isClaim
          ? [await resolveTarget(client, target, namespace)]
          : await sourceObjects(client, source, namespace);
        if (refs.length === 0) {
          ctx.io.err(`error: nothing labelled kubify.io/source=${source} in namespace ${namespace}\n`);
          return ExitCode.failed;
        }
        const left = await deleteAndWait(client, refs, {
          timeoutMs: options.wait ? timeoutMs : 0,
          progress: (line) => ctx.io.out(`${line}\n`),
        });
        if (left.length > 0 && options.wait) {
          ctx.io.err(`error: still there after ${options.timeout}: ${left.join(', ')}\n`);
          return ExitCode.failed;
        }
        if (options.wait) ctx.io.out(`gone: ${refs.length} objects\n`);
        return ExitCode.ok;
      });
      ctx.exit(code);
    });
