import { Command } from 'commander';
import { formatClaimsFile, formatDecision } from '../../analyze/claims/index.ts';
import type { CommandFactory } from '../command.ts';
import { ExitCode } from '../context.ts';
import { claimRenderProblems, planClaims, printAnalysisProblems } from '../lib/init-claims.ts';
import { prompterFor } from '../lib/init-prompt.ts';
import type { InteractiveIo } from '../lib/init-prompt.ts';
import { claimPackIndex, collect } from '../lib/init-source.ts';
import { claimsFilePath, writeInitFiles } from '../lib/init-write.ts';

interface InitOptions {
  out?: string;
  namespace?: string;
  registry?: string;
  image: string[];
  port: string[];
  yes?: boolean;
  force?: boolean;
}

export const initCommand: CommandFactory = (ctx) =>
  new Command('init')
    .description(
      'Analyse a package and write the kubify claims that launch it (an App per service, PostgreSQL/Redis for its data services, builds) to a file for review.',
    )
    .argument('<dir>', 'the folder that holds the package')
    .option('--out <file>', 'claims file to write ("-" for stdout)', undefined)
    .option('-n, --namespace <ns>', 'namespace written into the claims (default: none, the one applied in)')
    .option(
      '--registry <host/repo>',
      'registry built images are pushed to (default: $KUBIFY_REGISTRY, else asked or localhost:5000/<dir>)',
    )
    .option('--image <[service=]image>', 'run this image instead of building one (repeatable)', collect, [])
    .option(
      '--port <[service=]port|none>',
      'the port a service listens on, "none" for a worker (repeatable)',
      collect,
      [],
    )
    .option('-y, --yes', 'do not ask: take the defaults for what the analysis could not settle')
    .option('--force', 'overwrite the claims file and generated Dockerfiles')
    .addHelpText(
      'after',
      `
Writes <dir>/kubify.yaml (or --out): a header listing every decision with its evidence and every assumption,
then the claims. A package without a Dockerfile gets a generated one next to it (never over an existing
file). On a terminal it asks for a missing or uncertain port and for the registry; otherwise it uses the flags
and defaults and says what it assumed.

Exit codes: 0 written, 1 the analysis failed, a claim does not render, or the file exists (use --force),
2 usage error (the folder does not exist, a bad flag).

Examples:
  kubify init ./shop
  kubify init ./shop --registry ghcr.io/acme --port worker=none --yes --out - | less`,
    )
    .action(async (dir: string, options: InitOptions, command: Command) => {
      const style = ctx.style(command);
      const io = ctx.io as InteractiveIo;
      const prompter = prompterFor(io, options.yes === true);
      const plan = await planClaims(io, {
        dir,
        ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
        ...(options.registry !== undefined ? { registry: options.registry } : {}),
        images: options.image,
        ports: options.port,
        ...(prompter ? { prompter } : {}),
      }).finally(() => prompter?.close());
      printAnalysisProblems(io, style, plan.report);
      for (const e of plan.set.errors) io.err(`${style.red('error:')} ${e}\n`);
      if (plan.set.errors.length > 0) return ctx.exit(ExitCode.failed);
      const problems = claimRenderProblems(plan.set, await claimPackIndex(io), options.namespace);
      for (const p of problems) io.err(`${style.red('error:')} ${p}\n`);
      if (problems.length > 0) return ctx.exit(ExitCode.failed);
      const text = formatClaimsFile(plan.set, plan.dir.display);
      if (options.out === '-') {
        io.out(text);
      } else {
        const target = claimsFilePath(io, plan.dir, options.out);
        const result = writeInitFiles(io, plan.dir, plan.set, text, target, options.force === true);
        io.out(`wrote ${result.written.join(', ')} (${plan.set.claims.length} claims)\n`);
        for (const k of result.kept)
          io.err(`kept ${k}: a file is there (generated Dockerfile not written)\n`);
      }
      for (const d of plan.set.decisions.filter((x) => x.kind === 'assumed'))
        io.err(`${style.yellow('assumed:')} ${formatDecision(d)}\n`);
      if (options.out !== '-') io.out(`review it, then: kubify deploy ${plan.dir.display}\n`);
      ctx.exit(ExitCode.ok);
    });
