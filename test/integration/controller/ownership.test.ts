/**
 * Ownership on the real control plane: a composed object that exists and is not the claim's is never
 * taken over (left byte-identical), the claim says who holds it, `adoption: IfUnmanaged` takes over an
 * unmanaged object (never another claim's), and a conflict between two claims resolves once the first
 * lets go.
 */
import { expect } from 'chai';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { scrapeRequestTotals } from '../../bench/apiserver.ts';
import {
  adminClient,
  compositionReady,
  startTestOperator,
  type TestOperator,
} from '../../support/operator.ts';
import { condition, widget, widgetComposition, widgetRef } from './fixtures.ts';

const group = 'ownership.test.kubify.io';
const KIND_LABEL = `Widget.${group}`;

const resources = [
  { id: 'config', template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  color: "{{claim.spec.color}}"\n' },
  {
    id: 'shared',
    template:
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n  color: "{{claim.spec.color}}"\n',
  },
  {
    id: 'adoptable',
    adoption: 'IfUnmanaged',
    includeWhen: '{{claim.spec.extra}}',
    template:
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: adoptable\ndata:\n  color: "{{claim.spec.color}}"\n',
  },
];

describe('operator: ownership of composed objects', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    await client.apply(widgetComposition('ownership', group, resources));
    await compositionReady(client, 'ownership');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });
  beforeEach(async () => {
    ns = await newNamespace('own');
  });

  const cm = (name: string): Promise<KubeObject | undefined> =>
    client.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name });
  const claimWith = (name: string, reason: string): Promise<KubeObject> =>
    eventually(`claim ${name} Synced reason ${reason}`, async () => {
      const c = await client.get(widgetRef(group, ns, name));
      return condition(c, 'Synced')?.reason === reason ? c : undefined;
    });
  const unmanaged = (name: string): Promise<KubeObject> =>
    client.create(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: ns, labels: { app: 'someone-elses' } },
        data: { color: 'theirs' },
      },
      { fieldManager: 'someone-else' },
    );
  const dataOf = (o: KubeObject | undefined): unknown => (o as { data?: unknown } | undefined)?.data;
  const eventReasons = async (name: string): Promise<string[]> => {
    const events = await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
    return events.items
      .filter((e) => (e as { regarding?: { name?: string } }).regarding?.name === name)
      .map((e) => String((e as { reason?: string }).reason));
  };

  it('creates new objects with no read: not one GET for a claim whose objects are all new', async () => {
    // Counted by the API server, by resource: the operator's own metric also counts discovery as a GET,
    // which a CRD change anywhere in the shared control plane may cause.
    const configMapGets = async (): Promise<number> =>
      (await scrapeRequestTotals(client))['GET configmaps'] ?? 0;
    const before = await configMapGets();
    await client.apply(widget(group, ns, 'fresh', { color: 'green' }));
    await claimWith('fresh', 'ReconcileSuccess');
    expect(await configMapGets()).to.equal(before);
    expect(dataOf(await cm('shared'))).to.deep.equal({ color: 'green' });
  });

  it('leaves a pre-existing unmanaged object byte-identical and says how to adopt it', async () => {
    const original = await unmanaged('shared');
    await client.apply(widget(group, ns, 'w1', { color: 'red' }));
    const claim = await claimWith('w1', 'OwnershipConflict');
    const synced = condition(claim, 'Synced');
    expect(synced?.status).to.equal('False');
    expect(synced?.message).to.equal(
      `shared: ConfigMap ${ns}/shared exists and is not managed by kubify; set adoption: IfUnmanaged on resource \`shared\` to take it over`,
    );
    expect(condition(claim, 'Ready')?.status).to.equal('False');
    const statuses = (claim.status as { resources: { id: string; reason: string }[] }).resources;
    expect(statuses.map((r) => [r.id, r.reason])).to.deep.include(['shared', 'OwnershipConflict']);
    // the claim's other resources are applied all the same
    expect(dataOf(await eventually('w1-config', () => cm('w1-config')))).to.deep.equal({ color: 'red' });
    expect(await cm('shared')).to.deep.equal(original);
    await eventually('an OwnershipConflict event', async () =>
      (await eventReasons('w1')).includes('OwnershipConflict'),
    );
    // deleting the claim deletes what it composed, never the object it was refused
    await client.delete(widgetRef(group, ns, 'w1'));
    await eventually('claim w1 gone', async () => !(await client.find(widgetRef(group, ns, 'w1'))));
    expect(await cm('w1-config')).to.equal(undefined);
    expect(await cm('shared')).to.deep.equal(original);
  });

  it('adopts an unmanaged object with adoption: IfUnmanaged', async () => {
    const original = await unmanaged('adoptable');
    await client.apply(widget(group, ns, 'w2', { color: 'blue', extra: true }));
    await claimWith('w2', 'ReconcileSuccess');
    const adopted = await cm('adoptable');
    expect(adopted?.metadata.uid).to.equal(original.metadata.uid);
    expect(dataOf(adopted)).to.deep.equal({ color: 'blue' });
    expect(adopted?.metadata.labels).to.include({
      'kubify.io/claim-name': 'w2',
      'kubify.io/resource-id': 'adoptable',
      app: 'someone-elses',
    });
    await eventually('an Adopted event', async () => (await eventReasons('w2')).includes('Adopted'));
  });

  it('refuses the second claim that would compose the same object, until the first is deleted', async () => {
    await client.apply(widget(group, ns, 'first', { color: 'red', extra: true }));
    await claimWith('first', 'ReconcileSuccess');
    const held = await cm('shared');
    const adoptableHeld = await cm('adoptable');

    await client.apply(widget(group, ns, 'second', { color: 'yellow', extra: true }));
    const refused = await claimWith('second', 'OwnershipConflict');
    const message = condition(refused, 'Synced')?.message ?? '';
    expect(message).to.contain(`shared: ConfigMap ${ns}/shared belongs to claim ${KIND_LABEL} ${ns}/first`);
    // adoption: IfUnmanaged never takes an object another claim holds
    expect(message).to.contain(
      `adoptable: ConfigMap ${ns}/adoptable belongs to claim ${KIND_LABEL} ${ns}/first`,
    );
    expect(await cm('shared')).to.deep.equal(held);
    expect(await cm('adoptable')).to.deep.equal(adoptableHeld);
    expect(dataOf(await eventually('second-config', () => cm('second-config')))).to.deep.equal({
      color: 'yellow',
    });

    // the first claim goes (its objects with it): the second is re-queued by the deletion and takes over
    await client.delete(widgetRef(group, ns, 'first'));
    const synced = await claimWith('second', 'ReconcileSuccess');
    expect(condition(synced, 'Ready')?.status).to.equal('True');
    const now = await cm('shared');
    expect(now?.metadata.uid).to.not.equal(held?.metadata.uid);
    expect(now?.metadata.labels?.['kubify.io/claim-name']).to.equal('second');
    expect(dataOf(now)).to.deep.equal({ color: 'yellow' });
    expect(dataOf(await cm('adoptable'))).to.deep.equal({ color: 'yellow' });
  });
});
