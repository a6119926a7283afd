/**
 * `kubify install` against a real control plane of its own (a fresh cluster, so "nothing installed yet"
 * and "nothing changed" are exact): dry run writes nothing, install applies everything in order, a second
 * run changes nothing, failures name the object, `--with-pko` runs helm with kubify's values.
 */
import { expect } from 'chai';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { processIo } from '../../../engine/cli/context.ts';
import { loadInstall } from '../../../engine/cli/lib/install.ts';
import { startControlPlane, type ControlPlane } from '../../../engine/controlplane/index.ts';
import {
  createKubeClient,
  loadKubeConfig,
  NoMatchError,
  silentLogger,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
} from '../../../engine/kube/index.ts';
import { REPO_ROOT, runKubify } from '../../unit/cli/run-cli.ts';

const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  name: o.metadata.name ?? '',
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
});
const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  namespace: 'kubify-system',
  name: 'kubify-operator',
};

const WEBHOOK_CONFIG = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingWebhookConfiguration',
};

describe('kubify install', function () {
  this.timeout(120_000);
  let cp: ControlPlane;
  let client: KubeClient;
  let planned: KubeObject[];
  let tmp: string;
  const kubify = (...args: string[]): ReturnType<typeof runKubify> =>
    runKubify([...args, '--kubeconfig', cp.kubeconfigPath]);

  /** resourceVersion of every planned object (`absent` when it does not exist). */
  async function versions(): Promise<Record<string, string>> {
    await client.mapper.refresh();
    const out: Record<string, string> = {};
    for (const o of planned) {
      const got = await client.find(refOf(o)).catch((error: unknown) => {
        if (error instanceof NoMatchError) return undefined; // its CRD is not installed
        throw error;
      });
      out[`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`] =
        got?.metadata.resourceVersion ?? 'absent';
    }
    return out;
  }

  before(async () => {
    cp = await startControlPlane();
    client = createKubeClient({
      kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
      logger: silentLogger,
    });
    const inputs = await loadInstall({ ...processIo(), cwd: REPO_ROOT, env: {} }, client, {});
    planned = inputs.steps.flatMap((s) => s.objects);
    tmp = mkdtempSync(join(tmpdir(), 'kubify-install-'));
  });
  after(async () => {
    client?.close();
    await cp?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('--dry-run on a fresh cluster says what it would create and writes nothing', async () => {
    const run = await kubify('install', '--dry-run');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('would create CustomResourceDefinition compositions.kubify.io\n');
    expect(run.stdout).to.contain(
      'would create Composition rayservice (not validated: its CRD is created by this install)',
    );
    expect(run.stdout).to.contain('would create Namespace kubify-system\n');
    expect(run.stdout).to.contain('would create ClusterRole kubify\n');
    expect(run.stdout).to.match(
      /dry run, nothing written: \d+ would be created, 0 would change, 0 unchanged/,
    );
    expect(Object.values(await versions())).to.deep.equal(planned.map(() => 'absent'));
  });

  it('applies CRDs, Compositions, then deploy/ with generated RBAC, with field manager kubify-install', async () => {
    const run = await kubify('install');
    expect(run.code, run.stderr).to.equal(0);
    const order = ['applying kubify CRDs', 'CRDs established', 'applying compositions', 'applying deploy/'];
    const at = order.map((line) => run.stdout.indexOf(line));
    expect(
      at.every((i) => i >= 0) && at.every((i, n) => n === 0 || i > (at[n - 1] ?? 0)),
      run.stdout,
    ).to.equal(true);
    expect(run.stdout).to.match(new RegExp(`done: ${planned.length} created, 0 configured, 0 unchanged`));
    await client.mapper.refresh();
    for (const o of planned) {
      const got = await client.get(refOf(o));
      expect(
        got.metadata.managedFields?.map((m) => m.manager),
        `${o.kind} ${o.metadata.name}`,
      ).to.include('kubify-install');
    }
    const role = await client.get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      name: 'kubify',
    });
    expect(JSON.stringify(role)).to.contain('rayservices.ml.kubify.io').and.not.contain('"*"');
    const vwc = (await client.get({ ...WEBHOOK_CONFIG, name: 'kubify' })) as unknown as {
      webhooks: { failurePolicy: string; clientConfig: { service?: { name: string; namespace: string } } }[];
    };
    expect(vwc.webhooks.map((w) => w.failurePolicy)).to.deep.equal(['Ignore']);
    expect(vwc.webhooks[0]?.clientConfig.service).to.include({
      name: 'kubify-webhook',
      namespace: 'kubify-system',
    });
  });

  it('a second run changes nothing: every resourceVersion stays the same', async () => {
    const before = await versions();
    const run = await kubify('install');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(`done: 0 created, 0 configured, ${planned.length} unchanged`);
    expect(await versions()).to.deep.equal(before);
  });

  it('keeps the CA bundle the operator published in the webhook configuration', async () => {
    // What the operator does (engine/controller/webhook/certificates.ts): a JSON patch of caBundle.
    const caBundle = Buffer.from('-----BEGIN CERTIFICATE-----\nnot checked here\n').toString('base64');
    await client.patch(
      { ...WEBHOOK_CONFIG, name: 'kubify' },
      [{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: caBundle }],
      { type: 'json' },
    );
    const run = await kubify('install');
    expect(run.code, run.stderr).to.equal(0);
    const vwc = (await client.get({ ...WEBHOOK_CONFIG, name: 'kubify' })) as unknown as {
      webhooks: { clientConfig: { caBundle?: string } }[];
    };
    expect(vwc.webhooks[0]?.clientConfig.caBundle).to.equal(caBundle);
  });

  it('--dry-run reports a change with its path and writes nothing', async () => {
    const before = await versions();
    const run = await kubify('install', '--dry-run', '--image', 'registry.example.com/kubify:next');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain(
      'would configure Deployment kubify-system/kubify-operator: spec.template.spec.containers[0].image',
    );
    expect(run.stdout).to.contain('0 would be created, 1 would change');
    expect(await versions()).to.deep.equal(before);
    const deployment = await client.get(DEPLOYMENT);
    expect(JSON.stringify(deployment.spec)).not.to.contain('registry.example.com');
  });

  it('installing fewer packs keeps RBAC for the Compositions already in the cluster', async () => {
    const run = await kubify('install', '--packs', 'rayservice');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('unchanged ClusterRole kubify\n');
    const role = await client.get({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      name: 'kubify',
    });
    expect(JSON.stringify(role)).to.contain('kubecosts.cost.kubify.io');
  });

  it('fails naming the object it could not apply (exit 1)', async () => {
    const kubeconfig = join(tmp, 'nobody.kubeconfig');
    writeFileSync(kubeconfig, cp.kubeconfigAs('system:serviceaccount:nowhere:nobody'));
    const crdsOnly = await runKubify(['install', '--no-deploy', '--kubeconfig', kubeconfig]);
    expect(crdsOnly.code).to.equal(1);
    expect(crdsOnly.stderr).to.match(
      /^error: install failed: CustomResourceDefinition compositionrevisions\.kubify\.io: .*forbidden/m,
    );
    const all = await runKubify(['install', '--kubeconfig', kubeconfig]);
    expect(all.code).to.equal(1);
    expect(all.stderr).to.match(
      /^error: install failed: listing the Compositions in the cluster .*forbidden/m,
    );
  });

  it('rejects an unknown pack name (exit 2)', async () => {
    const run = await kubify('install', '--packs', 'nope');
    expect(run.code).to.equal(2);
    expect(run.stderr).to.match(/unknown pack "nope": give a pack folder or one of .*rayservice/);
  });

  it('--print writes the same objects as one YAML stream in apply order, without a cluster', async () => {
    const run = await runKubify([
      'install',
      '--print',
      '--packs',
      'rayservice',
      '--image',
      'example.com/k:1',
    ]);
    expect(run.code, run.stderr).to.equal(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as KubeObject);
    expect(docs.map((d) => d.kind).slice(0, 6)).to.deep.equal([
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Composition',
      'Namespace',
      'ClusterRole',
    ]);
    expect(docs.filter((d) => d.kind === 'Composition').map((d) => d.metadata.name)).to.deep.equal([
      'rayservice',
    ]);
    expect(JSON.stringify(docs.find((d) => d.kind === 'Deployment'))).to.contain('"image":"example.com/k:1"');
  });

  it('--with-pko runs helm upgrade --install with deploy/pko-values.yaml', async () => {
    const bin = join(tmp, 'bin');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'helm'),
      `#!/bin/sh\necho "$@" > '${join(tmp, 'helm-args')}'\necho 'STATUS: deployed'\n`,
    );
    chmodSync(join(bin, 'helm'), 0o755);
    const run = await runKubify(['install', '--with-pko', '--kubeconfig', cp.kubeconfigPath], {
      env: { PATH: bin },
    });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.contain('helm: STATUS: deployed');
    expect(readFileSync(join(tmp, 'helm-args'), 'utf8').trim()).to.equal(
      [
        'upgrade --install pulumi-kubernetes-operator oci://ghcr.io/pulumi/helm-charts/pulumi-kubernetes-operator',
        '--version 2.3.0 --namespace pulumi-kubernetes-operator --create-namespace',
        `--values ${join(REPO_ROOT, 'deploy', 'pko-values.yaml')} --wait --kubeconfig ${cp.kubeconfigPath}`,
      ].join(' '),
    );
  });

  it('--with-pko without helm installs kubify, prints the helm command and exits 1', async () => {
    const run = await runKubify(['install', '--with-pko', '--kubeconfig', cp.kubeconfigPath], {
      env: { PATH: join(tmp, 'empty') },
    });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain('done: 0 created');
    expect(run.stderr).to.contain('--with-pko needs helm on PATH');
    expect(run.stderr).to.contain('helm upgrade --install pulumi-kubernetes-operator');
  });
});
