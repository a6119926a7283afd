import { Command, Option } from 'commander';
import type { CommandFactory } from '../command.ts';
import { ExitCode, UsageError } from '../context.ts';
import { claimType, readClaimFile } from '../lib/claim-file.ts';
import { withClient, withClusterOptions } from '../lib/cluster.ts';
import type { ClusterOptions } from '../lib/cluster.ts';
import {
  refOf,
  compositionNamed,
  compositionServing,
  dryRunClaim,
  fleetOf,
  revisionOf,
  RevisionCache,
} from '../lib/diff-cluster.ts';
import { compileLoaded, loadComposition } from '../lib/packs.ts';
import type { ClaimDiff } from '../lib/render-diff.ts';
import { fleetDiff, formatFleetDiff } from '../lib/render-diff.ts';
import { problemLine } from '../output.ts';
import { parseNow } from './render.ts';
import type { KubeObject } from '../../kube/index.ts';

interface DiffOptions extends ClusterOptions {
  composition?: string;
  output: string;
  exitCode?: boolean;
}

export const diffCommand: CommandFactory = (ctx) =>
  withClusterOptions(
    new Command('diff')
      .description(
        'Show what applying claims would change on the live objects (server-side dry-run), or with --composition alone, what a changed Composition would change for every claim that uses it (fleet diff).',
      )
      .argument('[claims...]', 'claim files'),
  )
    .option('-c, --composition <pack>', 'a pack folder or composition file: the changed composition')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['diff', 'json']).default('diff'))
    .option('--exit-code', 'exit 1 when anything would change (like git diff --exit-code)')
    .addHelpText(
      'after',
      `
A claim file is rendered with the Composition (revision) the cluster uses for it, or with --composition;
every rendered object and the claim itself are applied with dryRun=All and fieldValidation=Strict, and
the result is compared with the live object. Objects the claim would no longer compose show as removed.

Fleet diff (--composition without claim files): every claim of the Composition of the same name in the
cluster is rendered twice, with the revision it is on and with the changed pack, by the same render the
operator runs; pinned claims are marked (the change reaches them when a rollout moves the pin).

Exit codes: 0 done, 1 a claim fails to render or the server rejects an object (or changes found, with
--exit-code), 2 usage error.

Examples:
  kubify diff my-rayservice.yaml -n team-a
  kubify diff --composition compositions/rayservice
  kubify diff --composition ./my-pack -o json`,
    )
    .action(async (files: string[], options: DiffOptions, command: Command) => {
      const style = ctx.style(command);
      if (files.length === 0 && options.composition === undefined)
        throw new UsageError('give claim files, or --composition <pack> for a fleet diff');
      const pack =
        options.composition !== undefined
          ? compileLoaded(await loadComposition(ctx.io, options.composition))
          : undefined;
      if (pack && !pack.compiled) {
        for (const p of pack.problems) ctx.io.err(`${problemLine(p, style)}\n`);
        ctx.exit(ExitCode.failed);
        return;
      }
      const now = parseNow(undefined, ctx.io.now());
      const diffs = await withClient(ctx.io, options, async (client) => {
        const revisions = new RevisionCache(client);
        if (files.length === 0 && pack?.compiled) {
          const name = pack.compiled.composition.metadata.name;
          const cluster = await compositionNamed(client, name);
          const next =
            cluster.object.status &&
            (cluster.object.status as { contentHash?: string }).contentHash === pack.compiled.hash
              ? cluster.latestRevision
              : cluster.latestRevision + 1;
          const fleet = await fleetOf(client, cluster, revisions);
          return { title: name, diffs: fleetDiff(fleet, { compiled: pack.compiled, revision: next }, now) };
        }
        const out: ClaimDiff[] = [];
        for (const file of files) {
          const parsed = readClaimFile(ctx.io, file);
          const type = parsed.claim ? claimType(parsed.claim.value) : undefined;
          if (!parsed.claim || !type) {
            out.push({
              claim: parsed.display,
              objects: [],
              problems: parsed.problems
                .map((p) => p.message)
                .concat(type ? [] : ['the claim needs apiVersion and kind']),
            });
            continue;
          }
          const claim = parsed.claim.value as unknown as KubeObject;
          const mapping = await client.mapper.mapping(type.apiVersion, type.kind).catch(() => undefined);
          if (mapping?.namespaced && !claim.metadata.namespace)
            claim.metadata = { ...claim.metadata, namespace: options.namespace ?? client.defaultNamespace };
          let compiled = pack?.compiled;
          let revision = 0;
          if (!compiled) {
            const cluster = await compositionServing(client, type.apiVersion, type.kind);
            if (!cluster) {
              out.push({
                claim: parsed.display,
                objects: [],
                problems: [
                  `no Composition in the cluster serves ${type.apiVersion} ${type.kind}; pass --composition <pack>`,
                ],
              });
              continue;
            }
            const live = await client.find(refOf(claim)).catch(() => undefined);
            revision = revisionOf(live ?? claim, cluster.latestRevision);
            compiled = await revisions.compiled(cluster.name, revision);
          }
          const result = await dryRunClaim(client, claim, compiled, revision, now);
          out.push({ claim: parsed.display, ...result });
        }
        return { title: undefined, diffs: out };
      });
      const changed = diffs.diffs.some((d) => d.objects.length > 0);
      const failed = diffs.diffs.some((d) => d.problems.length > 0);
      if (options.output === 'json') ctx.io.out(`${JSON.stringify(diffs.diffs, null, 2)}\n`);
      else if (diffs.title !== undefined) ctx.io.out(formatFleetDiff(diffs.diffs, diffs.title));
      else {
        for (const d of diffs.diffs) {
          for (const p of d.problems) ctx.io.err(`${style.red('error:')} ${d.claim}: ${p}\n`);
          for (const o of d.objects) ctx.io.out(o.diff);
        }
        if (!changed && !failed) ctx.io.err('no changes\n');
      }
      ctx.exit(failed || (options.exitCode && changed) ? ExitCode.failed : ExitCode.ok);
    });
