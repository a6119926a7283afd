/**
 * test/run.sh, the README's test command: its stages (unit + integration mocha, then the fault suite)
 * add up into the one closing line CI reads, and `run.sh FILE...` runs only those files. Run on a
 * sandbox copy of the runner with stub test files, so no control plane is involved.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const passing = (name: string): string => `describe('${name}', () => { it('passes', () => {}); });\n`;
const failing = (name: string): string =>
  `describe('${name}', () => { it('passes', () => {}); it('fails', () => { throw new Error('boom'); }); });\n`;

function sandbox(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubify-runsh-'));
  mkdirSync(join(dir, 'test', 'support'), { recursive: true });
  cpSync(join(REPO, 'test', 'run.sh'), join(dir, 'test', 'run.sh'));
  for (const f of ['reporter.cjs', 'junit-counts.mjs']) {
    cpSync(join(REPO, 'test', 'support', f), join(dir, 'test', 'support', f));
  }
  // No global teardown here: the stubs start no control plane.
  writeFileSync(join(dir, 'test', 'support', 'hooks.ts'), 'export {};\n');
  cpSync(join(REPO, '.mocharc.json'), join(dir, '.mocharc.json'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
  // Other test runs on this machine start and stop control planes at any time: run.sh's leftover
  // check must see none of them here, so its pgrep finds nothing.
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'bin', 'pgrep'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function runSh(dir: string, args: string[] = []): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [join(dir, 'test', 'run.sh'), ...args],
      {
        cwd: dir,
        timeout: 120_000,
        env: { ...process.env, PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` },
      },
      (err, stdout) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout });
      },
    );
  });
}

const closingLine = (stdout: string): string => stdout.trim().split('\n').at(-1) ?? '';

describe('test/run.sh stages', function () {
  this.timeout(180_000);
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('adds the fault suite into the closing line and fails the run when a fault test fails', async () => {
    const dir = sandbox({
      'test/unit/a.test.ts': passing('unit a'),
      'test/integration/b.test.ts': passing('integration b'),
      'test/faults/crash/c.test.ts': failing('faults c'),
    });
    dirs.push(dir);
    const { code, stdout } = await runSh(dir);
    expect(stdout).to.contain('== fault suite');
    expect(closingLine(stdout)).to.equal('3 passed, 1 failed');
    expect(code).to.equal(1);
  });

  it('passes when every stage passes, and runs without a fault suite too', async () => {
    const withFaults = sandbox({
      'test/unit/a.test.ts': passing('unit a'),
      'test/faults/d.test.ts': passing('faults d'),
    });
    const without = sandbox({ 'test/unit/a.test.ts': passing('unit a') });
    dirs.push(withFaults, without);
    const a = await runSh(withFaults);
    expect([a.code, closingLine(a.stdout)]).to.deep.equal([0, '2 passed, 0 failed']);
    const b = await runSh(without);
    expect(b.stdout).not.to.contain('== fault suite');
    expect([b.code, closingLine(b.stdout)]).to.deep.equal([0, '1 passed, 0 failed']);
  });

  it('runs only the files it is given', async () => {
    const dir = sandbox({
      'test/unit/a.test.ts': passing('unit a'),
      'test/unit/e.test.ts': failing('unit e'),
      'test/faults/f.test.ts': failing('faults f'),
    });
    dirs.push(dir);
    const { code, stdout } = await runSh(dir, ['test/unit/a.test.ts']);
    expect(stdout).not.to.contain('== fault suite');
    expect([code, closingLine(stdout)]).to.deep.equal([0, '1 passed, 0 failed']);
  });
});
