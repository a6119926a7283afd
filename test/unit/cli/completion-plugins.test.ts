import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { workspace, type Workspace } from './fixtures.ts';
import { runKubify } from './run-cli.ts';

describe('kubify completion', () => {
  it('bash: a script bash accepts, completing commands, subcommands and flag choices', async () => {
    const run = await runKubify(['completion', 'bash']);
    expect(run.code).to.equal(0);
    expect(spawnSync('bash', ['-n'], { input: run.stdout }).status, 'bash -n').to.equal(0);
    const complete = (line: string): string[] => {
      const script = `${run.stdout}\nCOMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _kubify; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return spawnSync('bash', ['-c', script], { encoding: 'utf8' }).stdout.trim().split('\n');
    };
    expect(complete('kubify ro')).to.deep.equal(['rollout']);
    expect(complete("kubify rollout ''")).to.include.members([
      'start',
      'status',
      'pause',
      'resume',
      'promote',
      'abort',
      'hold',
    ]);
    expect(complete('kubify trace widget/w1 -o ""')).to.deep.equal(['table', 'wide', 'json', 'yaml', 'dot']);
    expect(complete('kubify rollout start --b')).to.deep.equal(['--batch-size']);
  });

  it('zsh and fish: scripts naming every command', async () => {
    const zsh = await runKubify(['completion', 'zsh']);
    expect(zsh.stdout.startsWith('#compdef kubify\n')).to.equal(true);
    expect(zsh.stdout).to.contain('"rollout") opts=(start status pause resume promote abort hold');
    const fish = await runKubify(['completion', 'fish']);
    expect(fish.stdout).to.contain("complete -c kubify -n '__fish_use_subcommand' -a trace -d ");
    expect(fish.stdout).to.contain(
      "complete -c kubify -n '__fish_seen_subcommand_from trace' -l output -s o -r -a 'table wide json yaml dot'",
    );
    expect((await runKubify(['completion', 'powershell'])).code).to.equal(2);
  });
});

describe('kubify plugins', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.remove());

  function plugin(dir: string, name: string, body: string): string {
    const path = ws.write(join(dir, `kubify-${name}`), `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('runs kubify-<name> from the PATH with the arguments passed through, and returns its exit code', async () => {
    plugin('bin', 'hello', 'echo "hello $*"; echo "to stderr" >&2; exit 3');
    const run = await runKubify(['hello', 'world', '--loud', '-n', 'x'], {
      env: { PATH: join(ws.dir, 'bin') },
    });
    expect(run).to.deep.equal({ code: 3, stdout: 'hello world --loud -n x\n', stderr: 'to stderr\n' });
  });

  it('lists plugins, the first on the PATH wins, and a built-in name is never run', async () => {
    const first = plugin('a', 'cost', 'echo a');
    const second = plugin('b', 'cost', 'echo b');
    const trace = plugin('a', 'trace', 'echo plugin');
    const env = { PATH: `${join(ws.dir, 'a')}:${join(ws.dir, 'b')}` };
    const list = await runKubify(['plugin', 'list'], { env });
    expect(list.stdout).to.equal(
      `cost\t${first}\n  warning: ${second} is shadowed by ${first}\ntrace\t${trace}  (ignored: a built-in command has this name)\n`,
    );
    expect((await runKubify(['cost'], { env })).stdout).to.equal('a\n');
    const builtin = await runKubify(['trace', '--help'], { env });
    expect(builtin.stdout).to.contain('Usage: kubify trace [options] <kind/name>');
    expect((await runKubify(['plugin', 'list'], { env: { PATH: '' } })).stderr).to.equal(
      'no kubify-<name> executables found on the PATH\n',
    );
  });
});
