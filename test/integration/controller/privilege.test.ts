/**
 * Least privilege on the real control plane: the operator runs as the `kubify-system/kubify` service
 * account (impersonated) with exactly the RBAC `generateRbac` produces for the installed composition.
 * It serves that composition, and when the composition is changed to compose kinds the role does not
 * grant (a Secret, a RoleBinding to cluster-admin) the server refuses, the claim says so, and nothing of
 * those kinds is created. Runs on its own control plane so no other suite's compositions are served.
 */
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { kubifyCrds } from '../../../engine/api/kubify-crds.ts';
import { compile } from '../../../engine/compose/index.ts';
import { applyInstall } from '../../../engine/controller/install.ts';
import { silentLogger } from '../../../engine/controller/logger.ts';
import { startOperator, type Operator } from '../../../engine/controller/operator.ts';
import { generateRbac } from '../../../engine/controller/rbac.ts';
import { startControlPlane, type ControlPlane } from '../../../engine/controlplane/index.ts';
import {
  createKubeClient,
  loadKubeConfig,
  silentLogger as quiet,
  type KubeClient,
  type KubeObject,
} from '../../../engine/kube/index.ts';
import { eventually } from '../../support/http.ts';
import { apiRequests, compositionReady } from '../../support/operator.ts';
import { condition, configResource, widget, widgetComposition, widgetRef } from './fixtures.ts';

const SA_USER = 'system:serviceaccount:kubify-system:kubify';
const group = 'privilege.test.kubify.io';
const NS = 'team';

const secretResource = {
  id: 'secret',
  template: 'apiVersion: v1\nkind: Secret\nstringData:\n  color: "{{claim.spec.color}}"\n',
};
const bindingResource = {
  id: 'admin',
  template: [
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}',
    'subjects: [{kind: ServiceAccount, name: default, namespace: team}]',
    '',
  ].join('\n'),
};

describe('operator under the generated least-privilege RBAC', function () {
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
    const composition = widgetComposition('privilege', group, [configResource]);
    const compiled = compile({ object: composition }).compiled;
    if (!compiled) throw new Error('the test composition does not compile');
    const rbac = generateRbac({ compositions: [compiled] });
    expect(rbac.problems).to.deep.equal([]);
    await applyInstall({
      client: admin,
      steps: [
        { title: 'CRDs', objects: kubifyCrds() as unknown as KubeObject[] },
        {
          title: 'namespaces',
          objects: ['kubify-system', NS].map((name) => ({
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name },
          })),
        },
        { title: 'rbac', objects: rbac.objects as unknown as KubeObject[] },
      ],
    });
    const kubeConfig = loadKubeConfig({ kubeconfig: cp.kubeconfigPath });
    kubeConfig.loadFromString(cp.kubeconfigAs(SA_USER));
    operator = await startOperator({
      kubeConfig,
      namespace: 'kubify-system',
      workers: 2,
      resyncMs: 0,
      registry,
      logger: silentLogger,
      auditWrite: () => {},
    });
    await admin.apply(composition);
    await compositionReady(admin, 'privilege');
  });

  after(async () => {
    await operator?.stop();
    admin?.close();
    await cp?.stop();
  });

  const synced = (name: string, status: string): Promise<KubeObject> =>
    eventually(
      `claim ${name} Synced=${status}`,
      async () => {
        const c = await admin.get(widgetRef(group, NS, name));
        return condition(c, 'Synced')?.status === status ? c : undefined;
      },
      60_000,
    );

  it('serves what the role grants: the claim converges and not one request is Forbidden', async () => {
    await admin.apply(widget(group, NS, 'w1', { color: 'red' }));
    await synced('w1', 'True');
    const cm = await admin.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'w1-config' });
    expect((cm as { data?: unknown }).data).to.deep.equal({ color: 'red' });
    expect(await apiRequests(registry, '403')).to.equal(0);
  });

  it('a composition changed to compose kinds outside the role: the claim says Forbidden, nothing is created', async () => {
    await admin.apply(
      widgetComposition('privilege', group, [configResource, secretResource, bindingResource]),
    );
    await compositionReady(admin, 'privilege', 2);
    const claim = await eventually(
      'claim w1 Synced=False Forbidden',
      async () => {
        const c = await admin.get(widgetRef(group, NS, 'w1'));
        return condition(c, 'Synced')?.reason === 'Forbidden' ? c : undefined;
      },
      60_000,
    );
    const message = condition(claim, 'Synced')?.message ?? '';
    expect(message).to.match(/forbidden/i);
    expect(message).to.contain(SA_USER);
    expect(message).to.contain('kubify rbac');
    expect(condition(claim, 'Ready')?.status).to.equal('False');
    expect(await apiRequests(registry, '403')).to.be.greaterThan(0);
    const secrets = await admin.list({ apiVersion: 'v1', kind: 'Secret', namespace: NS });
    expect(secrets.items.map((s) => s.metadata.name)).to.not.include('w1-secret');
    const bindings = await admin.list({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      namespace: NS,
    });
    expect(bindings.items).to.deep.equal([]);
    // what it was already allowed to do is untouched
    const cm = await admin.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: NS, name: 'w1-config' });
    expect((cm as { data?: unknown }).data).to.deep.equal({ color: 'red' });
  });
});
