import { Command } from 'commander';
import { applyInstall, INSTALL_FIELD_MANAGER, InstallError } from '../../controller/install.ts';
import type { InstallOutcome } from '../../controller/install.ts';
import type { CommandFactory } from '../command.ts';
import { CliError, ExitCode } from '../context.ts';
import { loadInstall, type InstallSelection } from '../lib/install.ts';
import { formatObjects } from '../output.ts';
import { findHelm, pkoHelmArgs, pkoHelmCommand, runHelm } from '../lib/install-pko.ts';
import { describeTarget, loadTarget, targetClient } from '../lib/install-target.ts';

interface InstallFlags {
  kubeconfig?: string;
  context?: string;
  dryRun?: boolean;
  packs?: string[];
  deploy: boolean;
  withPko?: boolean;
  image?: string;
  print?: boolean;
}

export const installCommand: CommandFactory = (ctx) =>
  new Command('install')
    .description(
      'Install kubify into the current cluster: its CRDs, the packs as Compositions, and deploy/ (namespace, generated RBAC, operator).',
    )
    .option('--kubeconfig <file>', 'kubeconfig file (default: $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('--dry-run', 'server-side dry run: print what would change, write nothing')
    .option('--packs <packs...>', 'packs to install: shipped pack names or pack folders (default: all)')
    .option('--no-deploy', 'skip deploy/ (CRDs and Compositions only, e.g. for an operator run elsewhere)')
    .option('--with-pko', 'also install the Pulumi Kubernetes Operator with Helm (deploy/pko-values.yaml)')
    .option('--image <image>', "the operator's container image (default: the one in deploy/operator.yaml)")
    .option('--print', 'print the objects as one YAML stream in apply order instead (no cluster access)')
    .addHelpText(
      'after',
      `
Objects are applied with server-side apply (field manager ${INSTALL_FIELD_MANAGER}) in order, waiting for CRDs to
be Established. Running it again changes nothing. The RBAC covers the installed packs plus any Composition already
in the cluster. Packs that do not compile are skipped with a warning.
Exit codes: 0 ok, 1 an object could not be applied (named in the error) or PKO could not be installed, 2 usage.

Examples:
  # everything, into the current context
  kubify install

  # what would change, without writing
  kubify install --dry-run

  # GitOps / kubectl: the same objects as YAML (RBAC for the selected packs only)
  kubify install --print | kubectl apply --server-side --field-manager=kubify-install -f -

  # two packs, a pinned image, and the Pulumi Kubernetes Operator (needs helm on PATH)
  kubify install --packs rayservice kubecost --image ghcr.io/kubify/kubify:0.1.0 --with-pko`,
    )
    .action(async (flags: InstallFlags) => {
      if (flags.print) {
        const { steps, warnings } = await loadInstall(ctx.io, undefined, selectionOf(flags));
        for (const warning of warnings) ctx.io.err(`${warning}\n`);
        ctx.io.out(
          formatObjects(
            steps.flatMap((s) => s.objects),
            'yaml',
          ),
        );
        return;
      }
      const kc = loadTarget(flags);
      const client = targetClient(kc, INSTALL_FIELD_MANAGER);
      const dryRun = flags.dryRun === true;
      const say = (line: string): void => ctx.io.out(`${line}\n`);
      try {
        say(`kubify install${dryRun ? ' (dry run)' : ''}: ${describeTarget(kc)}`);
        const inputs = await loadInstall(ctx.io, client, selectionOf(flags));
        for (const warning of inputs.warnings) ctx.io.err(`${warning}\n`);
        const outcomes = await applyInstall({ client, steps: inputs.steps, dryRun, onProgress: say });
        say(summary(outcomes, dryRun));
      } catch (error) {
        if (error instanceof InstallError) throw new CliError(`install failed: ${error.message}`);
        throw error;
      } finally {
        client.close();
      }
      if (flags.withPko) ctx.exit(await installPko(ctx.io, flags, dryRun, say));
    });

function selectionOf(flags: InstallFlags): InstallSelection {
  return {
    ...(flags.packs ? { packs: flags.packs } : {}),
    deploy: flags.deploy,
    ...(flags.image ? { image: flags.image } : {}),
  };
}

function summary(outcomes: readonly InstallOutcome[], dryRun: boolean): string {
  const count = (a: InstallOutcome['action']): number => outcomes.filter((o) => o.action === a).length;
  const parts = dryRun
    ? [`${count('created')} would be created`, `${count('configured')} would change`]
    : [`${count('created')} created`, `${count('configured')} configured`];
  return `${dryRun ? 'dry run, nothing written' : 'done'}: ${parts.join(', ')}, ${count('unchanged')} unchanged`;
}

async function installPko(
  io: Parameters<CommandFactory>[0]['io'],
  flags: InstallFlags,
  dryRun: boolean,
  say: (line: string) => void,
): Promise<ExitCode> {
  const target = {
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  };
  const command = pkoHelmCommand(target);
  if (dryRun) {
    say(`Pulumi Kubernetes Operator: would run\n  ${command}`);
    return ExitCode.ok;
  }
  const helm = findHelm(io);
  if (!helm) {
    io.err(
      'error: --with-pko needs helm on PATH (kubify does not vendor PKO: its CRDs are large and versioned with ' +
        `PKO, and Helm upgrades them).\nkubify itself is installed. Install helm, then run:\n  ${command}\n`,
    );
    return ExitCode.failed;
  }
  say(`installing the Pulumi Kubernetes Operator: ${command}`);
  const code = await runHelm(io, helm, pkoHelmArgs(target), (line) => say(`  helm: ${line}`));
  if (code !== 0) {
    io.err(`error: helm exited with code ${code}; kubify itself is installed\n`);
    return ExitCode.failed;
  }
  say('Pulumi Kubernetes Operator installed');
  return ExitCode.ok;
}
