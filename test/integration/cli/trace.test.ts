import { expect } from 'chai';
import type { KubeClient } from '../../../engine/kube/index.ts';
import { gadgetCrd } from '../../integration/controller/gadget-crd.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { adminClient, installCrd, startTestOperator, type TestOperator } from '../../support/operator.ts';
import {
  claimReady,
  composition,
  compositionReady,
  configResource,
  gadgetResource,
  kubify,
  markGadgetsReady,
  widget,
} from './fixtures.ts';

const group = 'trace.cli.test.kubify.io';

describe('kubify trace (live claim)', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;

  before(async () => {
    client = await adminClient();
    await installCrd(client, gadgetCrd(group));
    op = await startTestOperator();
    await client.apply(composition('trace-cli', group, [configResource, gadgetResource(group)]));
    await compositionReady(client, 'trace-cli');
    ns = await newNamespace('trace');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  it('shows the blocking Gadget while it is not Ready, then the healthy tree (exit 1, then 0)', async () => {
    await client.apply(widget(group, ns, 'w1', { color: 'red', size: 3 }));
    const pending = await eventually('trace to show the gadget waiting', async () => {
      const run = await kubify(['trace', `widget.${group}/w1`, '-n', ns]);
      return run.stdout.includes('Gadget/w1-gadget [gadget]') && run.stdout.includes('Blocked by')
        ? run
        : undefined;
    });
    expect(pending.code).to.equal(1);
    const lines = pending.stdout.split('\n');
    expect(lines[0]).to.match(/^NAME\s+SYNCED\s+READY\s+STATUS$/);
    expect(lines[1]).to.match(new RegExp(`^Widget/w1 \\(${ns}\\)\\s+True\\s+False\\s+`));
    expect(pending.stdout).to.match(/├─ ConfigMap\/w1-config \[config\]\s+True\s+True\s+Available/);
    expect(pending.stdout).to.match(/└─ Gadget\/w1-gadget \[gadget\]\s+True\s+False\s+ConditionMissing/);
    expect(pending.stdout).to.contain('Blocked by Gadget/w1-gadget [gadget]:');

    await markGadgetsReady(client, group, ns, () => true);
    await claimReady(client, group, ns, 'w1');
    const healthy = await kubify(['trace', `widgets.${group}/w1`, '-n', ns, '-o', 'json']);
    expect(healthy.code, healthy.stderr).to.equal(0);
    const tree = JSON.parse(healthy.stdout) as {
      root: { ready: string; children: { resourceId: string; ready: string }[] };
      blocking: unknown[];
    };
    expect(tree.root.ready).to.equal('True');
    expect(tree.root.children.map((c) => [c.resourceId, c.ready])).to.deep.equal([
      ['config', 'True'],
      ['gadget', 'True'],
    ]);
    expect(tree.blocking).to.deep.equal([]);
  });

  it('a claim that does not exist: exit 1 naming it; a bad target: exit 2', async () => {
    const missing = await kubify(['trace', `widgets.${group}/nope`, '-n', ns]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal(`error: Widget nope not found in namespace ${ns}\n`);
    const bad = await kubify(['trace', 'nope', '-n', ns]);
    expect(bad.code).to.equal(2);
  });
});
