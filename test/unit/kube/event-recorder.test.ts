import { expect } from 'chai';
import { EventRecorder } from '../../../engine/kube/event-recorder.ts';
import { silentLogger, type KubeLogger } from '../../../engine/kube/logger.ts';
import type { KubeObject } from '../../../engine/kube/types.ts';
import { FakeClock, fakeClient, json, status } from './fakes.ts';

const claim: KubeObject = {
  apiVersion: 'test.kubify.io/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'ns', uid: 'uid-1' },
};

function setup(
  options: { windowMs?: number; maxCached?: number; failCreates?: boolean; logger?: KubeLogger } = {},
) {
  const { transport, client } = fakeClient();
  const creates: Record<string, unknown>[] = [];
  const patches: { path: string; body: unknown }[] = [];
  transport.respond = (req) => {
    const body = JSON.parse(req.body!) as Record<string, unknown>;
    if (req.method === 'POST') {
      if (options.failCreates) return status(403, 'Forbidden', 'events is forbidden');
      creates.push(body);
      return json(201, body);
    }
    patches.push({ path: req.path.split('?')[0]!, body });
    return json(200, body);
  };
  transport.resources = [
    ...transport.resources,
    { group: 'events.k8s.io', version: 'v1', resource: 'events', kind: 'Event', namespaced: true },
  ];
  const clock = new FakeClock();
  const recorder = new EventRecorder({
    client,
    reportingController: 'kubify.io/operator',
    reportingInstance: 'pod-0',
    seriesFlushMs: 60_000,
    clock,
    logger: options.logger ?? silentLogger,
    ...(options.windowMs ? { windowMs: options.windowMs } : {}),
    ...(options.maxCached ? { maxCached: options.maxCached } : {}),
  });
  return { recorder, creates, patches, clock };
}

describe('EventRecorder (fake transport)', () => {
  it('creates one events.k8s.io/v1 Event and folds repeats into its series', async () => {
    const { recorder, creates, patches } = setup();
    for (let i = 0; i < 3; i++)
      recorder.event(claim, { type: 'Warning', reason: 'ApplyFailed', action: 'Apply', note: 'denied' });
    await recorder.flush();
    expect(creates).to.have.length(1);
    const ev = creates[0]!;
    expect(ev).to.deep.include({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      type: 'Warning',
      reason: 'ApplyFailed',
      action: 'Apply',
      note: 'denied',
      reportingController: 'kubify.io/operator',
      reportingInstance: 'pod-0',
      regarding: {
        apiVersion: 'test.kubify.io/v1',
        kind: 'Widget',
        name: 'w',
        namespace: 'ns',
        uid: 'uid-1',
      },
    });
    expect(ev.eventTime).to.match(/\.\d{6}Z$/);
    const name = (ev.metadata as { name: string }).name;
    expect(name).to.match(/^w\.[0-9a-f]+$/);
    expect(patches).to.deep.equal([
      {
        path: `/apis/events.k8s.io/v1/namespaces/ns/events/${name}`,
        body: { series: { count: 3, lastObservedTime: ev.eventTime } },
      },
    ]);
    await recorder.flush();
    expect(patches).to.have.length(1); // nothing new to write
  });

  it('treats different reasons, notes or objects as different events', async () => {
    const { recorder, creates } = setup();
    recorder.event(claim, { type: 'Normal', reason: 'Synced', action: 'Reconcile' });
    recorder.event(claim, { type: 'Normal', reason: 'Synced', action: 'Reconcile', note: 'other' });
    recorder.event(claim, { type: 'Normal', reason: 'Ready', action: 'Reconcile' });
    recorder.event(
      { ...claim, metadata: { ...claim.metadata, uid: 'uid-2' } },
      { type: 'Normal', reason: 'Synced', action: 'Reconcile' },
    );
    await recorder.flush();
    expect(creates).to.have.length(4);
    expect(new Set(creates.map((c) => (c.metadata as { name: string }).name)).size).to.equal(4);
  });

  it('starts a new Event once the window has passed', async () => {
    const { recorder, creates, clock } = setup({ windowMs: 60_000 });
    recorder.event(claim, { type: 'Normal', reason: 'Synced', action: 'Reconcile' });
    await clock.advance(30_000, 30_000);
    recorder.event(claim, { type: 'Normal', reason: 'Synced', action: 'Reconcile' });
    await clock.advance(61_000, 61_000);
    recorder.event(claim, { type: 'Normal', reason: 'Synced', action: 'Reconcile' });
    await recorder.flush();
    expect(creates).to.have.length(2);
  });

  it('forgets the least recently seen events beyond maxCached', async () => {
    const { recorder, creates } = setup({ maxCached: 2 });
    for (const reason of ['A', 'B', 'C', 'A'])
      recorder.event(claim, { type: 'Normal', reason, action: 'Reconcile' });
    await recorder.flush();
    expect(creates.map((c) => c.reason)).to.deep.equal(['A', 'B', 'C', 'A']);
  });

  it('never throws: API failures and malformed input are logged', async () => {
    const logged: string[] = [];
    const logger: KubeLogger = { ...silentLogger, warn: (m) => logged.push(m), error: (m) => logged.push(m) };
    const { recorder } = setup({ failCreates: true, logger });
    expect(() =>
      recorder.event(claim, { type: 'Normal', reason: 'Synced', action: 'Reconcile' }),
    ).to.not.throw();
    expect(() =>
      recorder.event({} as KubeObject, { type: 'Normal', reason: 'Synced', action: 'Reconcile' }),
    ).to.not.throw();
    await recorder.flush();
    expect(logged).to.deep.equal(['recording event failed', 'creating event failed']);
  });

  it('caps note and reason lengths to what the API accepts', async () => {
    const { recorder, creates } = setup();
    recorder.event(claim, {
      type: 'Warning',
      reason: 'R'.repeat(300),
      action: 'Apply',
      note: 'n'.repeat(5000),
    });
    await recorder.flush();
    expect((creates[0]!.note as string).length).to.equal(1024);
    expect((creates[0]!.reason as string).length).to.equal(128);
  });
});
