import { Command } from 'commander';
import type { CommandFactory } from '../command.ts';
import { DEMO_EXAMPLES_DIR, DEMO_FIXTURE_CRDS_DIR, runDemo } from '../lib/demo.ts';
import { absolutePath } from '../lib/files.ts';
import { parseDuration } from '../lib/operator.ts';

export const demoCommand: CommandFactory = (ctx) =>
  new Command('demo')
    .description(
      'Run kubify end to end on this machine: embedded control plane, install, operator, the example claims, a tree of what was composed.',
    )
    .option('--examples <dir>', 'claims to apply (default: the examples/ folder shipped with kubify)')
    .option('--crds <dir>', 'upstream CRDs the claims compose (default: test/fixtures/crds/)')
    .option(
      '--timeout <duration>',
      'longest wait for Compositions to be Ready or a claim to be Synced',
      '60s',
    )
    .addHelpText(
      'after',
      `
The control plane (kube-apiserver and etcd) is built from pinned Go modules on first use (minutes, once;
cached in ~/.cache/kubify/) and started on free loopback ports. Everything is stopped at the end, also on
failure. Exit codes: 0 every claim Synced, 1 otherwise.

Examples:
  npm run demo
  kubify demo --examples compositions/rayservice/examples`,
    )
    .action(async (flags: { examples?: string; crds?: string; timeout: string }) => {
      const code = await runDemo(ctx.io, {
        examplesDir: flags.examples ? absolutePath(ctx.io, flags.examples) : DEMO_EXAMPLES_DIR,
        crdsDir: flags.crds ? absolutePath(ctx.io, flags.crds) : DEMO_FIXTURE_CRDS_DIR,
        timeoutMs: parseDuration('--timeout', flags.timeout),
      });
      ctx.exit(code === 0 ? 0 : 1);
    });
