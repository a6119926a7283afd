import { CommandGroup } from '../lib/group.ts';
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import type { CommandFactory } from '../command.ts';
import { CI_PROVIDERS, ciFiles } from '../lib/generators.ts';
import type { CiProvider } from '../lib/generators.ts';
import { writeGenerated } from '../lib/write-files.ts';

const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface CiOptions {
  provider: CiProvider;
  dir: string;
  claims: string;
  branch: string;
  out: string;
  force?: boolean;
  stdout?: boolean;
}

export const ciCommand: CommandFactory = (ctx) =>
  new CommandGroup('ci')
    .description('CI/CD pipelines that validate, diff and deploy with kubify.')
    .addCommand(
      new Command('init')
        .description(
          'Write a pipeline: kubify validate and kubify diff on every change, kubify deploy from the main branch.',
        )
        .addOption(
          new Option('--provider <name>', 'CI system').choices([...CI_PROVIDERS]).makeOptionMandatory(),
        )
        .option('--dir <path>', 'the package folder kubify deploy launches', '.')
        .option('--claims <file>', 'the claims file (from kubify init) to validate and diff', 'kubify.yaml')
        .option('--branch <name>', 'the branch that deploys', 'main')
        .option('--out <dir>', 'repository root to write into', '.')
        .option('--force', 'overwrite an existing pipeline file')
        .option('--stdout', 'print the file instead of writing it')
        .addHelpText(
          'after',
          `
Files: github -> .github/workflows/kubify.yaml, gitlab -> .gitlab-ci.yml, jenkins -> Jenkinsfile.
Each reads the target cluster's kubeconfig from a secret (named in the file's header comment).
Exit codes: 0 written, 1 the file exists (use --force), 2 usage error.

Examples:
  kubify ci init --provider github
  kubify ci init --provider gitlab --claims deploy/claims.yaml --branch release`,
        )
        .action((options: CiOptions) => {
          const files = ciFiles({
            provider: options.provider,
            dir: options.dir,
            claims: options.claims,
            version: VERSION,
            branch: options.branch,
          });
          if (options.stdout) for (const f of files) ctx.io.out(f.text);
          else
            for (const path of writeGenerated(ctx.io, options.out, files, options.force === true))
              ctx.io.err(`wrote ${path}\n`);
        }),
    );
