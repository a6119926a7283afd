import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { processIo } from '../../../engine/cli/context.ts';
import { listPacks } from '../../../engine/cli/lib/packs.ts';
import { compilePacks, rbacFile } from '../../../engine/cli/lib/rbac.ts';
import { REPO_ROOT, runKubify } from './run-cli.ts';

const CHECKED_IN = join(REPO_ROOT, 'deploy', 'rbac.yaml');

describe('kubify rbac', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'kubify-rbac-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('deploy/rbac.yaml equals what the generator produces for the shipped packs (run `kubify rbac --out deploy/rbac.yaml`)', async () => {
    const io = { ...processIo(), cwd: REPO_ROOT, env: {} };
    const { compiled } = await compilePacks(io, listPacks(io));
    const expected = rbacFile(compiled);
    expect(expected.problems).to.deep.equal([]);
    expect(readFileSync(CHECKED_IN, 'utf8')).to.equal(expected.text);
  });

  it('writes the same file with --out, naming every composition in its header', async () => {
    const run = await runKubify(['rbac', '--out', join(out, 'rbac.yaml')]);
    expect(run.code, run.stderr).to.equal(0);
    const text = readFileSync(join(out, 'rbac.yaml'), 'utf8');
    expect(text).to.equal(readFileSync(CHECKED_IN, 'utf8'));
    expect(text).to.match(/^# Compositions: .*\brayservice\b.*$/m);
    expect(run.stderr).to.contain(`wrote ${join(out, 'rbac.yaml')}`);
  });

  it('prints a YAML stream of ClusterRole, ClusterRoleBinding, Role and RoleBinding', async () => {
    const run = await runKubify(['rbac', 'compositions/rayservice']);
    expect(run.code, run.stderr).to.equal(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; rules?: unknown[] });
    expect(docs.map((d) => d.kind)).to.deep.equal([
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
    ]);
    expect(run.stdout).to.contain('# Compositions: rayservice\n');
    expect(run.stdout).to.contain('- rayservices.ml.kubify.io');
    expect(run.stdout).not.to.contain('kubecosts');
  });

  it('skips a pack that does not compile with a warning', async () => {
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(out, 'broken'));
    writeFileSync(
      join(out, 'broken', 'composition.yaml'),
      'apiVersion: kubify.io/v1alpha1\nkind: Composition\n',
    );
    const run = await runKubify(['rbac', 'compositions/rayservice', join(out, 'broken')]);
    expect(run.code).to.equal(0);
    expect(run.stderr).to.match(/warning: skipping pack .*broken: it does not compile/);
    expect(run.stdout).to.contain('# Compositions: rayservice\n');
  });

  it('fails with exit 2 for a pack that does not exist', async () => {
    const run = await runKubify(['rbac', 'compositions/nope']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal('error: composition not found: compositions/nope\n');
  });
});
