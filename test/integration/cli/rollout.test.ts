import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RolloutState } from '../../../engine/controller/rollout.ts';
import type { KubeClient } from '../../../engine/kube/index.ts';
import { gadgetCrd } from '../../integration/controller/gadget-crd.ts';
import { newNamespace } from '../../support/cluster.ts';
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

const group = 'rollout.cli.test.kubify.io';
const NAMES = ['w0', 'w1', 'w2', 'w3', 'w4', 'w5'];

describe('kubify rollout', function () {
  this.timeout(180_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    client = await adminClient();
    await installCrd(client, gadgetCrd(group));
    op = await startTestOperator();
    await client.apply(composition('rollout-cli', group, [configResource]));
    await compositionReady(client, 'rollout-cli', 1);
    ns = await newNamespace('rollout');
    dir = mkdtempSync(join(tmpdir(), 'kubify-rollout-'));
    env = { KUBIFY_AUDIT_LOG: join(dir, 'audit.log') };
    for (const name of NAMES) await client.apply(widget(group, ns, name));
    for (const name of NAMES) await claimReady(client, group, ns, name, 1);
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const pins = async (): Promise<(number | undefined)[]> =>
    Promise.all(
      NAMES.map(async (name) => {
        const c = await client.get({ apiVersion: `${group}/v1alpha1`, kind: 'Widget', namespace: ns, name });
        return (c.spec as { compositionRevision?: number }).compositionRevision;
      }),
    );

  it('moves batch after batch and stops by itself when a batch does not become Ready; abort restores the pins', async () => {
    const hold = await kubify(['rollout', 'hold', 'rollout-cli'], env);
    expect(hold.stdout).to.equal('pinned 6 claim(s) of rollout-cli to their current revision\n');
    expect(await pins()).to.deep.equal([1, 1, 1, 1, 1, 1]);

    // Revision 2 adds a Gadget that must become Ready. The "upstream controller" below only ever
    // brings up the gadgets of w0 and w1: the second batch never becomes Ready.
    await client.apply(composition('rollout-cli', group, [configResource, gadgetResource(group)]));
    await compositionReady(client, 'rollout-cli', 2);
    for (const name of NAMES) await claimReady(client, group, ns, name, 1);
    let upstream = true;
    const controller = (async () => {
      while (upstream) {
        await markGadgetsReady(client, group, ns, (claim) => claim === 'w0' || claim === 'w1').catch(() => 0);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    let run;
    try {
      run = await kubify(
        ['rollout', 'start', 'rollout-cli', '--batch-size', '2', '--timeout', '6s', '--interval', '0.2'],
        env,
      );
    } finally {
      upstream = false;
      await controller;
    }
    expect(run.code, run.stderr).to.equal(1);
    expect(run.stdout).to.equal('rollout of rollout-cli revision 2: Halted\n');
    expect(run.stderr).to.contain(`Progressing: batch 1/3: pinned ${ns}/w0, ${ns}/w1 to revision 2\n`);
    expect(run.stderr).to.contain(`Progressing: batch 2/3: pinned ${ns}/w2, ${ns}/w3 to revision 2`);
    expect(run.stderr).to.match(
      new RegExp(`Halted: halted: batch 2/3 not Ready after 6s: ${ns}/w2 \\(.*\\), ${ns}/w3 \\(.*\\)\\n`),
    );
    expect(await pins(), 'only the first two batches moved').to.deep.equal([2, 2, 2, 2, 1, 1]);
    await claimReady(client, group, ns, 'w0', 2);

    const status = await kubify(['rollout', 'status', 'rollout-cli', '-o', 'json'], env);
    const state = JSON.parse(status.stdout) as RolloutState & {
      claimStatus: { claim: string; ready: string; revision: string }[];
    };
    expect(state).to.deep.include({ phase: 'Halted', revision: 2, batch: 1, batchSize: 2 });
    expect(state.claimStatus.map((r) => [r.claim, r.revision, r.ready])).to.deep.equal([
      [`${ns}/w0`, '2', 'True'],
      [`${ns}/w1`, '2', 'True'],
      [`${ns}/w2`, '2', 'False'],
      [`${ns}/w3`, '2', 'False'],
      [`${ns}/w4`, '1', 'True'],
      [`${ns}/w5`, '1', 'True'],
    ]);
    const table = await kubify(['rollout', 'status', 'rollout-cli'], env);
    expect(table.stdout).to.contain('Phase:       Halted\n');
    expect(table.stdout).to.match(/CLAIM\s+BATCH\s+PIN\s+REVISION\s+READY\s+MESSAGE\n/);

    const abort = await kubify(['rollout', 'abort', 'rollout-cli'], env);
    expect(abort.code, abort.stderr).to.equal(0);
    expect(abort.stdout).to.equal('rollout of rollout-cli revision 2: Aborted\n');
    expect(await pins(), 'back to the pins before the rollout').to.deep.equal([1, 1, 1, 1, 1, 1]);
    for (const name of NAMES) await claimReady(client, group, ns, name, 1);

    const lines = readFileSync(join(dir, 'audit.log'), 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { action: string; claim: { name: string }; revision?: number; result: string },
      );
    expect(
      lines.filter((l) => l.action === 'Pin' && l.revision === 2).map((l) => l.claim.name),
    ).to.deep.equal(['w0', 'w1', 'w2', 'w3']);
    expect(lines.every((l) => l.result === 'Success')).to.equal(true);
  });

  it('pause, resume and promote: promote pins every claim and completes', async () => {
    const start = await kubify(['rollout', 'start', 'rollout-cli', '--batch-size', '3', '--no-wait'], env);
    expect(start.code, start.stderr).to.equal(0);
    expect(start.stdout).to.equal('rollout of rollout-cli revision 2: Progressing\n');
    const pause = await kubify(['rollout', 'pause', 'rollout-cli'], env);
    expect(pause.stdout).to.equal('rollout of rollout-cli revision 2: Paused\n');
    const again = await kubify(['rollout', 'pause', 'rollout-cli'], env);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.equal('error: cannot pause a rollout that is Paused\n');
    const promote = await kubify(['rollout', 'promote', 'rollout-cli'], env);
    expect(promote.stdout).to.equal('rollout of rollout-cli revision 2: Completed\n');
    expect(await pins()).to.deep.equal([2, 2, 2, 2, 2, 2]);
    const resume = await kubify(['rollout', 'resume', 'rollout-cli'], env);
    expect(resume.code).to.equal(1);
    expect(resume.stderr).to.equal('error: cannot resume a rollout that is Completed\n');
  });
});
