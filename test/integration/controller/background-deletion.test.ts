/**
 * `deletion: Background`: claims carry no finalizer; a deleted claim goes at once and the operator
 * deletes its composed objects after it (the embedded control plane runs no garbage collector, so what
 * goes here went because kubify deleted it), audited, Orphan resources left in place — also when the
 * claim was deleted while the operator was down.
 */
import { expect } from 'chai';
import { FINALIZER } from '../../../engine/controller/claim/types.ts';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  compositionReady,
  startTestOperator,
  type TestOperator,
} from '../../support/operator.ts';
import { condition, configResource, widget, widgetComposition, widgetRef } from './fixtures.ts';

const group = 'bgdel.test.kubify.io';
const resources = [
  configResource,
  { id: 'token', template: 'apiVersion: v1\nkind: Secret\nstringData:\n  color: "{{claim.spec.color}}"\n' },
  {
    id: 'kept',
    deletionPolicy: 'Orphan',
    template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  keep: "yes"\n',
  },
];

describe('operator: deletion: Background', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator | undefined;
  let ns: string;

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    await client.apply(widgetComposition('bgdel', group, resources, { deletion: 'Background' }));
    await compositionReady(client, 'bgdel');
    ns = await newNamespace('bgdel');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  const object = (kind: 'ConfigMap' | 'Secret', name: string): Promise<KubeObject | undefined> =>
    client.find({ apiVersion: 'v1', kind, namespace: ns, name });

  async function converged(name: string): Promise<KubeObject> {
    await client.apply(widget(group, ns, name));
    return eventually(`claim ${name} Ready`, async () => {
      const claim = await client.get(widgetRef(group, ns, name));
      return condition(claim, 'Ready')?.status === 'True' ? claim : undefined;
    });
  }

  async function expectCleanedUp(name: string, logs: Record<string, unknown>[]): Promise<void> {
    await eventually(`the children of ${name} to be deleted`, async () =>
      (await object('ConfigMap', `${name}-config`)) || (await object('Secret', `${name}-token`))
        ? undefined
        : true,
    );
    expect(await object('ConfigMap', `${name}-kept`), 'the Orphan resource stays').to.not.equal(undefined);
    const deletes = logs
      .filter((l) => l.action === 'Delete' && (l.claim as { name?: string }).name === name)
      .map((l) => `${(l.target as { kind: string }).kind}/${(l.target as { name: string }).name}`)
      .sort();
    expect(deletes, 'audited').to.include.members([`ConfigMap/${name}-config`, `Secret/${name}-token`]);
  }

  it('gives claims no finalizer, lets them go at once and deletes their children after them', async () => {
    const claim = await converged('b1');
    expect(claim.metadata.finalizers ?? []).to.not.include(FINALIZER);
    await client.delete(widgetRef(group, ns, 'b1'));
    expect(await client.find(widgetRef(group, ns, 'b1')), 'nothing holds the claim').to.equal(undefined);
    await expectCleanedUp('b1', op!.logs);
    const events = await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
    const deleted = events.items.find(
      (e) => e.reason === 'Deleted' && (e.regarding as { name?: string } | undefined)?.name === 'b1',
    );
    expect(deleted, 'a Deleted Event on the claim').to.not.equal(undefined);
    expect((deleted?.regarding as { uid?: string }).uid).to.equal(claim.metadata.uid);
  });

  it('deletes the children of a claim deleted while the operator was down once it is back', async () => {
    await converged('b2');
    await op!.operator.stop();
    op = undefined;
    await client.delete(widgetRef(group, ns, 'b2'));
    expect(await client.find(widgetRef(group, ns, 'b2'))).to.equal(undefined);
    expect(await object('ConfigMap', 'b2-config'), 'no garbage collector here').to.not.equal(undefined);
    op = await startTestOperator();
    await expectCleanedUp('b2', op.logs);
  });

  it('refuses Background for a composition whose resources depend on each other', async () => {
    const dependent = [
      configResource,
      {
        id: 'copy',
        template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  of: "{{resources.config.metadata.name}}"\n',
      },
    ];
    await client.apply(
      widgetComposition('bgdel-ordered', 'bgdel2.test.kubify.io', dependent, { deletion: 'Background' }),
    );
    const refused = await eventually('the Composition refused', async () => {
      const c = await client.get({
        apiVersion: 'kubify.io/v1alpha1',
        kind: 'Composition',
        name: 'bgdel-ordered',
      });
      return condition(c, 'Ready')?.reason === 'CompileFailed' ? c : undefined;
    });
    const problems = (refused.status as { problems: { code: string; path: string; message: string }[] })
      .problems;
    expect(problems.map((p) => [p.code, p.path])).to.deep.equal([
      ['composition.background-deletion-order', 'spec.deletion'],
    ]);
    expect(problems[0]!.message).to.contain('"copy" depends on "config"');
    await client.delete({ apiVersion: 'kubify.io/v1alpha1', kind: 'Composition', name: 'bgdel-ordered' });
  });
});
