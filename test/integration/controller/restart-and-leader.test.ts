import { expect } from 'chai';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  startTestOperator,
  writeBreakdown,
  writeCount,
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

const group = 'restart.test.kubify.io';

describe('operator: restarts and leader election', function () {
  this.timeout(180_000);
  let client: KubeClient;
  let ns: string;
  const running: TestOperator[] = [];
  const start = async (overrides: Parameters<typeof startTestOperator>[0] = {}): Promise<TestOperator> => {
    const op = await startTestOperator(overrides);
    running.push(op);
    return op;
  };
  const stop = async (op: TestOperator): Promise<void> => {
    await op.operator.stop();
    running.splice(running.indexOf(op), 1);
  };
  const readyClaim = (name: string): Promise<KubeObject> =>
    eventually(
      `${name} Ready`,
      async () => {
        const c = await client.find(widgetRef(group, ns, name));
        return c && condition(c, 'Ready')?.status === 'True' ? c : undefined;
      },
      60_000,
    );
  const versions = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const kind of ['ConfigMap', 'Secret']) {
      for (const o of (await client.list({ apiVersion: 'v1', kind, namespace: ns })).items)
        out[`${kind}/${o.metadata.name}`] = o.metadata.resourceVersion ?? '';
    }
    for (const o of (await client.list({ apiVersion: `${group}/v1alpha1`, kind: 'Widget', namespace: ns }))
      .items)
      out[`Widget/${o.metadata.name}`] = o.metadata.resourceVersion ?? '';
    return out;
  };

  /** Waits until the operator has made no write for two seconds. */
  const settled = async (op: TestOperator): Promise<void> => {
    let last = -1;
    await eventually(
      'the operator to settle',
      async () => {
        const now = await writeCount(op.registry);
        const quiet = now === last;
        last = now;
        await new Promise((r) => setTimeout(r, 2000));
        return quiet && now === (await writeCount(op.registry)) ? true : undefined;
      },
      60_000,
    );
  };

  before(async () => {
    client = await adminClient();
    ns = await newNamespace('restart');
  });
  after(async () => {
    for (const op of [...running]) await stop(op);
    client?.close();
  });

  it('a restarted operator rewrites nothing, and a resync makes zero writes', async () => {
    const first = await start();
    await client.apply(widgetComposition('restart', group, [configResource, extraResource]));
    await compositionReady(client, 'restart');
    await client.mapper.refresh();
    for (let i = 0; i < 5; i++) await client.apply(widget(group, ns, `r${i}`, { extra: i % 2 === 0 }));
    for (let i = 0; i < 5; i++) await readyClaim(`r${i}`);
    // Claims other tests left in this control plane converge too before the restart.
    await settled(first);
    await stop(first);
    const before = await versions();
    expect(Object.keys(before)).to.have.length(5 + 5 + 3);
    const second = await start();
    await eventually(
      'the restarted operator to serve Widgets',
      () => (second.operator.compositions()?.controllers().length ? true : undefined),
      60_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(await versions(), 'no object was rewritten').to.deep.equal(before);
    expect(
      await writeCount(second.registry),
      `no write after restart: ${await writeBreakdown(second.registry)}`,
    ).to.equal(0);
    for (const c of second.operator.compositions()?.controllers() ?? []) c.enqueueAll();
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      await writeCount(second.registry),
      `no write on resync: ${await writeBreakdown(second.registry)}`,
    ).to.equal(0);
    expect(await versions()).to.deep.equal(before);
    await stop(second);
  });

  it('with leader election only the leader writes, and another takes over when it stops', async () => {
    const a = await start({ leaderElect: true, leaseDurationMs: 3000, identity: 'op-a' });
    const b = await start({ leaderElect: true, leaseDurationMs: 3000, identity: 'op-b' });
    const leader = await eventually(
      'one leader',
      () => {
        const leaders = [a, b].filter((o) => o.operator.isLeader());
        return leaders.length === 1 ? leaders[0] : undefined;
      },
      30_000,
    );
    const follower = leader === a ? b : a;
    await client.apply(widget(group, ns, 'led-1', { color: 'red' }));
    await readyClaim('led-1');
    expect(await writeCount(follower.registry), 'the follower wrote nothing').to.equal(0);
    expect(await writeCount(leader.registry)).to.be.greaterThan(0);
    expect(follower.operator.isLeader()).to.equal(false);
    await stop(leader);
    await eventually(
      'the follower to take over',
      () => (follower.operator.isLeader() ? true : undefined),
      30_000,
    );
    await client.apply(widget(group, ns, 'led-2', { color: 'blue' }));
    await readyClaim('led-2');
    expect(await writeCount(follower.registry)).to.be.greaterThan(0);
    const cm = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'led-2-config' });
    expect((cm as { data?: Record<string, string> }).data).to.deep.equal({ color: 'blue' });
  });
});
