import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandPaths, generateCliDocs } from '../../../engine/cli/lib/cli-docs.ts';
import { REPO_ROOT } from './run-cli.ts';

describe('docs/cli.md', () => {
  it('equals what the generator produces from the command definitions (run `npm run docs:cli`)', async () => {
    const generated = await generateCliDocs();
    expect(
      readFileSync(join(REPO_ROOT, 'docs', 'cli.md'), 'utf8') === generated,
      'docs/cli.md is stale: run npm run docs:cli',
    ).to.equal(true);
  });

  it('documents every command and subcommand, hidden ones left out', async () => {
    const paths = commandPaths().map((p) => p.join(' '));
    expect(paths).to.include.members([
      'trace',
      'diff',
      'rollout start',
      'rollout abort',
      'logs',
      'audit',
      'ci init',
      'dev init',
      'completion',
      'plugin list',
      'pack add',
      'bootstrap up',
      'bootstrap status',
      'bootstrap down',
    ]);
    expect(paths).to.not.include('bootstrap serve');
    const docs = await generateCliDocs();
    for (const path of paths) expect(docs).to.contain(`Usage: kubify ${path} `);
  });
});
