import { expect } from 'chai';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { AUDIT_REPORTING_CONTROLLER, recordOf } from '../../../engine/controller/audit.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  startTestOperator,
  type TestOperator,
  compositionReady,
} from '../../support/operator.ts';
import {
  condition,
  configResource,
  extraResource,
  widget,
  widgetComposition,
  widgetRef,
} from './fixtures.ts';

const group = 'lifecycle.test.kubify.io';
const secondResource = {
  id: 'second',
  template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  first: "{{resources.config.metadata.name}}"\n',
};

describe('operator: claim lifecycle', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    await client.apply(
      widgetComposition('lifecycle', group, [configResource, secondResource, extraResource]),
    );
    await compositionReady(client, 'lifecycle');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });
  beforeEach(async () => {
    ns = await newNamespace('lifecycle');
  });

  const get = (kind: string, name: string): Promise<KubeObject | undefined> =>
    client.find({ apiVersion: 'v1', kind, namespace: ns, name });

  it('composes objects with kubify labels, annotations and owner reference, and reports Ready', async () => {
    const claim = await client.apply(widget(group, ns, 'w1', { color: 'red' }));
    const cm = await eventually('ConfigMap w1-config', () => get('ConfigMap', 'w1-config'));
    expect(cm.metadata.labels).to.include({
      'app.kubernetes.io/managed-by': 'kubify',
      'kubify.io/claim-name': 'w1',
      'kubify.io/claim-namespace': ns,
      'kubify.io/claim-kind': `Widget.${group}`,
      'kubify.io/composition': 'lifecycle',
      'kubify.io/resource-id': 'config',
    });
    expect(cm.metadata.annotations).to.include({
      'kubify.io/composition-revision': '1',
      'kubify.io/claim-uid': claim.metadata.uid,
    });
    expect(cm.metadata.ownerReferences?.[0]).to.include({
      kind: 'Widget',
      name: 'w1',
      uid: claim.metadata.uid,
    });
    expect((cm as { data?: Record<string, string> }).data).to.deep.equal({ color: 'red' });
    const second = await eventually('ConfigMap w1-second', () => get('ConfigMap', 'w1-second'));
    expect((second as { data?: Record<string, string> }).data).to.deep.equal({ first: 'w1-config' });
    const ready = await eventually('claim Ready', async () => {
      const c = await client.get(widgetRef(group, ns, 'w1'));
      return condition(c, 'Ready')?.status === 'True' ? c : undefined;
    });
    expect(ready.metadata.finalizers).to.include('kubify.io/finalizer');
    const status = ready.status as {
      compositionRevision: number;
      resources: { id: string; ready: boolean }[];
    };
    expect(status.compositionRevision).to.equal(1);
    expect(status.resources.map((r) => [r.id, r.ready])).to.deep.equal([
      ['config', true],
      ['second', true],
    ]);
    expect(condition(ready, 'Synced')).to.include({ status: 'True', reason: 'ReconcileSuccess' });
    const claims = await op.registry.getSingleMetric('kubify_claims')?.get();
    const readyWidgets = claims?.values.find((v) => v.labels.kind === 'Widget' && v.labels.ready === 'true');
    expect(readyWidgets?.value, 'kubify_claims{kind=Widget,ready=true}').to.be.at.least(1);
  });

  it('puts back a composed field someone else changed, and a composed object someone deleted', async () => {
    await client.apply(widget(group, ns, 'w8', { color: 'red' }));
    const cm = await eventually('ConfigMap w8-config', () => get('ConfigMap', 'w8-config'));
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'w8-config' };
    await client.patch(ref, { data: { color: 'blue' } }, { fieldManager: 'someone-else' });
    await eventually(
      'color put back',
      async () =>
        ((await get('ConfigMap', 'w8-config')) as { data?: { color?: string } } | undefined)?.data?.color ===
          'red' || undefined,
    );
    await client.delete(ref);
    const again = await eventually('ConfigMap w8-config created again', async () => {
      const now = await get('ConfigMap', 'w8-config');
      return now && now.metadata.uid !== cm.metadata.uid ? now : undefined;
    });
    expect((again as { data?: Record<string, string> }).data).to.deep.equal({ color: 'red' });
  });

  it('updates composed objects when the claim changes', async () => {
    await client.apply(widget(group, ns, 'w2', { color: 'red' }));
    await eventually(
      'red',
      async () =>
        ((await get('ConfigMap', 'w2-config')) as { data?: { color?: string } } | undefined)?.data?.color ===
          'red' || undefined,
    );
    await client.apply(widget(group, ns, 'w2', { color: 'green' }));
    await eventually(
      'green',
      async () =>
        ((await get('ConfigMap', 'w2-config')) as { data?: { color?: string } } | undefined)?.data?.color ===
          'green' || undefined,
    );
  });

  it('creates a resource when includeWhen turns true and prunes it when it turns false', async () => {
    await client.apply(widget(group, ns, 'w3', { extra: true }));
    await eventually('Secret w3-extra', () => get('Secret', 'w3-extra'));
    await client.apply(widget(group, ns, 'w3', { extra: false }));
    await eventually('Secret w3-extra to be pruned', async () =>
      (await get('Secret', 'w3-extra')) ? undefined : true,
    );
    expect(await get('ConfigMap', 'w3-config')).to.not.equal(undefined);
  });

  it('does not write anything when a converged claim is reconciled again', async () => {
    await client.apply(widget(group, ns, 'w4'));
    const before = await eventually('claim Ready', async () => {
      const c = await client.get(widgetRef(group, ns, 'w4'));
      return condition(c, 'Ready')?.status === 'True' ? c : undefined;
    });
    await new Promise((r) => setTimeout(r, 500));
    const { writeCount } = await import('../../support/operator.ts');
    const writes = await writeCount(op.registry);
    for (const c of op.operator.compositions()?.controllers() ?? []) c.enqueueAll();
    await new Promise((r) => setTimeout(r, 1000));
    expect(await writeCount(op.registry)).to.equal(writes);
    const after = await client.get(widgetRef(group, ns, 'w4'));
    expect(after.metadata.resourceVersion).to.equal(before.metadata.resourceVersion);
  });

  it('stops reconciling a paused claim and resumes when the annotation goes', async () => {
    await client.apply(widget(group, ns, 'w5', { color: 'red' }));
    await eventually(
      'red',
      async () =>
        ((await get('ConfigMap', 'w5-config')) as { data?: { color?: string } } | undefined)?.data?.color ===
          'red' || undefined,
    );
    const paused = widget(group, ns, 'w5', { color: 'green' });
    paused.metadata.annotations = { 'kubify.io/paused': 'true' };
    await client.apply(paused);
    await eventually(
      'Synced=False ReconcilePaused',
      async () =>
        condition(await client.get(widgetRef(group, ns, 'w5')), 'Synced')?.reason === 'ReconcilePaused' ||
        undefined,
    );
    expect(((await get('ConfigMap', 'w5-config')) as { data?: { color?: string } }).data?.color).to.equal(
      'red',
    );
    await client.apply(widget(group, ns, 'w5', { color: 'green' }));
    await eventually(
      'green after unpausing',
      async () =>
        ((await get('ConfigMap', 'w5-config')) as { data?: { color?: string } } | undefined)?.data?.color ===
          'green' || undefined,
    );
  });

  it('audits each change as a log line and an Event on the claim, and records condition transitions', async () => {
    await client.apply(widget(group, ns, 'w6'));
    await eventually(
      'claim Ready',
      async () =>
        condition(await client.get(widgetRef(group, ns, 'w6')), 'Ready')?.status === 'True' || undefined,
    );
    const mine = await eventually('events for w6', async () => {
      const events = await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
      const found = events.items.filter(
        (e) => (e as { regarding?: { name?: string } }).regarding?.name === 'w6',
      );
      return found.some((e) => e.reason === 'Ready') ? found : undefined;
    });
    // A new claim goes Synced and Ready in one status write, and the audit record of what that reconcile
    // applied rides on the same Event: one Event says all of it.
    expect(mine.map((e) => `${String(e.reason)}: ${String(e.note)}`)).to.have.length(1);
    const [event] = mine;
    expect(`${String(event!.reason)}: ${String(event!.note)}`).to.match(
      /^Ready: Ready=True: .*; Synced=True: .* \| Apply Widget\/w6 \(revision 1\) by kubify-admin: Success: apply /,
    );
    expect(event).to.include({ reportingController: AUDIT_REPORTING_CONTROLLER, action: 'Apply' });
    const record = recordOf(event!);
    expect(record).to.include({ action: 'Apply', result: 'Success', actor: 'kubify-admin', revision: 1 });
    expect(record?.claim).to.include({ kind: 'Widget', name: 'w6', namespace: ns });
    expect(record?.message).to.contain('apply ConfigMap/w6-config');
    const lines = op.logs.filter(
      (l) => (l.claim as { name?: string } | undefined)?.name === 'w6' && l.action === 'Apply',
    );
    expect(lines.map((l) => (l.target as { name: string }).name)).to.include('w6-config');
    expect(lines[0]).to.include({
      audit: true,
      source: 'operator',
      result: 'Success',
      revision: 1,
      actor: 'kubify-admin',
    });
  });

  it('records a claim that cannot render as Synced=False with the path, counted as terminal', async () => {
    await client.apply(
      widget(group, ns, 'w7', { overrides: { config: [{ op: 'remove', path: '/data/nope' }] } }),
    );
    const failed = await eventually('Synced=False RenderFailed', async () => {
      const c = await client.get(widgetRef(group, ns, 'w7'));
      return condition(c, 'Synced')?.reason === 'RenderFailed' ? c : undefined;
    });
    expect(condition(failed, 'Synced')?.message).to.contain('spec.overrides.config[0]');
    expect(await get('ConfigMap', 'w7-config'), 'nothing is applied').to.equal(undefined);
    const total = await op.registry.getSingleMetric('kubify_reconcile_total')?.get();
    const terminal = total?.values.find((v) => v.labels.kind === 'Widget' && v.labels.result === 'terminal');
    expect(terminal?.value).to.be.at.least(1);
  });
});
