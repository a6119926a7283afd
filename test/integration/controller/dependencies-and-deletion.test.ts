import { expect } from 'chai';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  installCrd,
  startTestOperator,
  type TestOperator,
  compositionReady,
} from '../../support/operator.ts';
import { condition, widget, widgetComposition, widgetRef } from './fixtures.ts';
import { gadgetCrd } from './gadget-crd.ts';

const group = 'deps.test.kubify.io';
const gadgetGroup = 'gadgets.deps.test.kubify.io';
const resources = [
  {
    id: 'gadget',
    template: `apiVersion: ${gadgetGroup}/v1\nkind: Gadget\nspec:\n  size: 1\n`,
    readyWhen: [{ condition: 'Ready' }],
  },
  {
    id: 'consumer',
    template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  endpoint: "{{resources.gadget.status.endpoint}}"\n',
  },
  {
    id: 'kept',
    deletionPolicy: 'Orphan',
    template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  keep: "yes"\n',
  },
];

describe('operator: dependencies and deletion', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;

  before(async () => {
    client = await adminClient();
    await installCrd(client, gadgetCrd(gadgetGroup));
    op = await startTestOperator();
    await client.apply(widgetComposition('deps', group, resources));
    await compositionReady(client, 'deps');
    ns = await newNamespace('deps');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  const gadgetRef = { apiVersion: `${gadgetGroup}/v1`, kind: 'Gadget', name: 'd1-gadget' };
  const cm = (name: string): Promise<KubeObject | undefined> =>
    client.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });

  it('waits for data another resource publishes in its status, then creates the dependent', async () => {
    await client.apply(widget(group, ns, 'd1'));
    await eventually('the Gadget', () => client.find({ ...gadgetRef, namespace: ns }));
    const waiting = await eventually('a Ready condition naming the missing value', async () => {
      const c = await client.get(widgetRef(group, ns, 'd1'));
      const ready = condition(c, 'Ready');
      return ready?.status === 'False' && ready.message?.includes('resources.gadget.status.endpoint')
        ? c
        : undefined;
    });
    expect(condition(waiting, 'Synced')?.status).to.equal('True');
    expect(await cm('d1-consumer')).to.equal(undefined);
    await client.applyStatus(
      {
        apiVersion: gadgetRef.apiVersion,
        kind: 'Gadget',
        metadata: { name: 'd1-gadget', namespace: ns },
        status: { endpoint: 'http://gadget:80', conditions: [{ type: 'Ready', status: 'True' }] },
      },
      { fieldManager: 'test-plays-upstream' },
    );
    const consumer = await eventually('the consumer ConfigMap', () => cm('d1-consumer'));
    expect((consumer as { data?: Record<string, string> }).data).to.deep.equal({
      endpoint: 'http://gadget:80',
    });
    await eventually(
      'claim Ready',
      async () =>
        condition(await client.get(widgetRef(group, ns, 'd1')), 'Ready')?.status === 'True' || undefined,
    );
  });

  it('deletes children in reverse dependency order, leaves Orphan ones, and removes the finalizer', async () => {
    const deleted: string[] = [];
    const abort = new AbortController();
    const watching = [
      client.watch({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns }, { signal: abort.signal }, (e) => {
        if (e.type === 'DELETED') deleted.push(`ConfigMap/${e.object.metadata.name}`);
      }),
      client.watch(
        { apiVersion: `${gadgetGroup}/v1`, kind: 'Gadget', namespace: ns },
        { signal: abort.signal },
        (e) => {
          if (e.type === 'DELETED') deleted.push(`Gadget/${e.object.metadata.name}`);
        },
      ),
    ];
    try {
      await new Promise((r) => setTimeout(r, 300));
      await client.delete(widgetRef(group, ns, 'd1'));
      await eventually('the claim to be gone', async () =>
        (await client.find(widgetRef(group, ns, 'd1'))) ? undefined : true,
      );
      await eventually('both deletions to be seen', () => (deleted.length >= 2 ? true : undefined));
      expect(deleted).to.deep.equal(['ConfigMap/d1-consumer', 'Gadget/d1-gadget']);
      expect(await client.find({ ...gadgetRef, namespace: ns })).to.equal(undefined);
      expect(await cm('d1-consumer')).to.equal(undefined);
      const kept = await cm('d1-kept');
      expect(kept, 'the Orphan resource stays').to.not.equal(undefined);
    } finally {
      abort.abort();
      await Promise.allSettled(watching);
    }
  });
});
