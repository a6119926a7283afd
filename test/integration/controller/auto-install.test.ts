import { expect } from 'chai';
import { stringify } from 'yaml';
import { NoMatchError, type KubeClient, type KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { adminClient, startTestOperator, type TestOperator } from '../../support/operator.ts';
import { condition, widget, widgetComposition, widgetRef } from './fixtures.ts';
import { gadgetCrd } from './gadget-crd.ts';

const gadgets = 'gadgets.auto.test.kubify.io';
const group = 'consumer.test.kubify.io';

/** An installer pack: a cluster-scoped `Installer` claim that composes the Gadget CRD (playing an operator install). */
const installer: KubeObject = {
  apiVersion: 'kubify.io/v1alpha1',
  kind: 'Composition',
  metadata: { name: 'gadget-installer' },
  spec: {
    api: {
      group: 'installer.test.kubify.io',
      version: 'v1alpha1',
      kind: 'Installer',
      scope: 'Cluster',
      schema: { type: 'object', properties: { edition: { type: 'string' } } },
    },
    resources: [
      { id: 'crd', template: stringify(gadgetCrd(gadgets)), readyWhen: [{ condition: 'Established' }] },
    ],
  },
};

describe('operator: installs a missing upstream API through its installer claim', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    ns = await newNamespace('auto');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  it('creates the installer claim, waits for the API, then composes the claim', async () => {
    await client.apply(installer);
    await client.apply(
      widgetComposition(
        'gadget-consumer',
        group,
        [{ id: 'gadget', template: `apiVersion: ${gadgets}/v1\nkind: Gadget\nspec:\n  size: 3\n` }],
        {
          requires: [
            {
              apiVersion: `${gadgets}/v1`,
              kind: 'Gadget',
              installedBy: { composition: 'gadget-installer', claim: { edition: 'test' } },
            },
          ],
        },
      ),
    );
    for (const name of ['gadget-installer', 'gadget-consumer']) {
      await eventually(
        `${name} Ready`,
        async () =>
          condition(
            await client.get({ apiVersion: 'kubify.io/v1alpha1', kind: 'Composition', name }),
            'Ready',
          )?.status === 'True' || undefined,
        60_000,
      );
    }
    await client.mapper.refresh();
    expect(
      await client.find({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name: gadgets,
      }),
    ).to.equal(undefined);
    await client.apply(widget(group, ns, 'c1'));
    const installerClaim = await eventually('the installer claim', () =>
      client.find({
        apiVersion: 'installer.test.kubify.io/v1alpha1',
        kind: 'Installer',
        name: 'gadgets-auto-test-kubify-io',
      }),
    );
    expect(installerClaim.spec).to.deep.equal({ edition: 'test' });
    expect(installerClaim.metadata.labels).to.include({ 'kubify.io/installs': gadgets });
    await eventually(
      'the claim to compose a Gadget',
      () =>
        client
          .find({ apiVersion: `${gadgets}/v1`, kind: 'Gadget', namespace: ns, name: 'c1-gadget' })
          .catch((err: unknown) => {
            if (err instanceof NoMatchError) return undefined;
            throw err;
          }),
      60_000,
    );
    const claim = await eventually('the claim Synced', async () => {
      const c = await client.get(widgetRef(group, ns, 'c1'));
      return condition(c, 'Synced')?.status === 'True' ? c : undefined;
    });
    expect(condition(claim, 'Ready')?.status).to.equal('True');
  });
});
