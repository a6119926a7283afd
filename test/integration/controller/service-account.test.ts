/**
 * The operator runs under the identity of deploy/'s service account (impersonated) with exactly the
 * checked-in deploy/rbac.yaml, and its rules suffice: Compositions become Ready, claims converge, deletion
 * works, and not one request is Forbidden. Without the binding, the same operator is refused.
 * Runs on its own control plane: nothing another suite leaves behind can add kinds to serve.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { kubifyCrds } from '../../../engine/api/kubify-crds.ts';
import { applyInstall } from '../../../engine/controller/install.ts';
import { silentLogger } from '../../../engine/controller/logger.ts';
import { startOperator, type Operator } from '../../../engine/controller/operator.ts';
import { startControlPlane, type ControlPlane } from '../../../engine/controlplane/index.ts';
import {
  createKubeClient,
  loadKubeConfig,
  silentLogger as quiet,
  type KubeClient,
  type KubeObject,
} from '../../../engine/kube/index.ts';
import { eventually } from '../../support/http.ts';
import { apiRequests, installPack } from '../../support/operator.ts';
import { VWC, webhookConfiguration } from '../../support/webhook.ts';
import { REPO_ROOT } from '../../unit/cli/run-cli.ts';

const SA_USER = 'system:serviceaccount:kubify-system:kubify';
const yamlObjects = (file: string): KubeObject[] =>
  parseAllDocuments(readFileSync(join(REPO_ROOT, file), 'utf8'))
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);

async function writesOf(registry: Registry): Promise<number> {
  const metric = await registry.getSingleMetric('kubify_apply_total')?.get();
  return (metric?.values ?? []).reduce((n, v) => n + v.value, 0);
}

const conditionOf = (
  o: KubeObject | undefined,
  type: string,
): { status?: string; message?: string } | undefined =>
  (
    (o?.status as { conditions?: { type: string; status: string; message: string }[] } | undefined)
      ?.conditions ?? []
  ).find((c) => c.type === type);

function operatorAs(
  cp: ControlPlane,
  user: string,
  registry: Registry,
  leaderElect: boolean,
): Promise<Operator> {
  const kubeConfig = loadKubeConfig({ kubeconfig: cp.kubeconfigPath });
  kubeConfig.loadFromString(cp.kubeconfigAs(user));
  return startOperator({
    kubeConfig,
    namespace: 'kubify-system',
    leaderElect,
    leaseDurationMs: 4_000,
    artifactBindAddress: '127.0.0.1:0',
    // The admission webhook with its self-managed certificate (Secret) and CA bundle (configuration).
    webhook: { bindAddress: '127.0.0.1:0', refreshMs: 1000 },
    workers: 2,
    resyncMs: 0,
    registry,
    logger: silentLogger,
    auditWrite: () => undefined,
  });
}

describe('operator under the deploy/ service account (deploy/rbac.yaml)', function () {
  this.timeout(180_000);
  let cp: ControlPlane;
  let admin: KubeClient;
  let operator: Operator | undefined;
  const registry = new Registry();

  before(async () => {
    cp = await startControlPlane();
    admin = createKubeClient({
      kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
      logger: quiet,
    });
    const serviceAccount = yamlObjects('deploy/operator.yaml').filter((o) => o.kind === 'ServiceAccount');
    expect(serviceAccount.map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).to.deep.equal([
      'kubify-system/kubify',
    ]);
    const fixtures = ['ray.io_rayservices.yaml', 'pulumi.com_stacks.yaml'].map(
      (f) => parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'crds', f), 'utf8')) as KubeObject,
    );
    await applyInstall({
      client: admin,
      steps: [
        { title: 'CRDs', objects: [...(kubifyCrds() as unknown as KubeObject[]), ...fixtures] },
        {
          title: 'deploy/',
          objects: [
            ...yamlObjects('deploy/namespace.yaml'),
            ...yamlObjects('deploy/rbac.yaml'),
            ...serviceAccount,
          ],
        },
        {
          title: 'claim namespace',
          objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }],
        },
      ],
    });
    operator = await operatorAs(cp, SA_USER, registry, true);
    // deploy/webhook.yaml's configuration, reaching this in-process operator by URL instead of the Service.
    const port = operator.ports.webhook;
    if (port === undefined) throw new Error('the operator serves no webhook');
    await admin.apply(webhookConfiguration('kubify', port));
  });

  after(async () => {
    await operator?.stop();
    admin?.close();
    await cp?.stop();
  });

  it('takes the leader-election Lease with the Role in its namespace', async () => {
    await eventually('the operator to lead', () => (operator?.isLeader() ? true : undefined), 30_000);
    const lease = await admin.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: 'kubify-system',
      name: 'kubify-operator',
    });
    expect((lease.spec as { holderIdentity?: string }).holderIdentity)
      .to.be.a('string')
      .and.not.equal('');
  });

  it('serves the admission webhook: its certificate Secret and the CA bundle of the configuration kubify', async () => {
    const secret = await eventually('the webhook certificate Secret', () =>
      admin.find({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: 'kubify-system',
        name: 'kubify-webhook-cert',
      }),
    );
    const ca = (secret as { data?: Record<string, string> }).data?.['ca.crt'];
    expect(ca).to.be.a('string');
    await eventually('the CA bundle in the configuration', async () => {
      const vwc = await admin.get({ ...VWC, name: 'kubify' });
      const hooks = (vwc as { webhooks?: { clientConfig?: { caBundle?: string } }[] }).webhooks ?? [];
      return hooks[0]?.clientConfig?.caBundle === ca;
    });
  });

  it('serves packs: Compositions become Ready and their claim CRDs are created', async () => {
    await installPack(admin, join(REPO_ROOT, 'compositions', 'rayservice'));
    await installPack(admin, join(REPO_ROOT, 'compositions', 'kubecost'));
    const crd = await admin.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'kubecosts.cost.kubify.io',
    });
    expect(crd.metadata.managedFields?.map((m) => m.manager)).to.include('kubify');
  });

  it('converges a RayService and a Kubecost claim to Synced=True', async () => {
    const claims = ['rayservice/examples/minimal.yaml', 'kubecost/examples/bundled.yaml'].map((f) => {
      const claim = parse(readFileSync(join(REPO_ROOT, 'compositions', f), 'utf8')) as KubeObject;
      return { ...claim, metadata: { name: claim.metadata.name ?? '', namespace: 'team' } };
    });
    for (const claim of claims) await admin.apply(claim);
    for (const claim of claims) {
      const ref = {
        apiVersion: claim.apiVersion,
        kind: claim.kind,
        namespace: 'team',
        name: claim.metadata.name ?? '',
      };
      const synced = await eventually(
        `${claim.kind} to be Synced`,
        async () => {
          const c = conditionOf(await admin.find(ref), 'Synced');
          return c?.status === 'True' ? c : undefined;
        },
        60_000,
      );
      expect(synced.status).to.equal('True');
    }
    // the Stack waits for its ProgramSource to be Ready (status written by the operator's controller)
    const stack = await eventually('the Stack', () =>
      admin.find({ apiVersion: 'pulumi.com/v1', kind: 'Stack', namespace: 'team', name: 'kubecost-stack' }),
    );
    expect(stack.metadata.labels).to.be.an('object');
    const source = await eventually(
      'the ProgramSource artifact (status written as the service account)',
      async () => {
        const s = await admin.find({
          apiVersion: 'kubify.io/v1alpha1',
          kind: 'ProgramSource',
          namespace: 'team',
          name: 'kubecost-program',
        });
        return (s?.status as { artifact?: { url: string } } | undefined)?.artifact ? s : undefined;
      },
    );
    expect(source.metadata.name).to.equal('kubecost-program');
  });

  it('deletes a claim: its children go and the finalizer is removed', async () => {
    const ref = { apiVersion: 'ml.kubify.io/v1alpha1', kind: 'RayService', namespace: 'team', name: 'fruit' };
    await admin.delete(ref);
    await eventually(
      'the RayService claim to be gone',
      async () => ((await admin.find(ref)) ? undefined : true),
      60_000,
    );
    const children = await admin.list({ apiVersion: 'ray.io/v1', kind: 'RayService', namespace: 'team' });
    expect(children.items.map((i) => i.metadata.name)).to.deep.equal([]);
  });

  it('made many requests and not one was Forbidden', async () => {
    expect(await apiRequests(registry, '*')).to.be.greaterThan(20);
    expect(await apiRequests(registry, '403')).to.equal(0);
  });

  it('without the binding, the same operator is Forbidden', async () => {
    // As deployed (--leader-elect): it cannot read its Lease nor ProgramSources, never leads, never writes.
    const unbound = new Registry();
    const op = await operatorAs(cp, 'system:serviceaccount:kubify-system:unbound', unbound, true);
    try {
      await eventually(
        'a Forbidden response',
        async () => ((await apiRequests(unbound, '403')) > 0 ? true : undefined),
        30_000,
      );
      expect(op.isLeader()).to.equal(false);
      expect(await writesOf(unbound)).to.equal(0);
    } finally {
      await op.stop();
    }
  });
});
