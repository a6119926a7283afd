/**
 * `kubify deploy` / `kubify delete` against the real control plane, with the operator running in-process
 * and the App, Build, PostgreSQL and Redis packs installed. The control plane runs no controllers: the test
 * plays the Job controller (Kaniko finished) and the Deployment controller (replicas available) where
 * readiness needs it. Pods never run, so `Ready` for data services needs a real cluster.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  applyFile,
  installPack,
  startTestOperator,
  type TestOperator,
} from '../../support/operator.ts';
import { REPO_ROOT } from '../../unit/cli/run-cli.ts';
import { kubify } from './fixtures.ts';

const PACKAGES = path.join(REPO_ROOT, 'test/fixtures/packages');
const REGISTRY = 'registry.test:5000/kubify';

function labels(o: KubeObject | undefined): Record<string, string> {
  return o?.metadata.labels ?? {};
}

describe('kubify deploy and delete (real control plane, operator in-process)', function () {
  this.timeout(180_000);
  let client: KubeClient;
  let op: TestOperator;

  before(async () => {
    client = await adminClient();
    await applyFile(client, path.join(REPO_ROOT, 'test/fixtures/crds/postgresql.cnpg.io_clusters.yaml'));
    op = await startTestOperator();
    for (const pack of ['build', 'app', 'postgresql', 'redis'])
      await installPack(client, path.join(REPO_ROOT, 'compositions', pack));
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  const get = (
    apiVersion: string,
    kind: string,
    namespace: string,
    name: string,
  ): Promise<KubeObject | undefined> => client.find({ apiVersion, kind, namespace, name });
  const composed = (
    what: string,
    apiVersion: string,
    kind: string,
    ns: string,
    name: string,
  ): Promise<KubeObject> =>
    eventually(`${what} ${kind} ${name}`, () => get(apiVersion, kind, ns, name), 60_000);

  /** Plays the Job controller: the Kaniko Job of `build` completed (so the Build reports its image). */
  async function completeBuildJob(ns: string, build: string): Promise<KubeObject> {
    const job = await eventually(
      `Job of Build ${build}`,
      async () => {
        const jobs = await client.listAll({ apiVersion: 'batch/v1', kind: 'Job', namespace: ns });
        return jobs.items.find((j) => labels(j)['kubify.io/claim-name'] === build);
      },
      60_000,
    );
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const condition = (type: string): Record<string, string> => ({
      type,
      status: 'True',
      reason: 'Test',
      message: 'played by the test',
      lastTransitionTime: now,
      lastProbeTime: now,
    });
    await client.applyStatus(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: job.metadata.name ?? '', namespace: ns },
        status: {
          startTime: now,
          completionTime: now,
          succeeded: 1,
          conditions: [condition('SuccessCriteriaMet'), condition('Complete')],
        },
      },
      { fieldManager: 'job-controller' },
    );
    return job;
  }

  it('compose-multi: PostgreSQL, Redis (with its password), two built Apps; the Deployment waits for the image', async () => {
    const ns = await newNamespace('deploy-multi');
    const auditLog = path.join(mkdtempSync(path.join(tmpdir(), 'kubify-audit-')), 'audit.log');
    const run = await kubify(
      ['deploy', path.join(PACKAGES, 'compose-multi'), '-n', ns, '--registry', REGISTRY, '--timeout', '90s'],
      { KUBIFY_AUDIT_LOG: auditLog },
    );
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    // Every object the CLI wrote is in the audit log, attributed to the CLI's user.
    const audited = readFileSync(auditLog, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            source: string;
            action: string;
            actor: string;
            target: { kind: string; name: string };
          },
      );
    expect(audited.every((a) => a.source === 'cli' && a.actor === 'kubify-admin')).to.equal(true);
    expect(audited.map((a) => `${a.action} ${a.target.kind}/${a.target.name}`)).to.include.members([
      'Apply PostgreSQL/db',
      'Apply Redis/cache',
      'Apply App/web',
      'Apply App/worker',
    ]);
    expect(run.stdout).to.match(
      /applied PostgreSQL\/db\napplied Redis\/cache\napplied App\/web\napplied App\/worker\n/,
    );
    expect(run.stdout).to.contain('created Secret/cache-redis-auth');
    expect(run.stdout).to.match(/App\/web: Synced=True/);
    for (const [apiVersion, kind, name] of [
      ['data.kubify.io/v1alpha1', 'PostgreSQL', 'db'],
      ['data.kubify.io/v1alpha1', 'Redis', 'cache'],
      ['apps.kubify.io/v1alpha1', 'App', 'web'],
      ['apps.kubify.io/v1alpha1', 'App', 'worker'],
      ['v1', 'ConfigMap', 'web-context'],
      ['v1', 'Secret', 'cache-redis-auth'],
    ] as const) {
      expect(labels(await get(apiVersion, kind, ns, name))['kubify.io/source'], `${kind}/${name}`).to.equal(
        'compose-multi',
      );
    }
    const cluster = await composed('PostgreSQL', 'postgresql.cnpg.io/v1', 'Cluster', ns, 'db');
    expect(labels(cluster)).to.include({
      'app.kubernetes.io/managed-by': 'kubify',
      'kubify.io/claim-name': 'db',
    });
    expect((cluster.spec as { imageName?: string }).imageName).to.contain(':16');
    await composed('Redis', 'apps/v1', 'StatefulSet', ns, 'cache-server');
    await composed('Redis', 'v1', 'Service', ns, 'cache-redis');
    const build = await composed('App', 'apps.kubify.io/v1alpha1', 'Build', ns, 'web-build');
    expect((build.spec as { destination: string }).destination).to.match(
      new RegExp(`^${REGISTRY}/web:src-[0-9a-f]{12}$`),
    );
    await composed('App', 'v1', 'Service', ns, 'web');
    expect(await get('apps/v1', 'Deployment', ns, 'web-deployment'), 'no image yet: no Deployment').to.equal(
      undefined,
    );

    const job = await completeBuildJob(ns, 'web-build');
    const args =
      (job.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]
        ?.args ?? [];
    expect(args).to.include('--context=tar:///workspace/context.tar.gz');
    const deployment = await composed('App', 'apps/v1', 'Deployment', ns, 'web-deployment');
    const container = (
      deployment.spec as { template: { spec: { containers: { image: string; env: { name: string }[] }[] } } }
    ).template.spec.containers[0]!;
    expect(container.image).to.equal((build.spec as { destination: string }).destination);
    expect(container.env.map((e) => e.name)).to.include.members([
      'DATABASE_URL',
      'REDIS_URL',
      'REDIS_PASSWORD',
      'PORT',
    ]);
    expect(labels(deployment)).to.include({
      'kubify.io/claim-name': 'web',
      'kubify.io/claim-kind': 'App.apps.kubify.io',
    });

    // Deploying again keeps the Redis password (create-only) and changes nothing else.
    const before = await get('v1', 'Secret', ns, 'cache-redis-auth');
    const again = await kubify([
      'deploy',
      path.join(PACKAGES, 'compose-multi'),
      '-n',
      ns,
      '--registry',
      REGISTRY,
    ]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.not.contain('Secret/cache-redis-auth');
    expect((await get('v1', 'Secret', ns, 'cache-redis-auth'))?.data).to.deep.equal(before?.data);
  });

  it('python-fastapi: a generated Dockerfile travels in the build context; the package folder is untouched', async () => {
    const ns = await newNamespace('deploy-py');
    const run = await kubify([
      'deploy',
      path.join(PACKAGES, 'python-fastapi'),
      '-n',
      ns,
      '--registry',
      REGISTRY,
    ]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/build context of pricing-api: \d+ files, .*\(with a generated Dockerfile\)/);
    expect(run.stderr).to.contain('not handled: pricing-api: rabbitmq');
    const cm = await get('v1', 'ConfigMap', ns, 'pricing-api-context');
    const tar = gunzipSync(
      Buffer.from((cm?.binaryData as Record<string, string>)['context.tar.gz']!, 'base64'),
    ).toString('latin1');
    expect(tar).to.contain('Dockerfile\0');
    expect(tar).to.contain('# Generated by kubify');
    expect(tar).to.contain('pyproject.toml\0');
    await composed('PostgreSQL', 'postgresql.cnpg.io/v1', 'Cluster', ns, 'pricing-api-db');
    await composed('App', 'apps.kubify.io/v1alpha1', 'Build', ns, 'pricing-api-build');
    const { existsSync } = await import('node:fs');
    expect(existsSync(path.join(PACKAGES, 'python-fastapi', 'Dockerfile'))).to.equal(false);
  });

  it('dockerfile-app with --image: no build; --wait reports progress, then Ready and how to reach it; delete removes it', async () => {
    const ns = await newNamespace('deploy-img');
    const image = 'ghcr.io/acme/thumbnailer:1.0.0';
    const running = kubify([
      'deploy',
      path.join(PACKAGES, 'dockerfile-app'),
      '-n',
      ns,
      '--image',
      `thumbnailer=${image}`,
      '--wait',
      '--timeout',
      '120s',
    ]);
    // Play the Deployment controller once the operator has created it.
    const deployment = await composed('App', 'apps/v1', 'Deployment', ns, 'thumbnailer-deployment');
    expect(
      (deployment.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
        .containers[0]?.image,
    ).to.equal(image);
    await client.applyStatus(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'thumbnailer-deployment', namespace: ns },
        status: {
          observedGeneration: deployment.metadata.generation ?? 1,
          replicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          updatedReplicas: 1,
          conditions: [
            {
              type: 'Available',
              status: 'True',
              reason: 'MinimumReplicasAvailable',
              message: 'played by the test',
            },
          ],
        },
      },
      { fieldManager: 'deployment-controller' },
    );
    const run = await running;
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    // Progress: a line per change, first not Ready (the operator has not composed it yet), last Ready.
    const progress = run.stdout.split('\n').filter((l) => l.startsWith('  App/thumbnailer: '));
    expect(progress[0]).to.match(/Ready=(False|Unknown): /);
    expect(progress.at(-1)).to.equal('  App/thumbnailer: Synced=True Ready=True: ready');
    expect(run.stdout).to.contain(
      `thumbnailer: http://thumbnailer.${ns}.svc (Service thumbnailer, port 80 -> 8080)`,
    );
    expect(await get('v1', 'ConfigMap', ns, 'thumbnailer-context')).to.equal(undefined);

    const del = await kubify(['delete', path.join(PACKAGES, 'dockerfile-app'), '-n', ns, '--timeout', '60s']);
    expect(del.code, del.stderr).to.equal(0);
    expect(del.stdout).to.contain('deleted App/thumbnailer');
    expect(await get('apps.kubify.io/v1alpha1', 'App', ns, 'thumbnailer')).to.equal(undefined);
    expect(await get('apps/v1', 'Deployment', ns, 'thumbnailer-deployment')).to.equal(undefined);
  });

  it('bad inputs apply nothing: a broken Compose file, an empty folder, a missing folder, a build without registry', async () => {
    const ns = await newNamespace('deploy-bad');
    const broken = await kubify([
      'deploy',
      path.join(PACKAGES, 'compose-broken'),
      '-n',
      ns,
      '--registry',
      REGISTRY,
    ]);
    expect(broken.code).to.equal(1);
    expect(broken.stderr).to.match(/compose-broken\/compose\.yaml:8:1: invalid YAML/);
    expect(broken.stderr).to.contain('nothing applied');
    const empty = await kubify([
      'deploy',
      mkdtempSync(path.join(tmpdir(), 'kubify-empty-')),
      '-n',
      ns,
      '--registry',
      REGISTRY,
    ]);
    expect(empty.code).to.equal(1);
    expect(empty.stderr).to.contain('the directory is empty');
    const missing = await kubify(['deploy', path.join(PACKAGES, 'no-such-package'), '-n', ns]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('no such directory');
    const noRegistry = await kubify(['deploy', path.join(PACKAGES, 'node-express'), '-n', ns]);
    expect(noRegistry.code).to.equal(2);
    expect(noRegistry.stderr).to.contain('--registry');
    const noNamespace = await kubify([
      'deploy',
      path.join(PACKAGES, 'compose-multi'),
      '-n',
      `${ns}-missing`,
      '--registry',
      REGISTRY,
    ]);
    expect(noNamespace.code).to.equal(1);
    expect(noNamespace.stderr).to.match(/error: Secret\/cache-redis-auth: .*not found/);
    expect(noNamespace.stderr).to.contain('nothing applied');
    for (const [apiVersion, kind] of [
      ['apps.kubify.io/v1alpha1', 'App'],
      ['data.kubify.io/v1alpha1', 'PostgreSQL'],
      ['data.kubify.io/v1alpha1', 'Redis'],
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
    ] as const) {
      const list = await client.listAll({
        apiVersion,
        kind,
        namespace: ns,
        labelSelector: 'kubify.io/source',
      });
      expect(
        list.items.map((o) => o.metadata.name),
        kind,
      ).to.deep.equal([]);
    }
  });
});
