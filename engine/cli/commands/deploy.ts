import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import { parseTimeout, runDeploy } from '../lib/deploy-run.ts';
import { claimPackIndex, collect } from '../lib/init-source.ts';

interface DeployOptions extends ClusterOptions {
  registry?: string;
  image: string[];
  port: string[];
  wait?: boolean;
  timeout: string;
  dryRun?: boolean;
}

export const deployCommand: CommandFactory = (ctx) =>
  withClusterOptions(
    new Command('deploy')
      .description(
        'Analyse a package and launch it: build images that do not exist (Kaniko), apply the App, PostgreSQL and Redis claims, wait, and print how to reach the apps.',
      )
      .argument('<dir>', 'the folder that holds the package'),
  )
    .option('--registry <host/repo>', 'registry built images are pushed to (default: $KUBIFY_REGISTRY)')
    .option('--image <[service=]image>', 'run this image instead of building one (repeatable)', collect, [])
    .option(
      '--port <[service=]port|none>',
      'the port a service listens on, "none" for a worker (repeatable)',
      collect,
      [],
    )
    .option(
      '--wait',
      'wait until every claim is Ready (default: until the operator has accepted them: Synced)',
    )
    .option('--timeout <duration>', 'how long to wait', '5m')
    .option('--dry-run', 'validate everything on the server (server-side dry run) and apply nothing')
    .addHelpText(
      'after',
      `
Nothing is applied unless every claim renders with its pack and the server accepts every object in a dry run.
Then, in order: Redis passwords (Secrets, created only when missing), build contexts (ConfigMaps), PostgreSQL
and Redis claims, App claims. Every object is labelled kubify.io/source=<folder name>: kubify delete <dir>
removes them.

Exit codes: 0 applied (and Ready with --wait), 1 analysis, render or server errors (nothing applied) or not
Ready in time, 2 usage error (the folder does not exist, a build without --registry, a bad flag).

Examples:
  kubify deploy ./shop --registry ghcr.io/acme -n shop --wait
  kubify deploy ./api --image ghcr.io/acme/api:1.4.0 --dry-run`,
    )
    .action(async (dir: string, options: DeployOptions, command: Command) => {
      const style = ctx.style(command);
      const timeoutMs = parseTimeout(options.timeout);
      const packs = await claimPackIndex(ctx.io);
      const code = await withClient(ctx.io, options, (client) =>
        runDeploy(ctx.io, style, client, packs, {
          dir,
          namespace: options.namespace ?? client.defaultNamespace,
          ...(options.registry !== undefined ? { registry: options.registry } : {}),
          images: options.image,
          ports: options.port,
          wait: options.wait === true,
          timeoutMs,
          dryRun: options.dryRun === true,
        }),
      );
      ctx.exit(code);
    });
