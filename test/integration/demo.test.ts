/**
 * `npm run demo`, the README's main job, as a user runs it: a child process that starts its own control
 * plane, installs kubify, runs the operator, applies examples/ and prints the tree. It must name every
 * example claim as Synced, exit 0 and leave no etcd or kube-apiserver behind.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../engine/kube/index.ts';
import { REPO_ROOT } from '../unit/cli/run-cli.ts';

function exampleClaims(): KubeObject[] {
  const dir = join(REPO_ROOT, 'examples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
    .filter((o) => o.kind !== 'Namespace');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', function () {
  this.timeout(300_000);
  let code: number | null;
  let stdout = '';

  before(async () => {
    const child = spawn('npm', ['run', '--silent', 'demo'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    code = await new Promise((resolve) => child.once('exit', resolve));
  });

  it('exits 0 after every example claim is Synced', () => {
    expect(code, stdout).to.equal(0);
    const claims = exampleClaims();
    expect(claims.length).to.be.greaterThan(1);
    expect(stdout).to.contain(`demo complete: ${claims.length} claims Synced`);
  });

  it('prints a tree naming every example claim and what it composed', () => {
    for (const claim of exampleClaims()) {
      const group = claim.apiVersion.split('/')[0] ?? '';
      const head = `${claim.kind}.${group} ${claim.metadata.namespace ?? ''}/${claim.metadata.name ?? ''}  Synced=True`;
      expect(stdout, head).to.contain(head);
      const block = stdout.slice(stdout.indexOf(head)).split('\n\n')[0] ?? '';
      expect(block.split('\n').filter((l) => /^ {2}[├└]─ \S+: /.test(l)).length, head).to.be.greaterThan(0);
    }
  });

  it('leaves no etcd or kube-apiserver process behind', () => {
    const match = /etcd pid (\d+), kube-apiserver pid (\d+)/.exec(stdout);
    expect(match, stdout).to.not.equal(null);
    const pids = [Number(match?.[1]), Number(match?.[2])];
    expect(pids.every((p) => p > 0)).to.equal(true);
    expect(pids.filter(alive)).to.deep.equal([]);
    expect(stdout).to.match(/stopped \(\d+\.\ds\)\n$/);
  });
});
