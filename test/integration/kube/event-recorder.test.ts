import { expect } from 'chai';
import { KubeConfig } from '@kubernetes/client-node';
import { EventRecorder } from '../../../engine/kube/event-recorder.ts';
import type { HttpKubeClient } from '../../../engine/kube/http-client.ts';
import { createKubeClient } from '../../../engine/kube/kubeconfig.ts';
import type { KubeLogger } from '../../../engine/kube/logger.ts';
import { silentLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { newNamespace, sharedControlPlane } from '../../support/cluster.ts';
import { adminClient } from './support.ts';

interface EventObject extends KubeObject {
  reason: string;
  note?: string;
  type: string;
  action: string;
  reportingController: string;
  regarding: { kind: string; name: string; uid?: string };
  series?: { count: number; lastObservedTime: string };
}

describe('EventRecorder (real API server)', () => {
  let client: HttpKubeClient;
  before(async () => {
    client = await adminClient();
  });
  after(() => client.close());

  async function eventsIn(ns: string): Promise<EventObject[]> {
    return (
      await client.listAll<EventObject>({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns })
    ).items;
  }

  it('records events about an object and folds repeats into one series', async () => {
    const ns = await newNamespace('events');
    const claim = await client.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'claim', namespace: ns },
    });
    const recorder = new EventRecorder({
      client,
      reportingController: 'kubify.io/operator',
      reportingInstance: 'test-0',
      seriesFlushMs: 50,
      logger: silentLogger,
    });
    for (let i = 0; i < 5; i++)
      recorder.event(claim, {
        type: 'Warning',
        reason: 'ApplyFailed',
        action: 'Apply',
        note: 'rayservice: webhook denied',
      });
    recorder.event(claim, {
      type: 'Normal',
      reason: 'Synced',
      action: 'Reconcile',
      note: 'all resources applied',
    });
    await recorder.flush();
    const events = await eventsIn(ns);
    expect(events).to.have.length(2);
    const failed = events.find((e) => e.reason === 'ApplyFailed')!;
    expect(failed.series?.count).to.equal(5);
    expect(failed.type).to.equal('Warning');
    expect(failed.action).to.equal('Apply');
    expect(failed.note).to.equal('rayservice: webhook denied');
    expect(failed.reportingController).to.equal('kubify.io/operator');
    expect(failed.regarding).to.include({ kind: 'ConfigMap', name: 'claim', uid: claim.metadata.uid });
    const synced = events.find((e) => e.reason === 'Synced')!;
    expect(synced.series).to.equal(undefined);
    // a later repeat updates the same series, creating nothing
    recorder.event(claim, {
      type: 'Warning',
      reason: 'ApplyFailed',
      action: 'Apply',
      note: 'rayservice: webhook denied',
    });
    await recorder.flush();
    const after = await eventsIn(ns);
    expect(after).to.have.length(2);
    expect(after.find((e) => e.reason === 'ApplyFailed')!.series?.count).to.equal(6);
    await recorder.close();
  });

  it('records cluster-scoped objects in the default namespace', async () => {
    const name = `ev-${Math.random().toString(36).slice(2, 8)}`;
    const nsObj = await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const recorder = new EventRecorder({
      client,
      reportingController: 'kubify.io/operator',
      reportingInstance: 'test-0',
      logger: silentLogger,
    });
    recorder.event(nsObj, { type: 'Normal', reason: 'Seen', action: 'Observe' });
    await recorder.flush();
    const events = await eventsIn('default');
    expect(events.some((e) => e.regarding.name === name && e.reason === 'Seen')).to.equal(true);
  });

  it('never throws into the caller when the API refuses: it logs', async () => {
    const ns = await newNamespace('events-denied');
    const cp = await sharedControlPlane();
    const kc = new KubeConfig();
    kc.loadFromString(cp.kubeconfigAs('system:serviceaccount:nowhere:nobody'));
    const denied = createKubeClient({ kubeConfig: kc, logger: silentLogger });
    const logged: string[] = [];
    const logger: KubeLogger = { ...silentLogger, warn: (m, f) => logged.push(`${m} ${String(f?.error)}`) };
    const recorder = new EventRecorder({
      client: denied,
      reportingController: 'kubify.io/operator',
      reportingInstance: 'x',
      logger,
    });
    const target: KubeObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: ns, uid: 'u1' },
    };
    expect(() =>
      recorder.event(target, { type: 'Normal', reason: 'Synced', action: 'Reconcile' }),
    ).to.not.throw();
    await recorder.flush();
    denied.close();
    expect(logged.join('\n')).to.match(/creating event failed .*forbidden/);
    expect(await eventsIn(ns)).to.have.length(0);
  });
});
