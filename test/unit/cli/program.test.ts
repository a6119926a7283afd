import { expect } from 'chai';
import { main } from '../../../engine/cli/main.ts';
import { runKubify } from './run-cli.ts';

describe('kubify program', () => {
  it('prints help with every command and the exit codes, exit 0', async () => {
    const run = await runKubify(['--help']);
    expect(run.code).to.equal(0);
    for (const command of ['render', 'validate', 'crds'])
      expect(run.stdout).to.match(new RegExp(`\\n  ${command} `));
    expect(run.stdout).to.contain('Exit codes: 0 ok, 1 validation or render errors, 2 usage errors');
  });

  for (const command of ['render', 'validate', 'crds']) {
    it(`${command} --help shows examples, exit 0`, async () => {
      const run = await runKubify([command, '--help']);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.contain(`Usage: kubify ${command}`);
      expect(run.stdout).to.contain('Examples:');
      expect(run.stdout).to.contain(`  kubify ${command}`);
    });
  }

  it('prints the version', async () => {
    const run = await runKubify(['--version']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.match(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 on an unknown command', async () => {
    const run = await runKubify(['rendr']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("error: unknown command 'rendr'");
    expect(run.stderr).to.contain('(Did you mean render?)');
  });

  it('exits 2 on an unknown option', async () => {
    const run = await runKubify(['render', 'x.yaml', '--frobnicate']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("error: unknown option '--frobnicate'");
  });

  it('exits 2 on a missing argument', async () => {
    const run = await runKubify(['render']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain("error: missing required argument 'claim'");
  });

  it('exits 2 on a bad -o value', async () => {
    const run = await runKubify(['render', 'x.yaml', '-o', 'xml']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('Allowed choices are yaml, json');
  });

  it('exits 2 without a command and shows usage', async () => {
    const run = await runKubify([]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.contain('Usage: kubify');
  });

  it('main() takes process.argv and resolves to the exit code', async () => {
    const write = process.stdout.write.bind(process.stdout);
    let printed = '';
    process.stdout.write = (chunk: string) => {
      printed += chunk;
      return true;
    };
    try {
      expect(await main(['node', 'kubify', '--version'])).to.equal(0);
    } finally {
      process.stdout.write = write;
    }
    expect(printed).to.match(/^\d+\.\d+\.\d+\n$/);
  });
});
