import { expect } from 'chai';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { adminClient, installCrd, startTestOperator, type TestOperator } from '../../support/operator.ts';
import { condition, configResource, widget, widgetComposition, widgetRef } from './fixtures.ts';
import { gadgetCrd } from './gadget-crd.ts';

const group = 'changes.test.kubify.io';
const secretResource = { id: 'secret', template: 'apiVersion: v1\nkind: Secret\nstringData:\n  a: b\n' };
const compositionRef = (name: string): { apiVersion: string; kind: string; name: string } => ({
  apiVersion: 'kubify.io/v1alpha1',
  kind: 'Composition',
  name,
});

describe('operator: composition changes, revisions, broken compositions, missing APIs', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;

  const compositionReady = (name: string, status = 'True'): Promise<KubeObject> =>
    eventually(
      `Composition ${name} Ready=${status}`,
      async () => {
        const c = await client.get(compositionRef(name));
        return condition(c, 'Ready')?.status === status &&
          c.status &&
          (c.status as { observedGeneration?: number }).observedGeneration === c.metadata.generation
          ? c
          : undefined;
      },
      60_000,
    );
  const claimCondition = (
    g: string,
    name: string,
    type: string,
    predicate: (c: { status: string; reason?: string; message?: string }) => boolean,
  ): Promise<KubeObject> =>
    eventually(`${name} ${type}`, async () => {
      const c = await client.get({ ...widgetRef(g, ns, name) });
      const cond = condition(c, type);
      return cond && predicate(cond) ? c : undefined;
    });
  const find = (kind: string, name: string): Promise<KubeObject | undefined> =>
    client.find({ apiVersion: 'v1', kind, namespace: ns, name });

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    await client.apply(widgetComposition('changes', group, [configResource, secretResource]));
    await compositionReady('changes');
    ns = await newNamespace('changes');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  it('a new revision re-renders claims and prunes what it removed; a pinned claim keeps its revision', async () => {
    await client.apply(widget(group, ns, 'latest'));
    await client.apply(widget(group, ns, 'pinned', { compositionRevision: 1 }));
    await eventually('both secrets', async () =>
      (await find('Secret', 'latest-secret')) && (await find('Secret', 'pinned-secret')) ? true : undefined,
    );
    await client.apply(widgetComposition('changes', group, [configResource]));
    const c = await compositionReady('changes');
    expect((c.status as { latestRevision: number }).latestRevision).to.equal(2);
    const revisions = await client.list({
      apiVersion: 'kubify.io/v1alpha1',
      kind: 'CompositionRevision',
      labelSelector: { 'kubify.io/composition': 'changes' },
    });
    expect(revisions.items.map((r) => r.metadata.name).sort()).to.deep.equal(['changes-1', 'changes-2']);
    await eventually('latest-secret to be pruned', async () =>
      (await find('Secret', 'latest-secret')) ? undefined : true,
    );
    // The prune and the status write are one reconcile, but the prune is seen first: wait for the status.
    await eventually('latest to report revision 2', async () => {
      const got = await client.get(widgetRef(group, ns, 'latest'));
      return (got.status as { compositionRevision?: number } | undefined)?.compositionRevision === 2;
    });
    await claimCondition(group, 'latest', 'Ready', (x) => x.status === 'True');
    const config = await find('ConfigMap', 'latest-config');
    expect(config?.metadata.annotations?.['kubify.io/composition-revision']).to.equal('2');
    const pinned = await client.get(widgetRef(group, ns, 'pinned'));
    expect((pinned.status as { compositionRevision: number }).compositionRevision).to.equal(1);
    expect(await find('Secret', 'pinned-secret'), 'the pinned claim keeps revision 1 objects').to.not.equal(
      undefined,
    );
  });

  it('reports a broken composition with paths and leaves other compositions and existing claims working', async () => {
    await client.apply(
      widgetComposition('broken', 'broken.test.kubify.io', [
        { id: 'config', template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  x: "{{claim.spec.nope}}"\n' },
      ]),
    );
    const broken = await compositionReady('broken', 'False');
    expect(condition(broken, 'Ready')?.reason).to.equal('CompileFailed');
    const problems = (broken.status as { problems: { code: string; path: string; message: string }[] })
      .problems;
    expect(problems.map((p) => p.path)).to.deep.equal(['spec.resources[0].template']);
    expect(problems[0]!.message).to.contain('claim.spec.nope');
    // A bad edit of a working composition: its claims keep rendering from the last good revision.
    await client.apply(
      widgetComposition('changes', group, [
        configResource,
        { id: 'bad', template: 'apiVersion: v1\nkind: {{claim.spec.color}}\n' },
      ]),
    );
    await compositionReady('changes', 'False');
    await client.apply(widget(group, ns, 'after-break', { color: 'teal' }));
    await claimCondition(group, 'after-break', 'Ready', (x) => x.status === 'True');
    expect(
      ((await find('ConfigMap', 'after-break-config')) as { data?: Record<string, string> }).data,
    ).to.deep.equal({ color: 'teal' });
    await client.apply(widgetComposition('changes', group, [configResource]));
    await compositionReady('changes');
  });

  it('says which upstream API is missing, and recovers once its CRD is installed', async () => {
    const gadgets = 'gadgets.missing.test.kubify.io';
    await client.apply(
      widgetComposition(
        'needs',
        'needs.test.kubify.io',
        [{ id: 'gadget', template: `apiVersion: ${gadgets}/v1\nkind: Gadget\nspec:\n  size: 2\n` }],
        {
          requires: [{ apiVersion: `${gadgets}/v1`, kind: 'Gadget' }],
        },
      ),
    );
    await compositionReady('needs');
    await client.mapper.refresh();
    await client.apply(widget('needs.test.kubify.io', ns, 'n1'));
    const waiting = await claimCondition(
      'needs.test.kubify.io',
      'n1',
      'Synced',
      (x) => x.reason === 'MissingAPI',
    );
    expect(condition(waiting, 'Synced')?.message).to.contain(`Gadget (${gadgets}/v1)`);
    await installCrd(client, gadgetCrd(gadgets));
    await claimCondition('needs.test.kubify.io', 'n1', 'Synced', (x) => x.status === 'True');
    expect(
      await client.find({ apiVersion: `${gadgets}/v1`, kind: 'Gadget', namespace: ns, name: 'n1-gadget' }),
    ).to.not.equal(undefined);
  });
});
