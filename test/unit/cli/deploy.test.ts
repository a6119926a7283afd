/** `kubify deploy` before the cluster: build contexts, the plan, progress lines (the cluster part: test/integration/cli/deploy.test.ts). */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CliIo } from '../../../engine/cli/context.ts';
import { UsageError } from '../../../engine/cli/context.ts';
import { MAX_CONTEXT_BYTES, dockerignore, shipContext } from '../../../engine/cli/lib/deploy-context.ts';
import { planDeploy } from '../../../engine/cli/lib/deploy-plan.ts';
import { parseTimeout } from '../../../engine/cli/lib/deploy-run.ts';
import { claimState } from '../../../engine/cli/lib/deploy-wait.ts';
import type { KubeObject } from '../../../engine/kube/index.ts';
import { claimPacks } from '../analyze/claims-support.ts';
import { REPO_ROOT } from './run-cli.ts';

const io: CliIo = {
  out: () => undefined,
  err: () => undefined,
  env: {},
  cwd: REPO_ROOT,
  colorCapable: false,
  now: () => new Date(0),
};
const plan = (contextDir: string, extra = {}) => ({
  service: 's',
  app: 's',
  contextDir,
  dockerfile: 'Dockerfile',
  configMap: 's-context',
  ...extra,
});

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kubify-ctx-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe('kubify deploy: plan and build contexts', () => {
  it('parses --timeout durations', () => {
    expect([parseTimeout('90s'), parseTimeout('5m'), parseTimeout('1h'), parseTimeout('30')]).to.deep.equal([
      90_000, 300_000, 3_600_000, 30_000,
    ]);
    expect(() => parseTimeout('soon')).to.throw(UsageError, /--timeout soon/);
  });

  it('.dockerignore patterns: globs, directories, negation', () => {
    const ignored = dockerignore('# c\n*.log\nbuild/\n**/*.tmp\n!keep.log\n');
    expect(
      ['a.log', 'build/x.js', 'deep/er/x.tmp', 'src/a.js', 'keep.log', 'sub/a.log'].map(ignored),
    ).to.deep.equal([true, true, true, false, false, false]);
  });

  it('ships the context folder without VCS, dependencies, private env files or ignored files; same files, same digest', () => {
    const root = tree({
      'svc/package.json': '{}',
      'svc/src/index.js': 'x',
      'svc/.env': 'SECRET=1',
      'svc/.env.example': 'SECRET=',
      'svc/node_modules/m/i.js': 'm',
      'svc/debug.log': 'l',
      'svc/.dockerignore': '*.log\n',
      'other/x': 'not in the context',
    });
    const one = shipContext(
      root,
      plan('svc', { generated: { service: 's', path: 'svc/Dockerfile', content: 'FROM scratch\n' } }),
    );
    const names = [
      ...gunzipSync(one.bytes)
        .toString('latin1')
        .matchAll(/([\w./-]+)\0/g),
    ].map((m) => m[1]);
    expect(names).to.include.members([
      'package.json',
      'src/index.js',
      '.env.example',
      'Dockerfile',
      '.dockerignore',
    ]);
    expect(names).to.not.include.members(['.env', 'debug.log', 'node_modules/m/i.js', 'x']);
    expect(one.files).to.equal(5);
    expect(
      shipContext(
        root,
        plan('svc', { generated: { service: 's', path: 'svc/Dockerfile', content: 'FROM scratch\n' } }),
      ).digest,
    ).to.equal(one.digest);
    writeFileSync(path.join(root, 'svc/src/index.js'), 'y');
    expect(shipContext(root, plan('svc')).digest).to.not.equal(one.digest);
  });

  it('refuses a context too large for a ConfigMap, naming the app and the way out', () => {
    // Incompressible and deterministic: a sha256 chain.
    const blocks: Buffer[] = [];
    let block = Buffer.from('seed');
    for (let n = 0; n * 32 < MAX_CONTEXT_BYTES + 1024; n++)
      blocks.push((block = createHash('sha256').update(block).digest()));
    const random = Buffer.concat(blocks);
    const root = tree({ 'big.bin': random, Dockerfile: 'FROM scratch\n' });
    expect(() => shipContext(root, plan('.'))).to.throw(
      /build context of s \(\.\) is \d+ KiB .* --image s=<image>/,
    );
  });

  it('plans claims tagged by context digest, Secrets with fresh values, and requires a registry to build', async () => {
    const packs = await claimPacks();
    const dir = 'test/fixtures/packages/node-express';
    const p = await planDeploy(io, { dir, namespace: 'dev', registry: 'reg.example.com/k' }, packs, (n) =>
      'ab'.repeat(n),
    );
    expect(p.errors).to.deep.equal([]);
    expect(p.claims.map((c) => `${c.kind}/${c.metadata.name}`)).to.deep.equal([
      'PostgreSQL/todo-api-db',
      'Redis/todo-api-cache',
      'App/todo-api',
    ]);
    const build = p.claims[2]?.spec.build as { destination: string };
    expect(build.destination).to.equal(
      `reg.example.com/k/todo-api:src-${p.contexts[0]!.digest.slice(0, 12)}`,
    );
    expect(p.secrets).to.deep.equal([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'todo-api-cache-redis-auth',
          namespace: 'dev',
          labels: { 'kubify.io/source': 'node-express', 'app.kubernetes.io/managed-by': 'kubify' },
        },
        type: 'Opaque',
        stringData: { password: 'ab'.repeat(24) },
      },
    ]);
    expect((p.configMaps[0]?.metadata as { name: string }).name).to.equal('todo-api-context');
    let thrown: unknown;
    await planDeploy(io, { dir, namespace: 'dev' }, packs).catch((e: unknown) => (thrown = e));
    expect(thrown).to.be.instanceOf(UsageError);
    expect((thrown as Error).message).to.contain('todo-api: no image, so kubify builds one with Kaniko');
    const withImage = await planDeploy(io, { dir, namespace: 'dev', images: ['ghcr.io/a/t:1'] }, packs);
    expect([withImage.errors, withImage.contexts, withImage.configMaps]).to.deep.equal([[], [], []]);
  });

  it('progress lines say what a claim waits for, from its conditions', () => {
    const ref = { apiVersion: 'apps.kubify.io/v1alpha1', kind: 'App', name: 'web', namespace: 'dev' };
    const claim = (conditions: unknown[]): KubeObject => ({
      apiVersion: ref.apiVersion,
      kind: 'App',
      metadata: { name: 'web' },
      status: { conditions },
    });
    expect(claimState(ref, undefined).line).to.equal('App/web: not found');
    expect(claimState(ref, claim([])).line).to.equal(
      'App/web: Synced=Unknown Ready=Unknown: waiting for the operator to pick it up',
    );
    const waiting = claimState(
      ref,
      claim([
        { type: 'Synced', status: 'True', reason: 'Applied' },
        {
          type: 'Ready',
          status: 'False',
          reason: 'Waiting',
          message: 'deployment (Deployment web-deployment): condition Available is not True',
        },
      ]),
    );
    expect(waiting).to.deep.equal({
      line: 'App/web: Synced=True Ready=False: Waiting: deployment (Deployment web-deployment): condition Available is not True',
      synced: true,
      ready: false,
    });
    expect(
      claimState(
        ref,
        claim([
          { type: 'Synced', status: 'True' },
          { type: 'Ready', status: 'True' },
        ]),
      ).ready,
    ).to.equal(true);
  });
});
