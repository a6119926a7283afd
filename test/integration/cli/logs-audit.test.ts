/**
 * `kubify logs` and `kubify audit` on the real control plane. The embedded control plane runs no pods
 * (no scheduler, no kubelet): the test creates Pod objects itself, proves the selection against the
 * real API server, and reads logs through a stubbed log source; the real `/log` call returns an empty
 * log, since no node holds the pods.
 */
import { expect } from 'chai';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { AuditLog } from '../../../engine/controller/audit.ts';
import { claimLogTargets, mergeLogs, type LogSource } from '../../../engine/cli/lib/workload-logs.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { adminClient, startTestOperator, type TestOperator } from '../../support/operator.ts';
import { claimReady, composition, compositionReady, kubify, widget } from './fixtures.ts';

const group = 'logs.cli.test.kubify.io';
const deployment = {
  id: 'web',
  template: `apiVersion: apps/v1
kind: Deployment
spec:
  selector:
    matchLabels: {app: "{{claim.metadata.name}}"}
  template:
    metadata:
      labels: {app: "{{claim.metadata.name}}"}
    spec:
      containers:
        - {name: app, image: "nginx:1.27"}
        - {name: sidecar, image: "busybox:1.36"}
`,
};

function pod(ns: string, name: string, app: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app } },
    spec: {
      containers: [
        { name: 'app', image: 'nginx:1.27' },
        { name: 'sidecar', image: 'busybox:1.36' },
      ],
    },
  };
}

describe('kubify logs and kubify audit', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;
  let claim: KubeObject;

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    await client.apply(composition('logs-cli', group, [deployment]));
    await compositionReady(client, 'logs-cli');
    ns = await newNamespace('logs');
    await client.apply(widget(group, ns, 'shop'));
    claim = await claimReady(client, group, ns, 'shop');
    for (const [name, app] of [
      ['shop-b', 'shop'],
      ['shop-a', 'shop'],
      ['other', 'other'],
    ] as const)
      await client.create(pod(ns, name, app));
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });

  it("selects the pods of the claim's Deployment through its selector and merges their logs with prefixes", async () => {
    const { workloads, targets } = await claimLogTargets(client, claim);
    expect(workloads).to.deep.equal([{ name: 'Deployment/shop-web', namespace: ns, selector: 'app=shop' }]);
    expect(targets.map((t) => `${t.pod}/${t.container}`)).to.deep.equal([
      'shop-a/app',
      'shop-a/sidecar',
      'shop-b/app',
      'shop-b/sidecar',
    ]);
    const asked: string[] = [];
    const stub: LogSource = async (t, options, onLine) => {
      asked.push(`${t.pod}/${t.container} since=${String(options.sinceSeconds)}`);
      await new Promise((r) => setTimeout(r, t.pod === 'shop-a' ? 20 : 0));
      onLine(`hello from ${t.pod}`);
      onLine(`bye from ${t.container}`);
    };
    const printed: string[] = [];
    const result = await mergeLogs(targets, stub, { sinceSeconds: 60 }, (l) => printed.push(l));
    expect(result.failed).to.deep.equal([]);
    expect(asked.sort()).to.deep.equal([
      'shop-a/app since=60',
      'shop-a/sidecar since=60',
      'shop-b/app since=60',
      'shop-b/sidecar since=60',
    ]);
    expect(printed).to.deep.equal([
      '[pod/shop-a/app] hello from shop-a',
      '[pod/shop-a/app] bye from app',
      '[pod/shop-a/sidecar] hello from shop-a',
      '[pod/shop-a/sidecar] bye from sidecar',
      '[pod/shop-b/app] hello from shop-b',
      '[pod/shop-b/app] bye from app',
      '[pod/shop-b/sidecar] hello from shop-b',
      '[pod/shop-b/sidecar] bye from sidecar',
    ]);
  });

  it('the CLI reads each log from the API server (empty: no node runs the pods); a workload without pods is exit 1', async () => {
    const run = await kubify(['logs', `widget.${group}/shop`, '-n', ns, '-c', 'app', '--since', '5m']);
    expect(run).to.deep.equal({ code: 0, stdout: '', stderr: '' });
    await client.apply(widget(group, ns, 'lonely'));
    await claimReady(client, group, ns, 'lonely');
    const none = await kubify(['logs', `widget.${group}/lonely`, '-n', ns]);
    expect(none).to.deep.equal({
      code: 1,
      stdout: '',
      stderr: 'warning: Widget/lonely has no pods for Deployment/lonely-web\n',
    });
  });

  it('audit: Events recorded on the claim are listed by kubify audit, oldest first', async () => {
    const lines: string[] = [];
    const actor = 'system:serviceaccount:kubify-system:kubify-operator';
    const audit = new AuditLog({
      client,
      actor,
      source: 'operator',
      write: (l) => lines.push(l),
    });
    const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-web', namespace: ns };
    audit.record({ action: 'Apply', target, claim, revision: 1, message: 'applied 1 object(s)' });
    await new Promise((r) => setTimeout(r, 5));
    audit.record({ action: 'Delete', target, claim, revision: 1, result: 'Failure', message: 'forbidden' });
    await audit.flush();
    expect(lines.map((l) => (JSON.parse(l) as { action: string }).action)).to.deep.equal(['Apply', 'Delete']);
    const run = await eventually('audit records', async () => {
      const r = await kubify(['audit', `widget.${group}/shop`, '-n', ns, '-o', 'json']);
      const recorded = (JSON.parse(r.stdout) as { items: { actor: string }[] }).items;
      return recorded.filter((i) => i.actor === actor).length === 2 ? r : undefined;
    });
    // The operator running in this test audits its own changes to the claim too: keep this actor's.
    const items = (
      JSON.parse(run.stdout) as {
        items: { action: string; result: string; actor: string; claim: { name: string } }[];
      }
    ).items.filter((i) => i.actor === actor);
    expect(items.map((i) => [i.action, i.result, i.claim.name])).to.deep.equal([
      ['Apply', 'Success', 'shop'],
      ['Delete', 'Failure', 'shop'],
    ]);
    const table = await kubify(['audit', `widget.${group}/shop`, '-n', ns]);
    expect(table.stdout.split('\n')[0]).to.match(
      /^TIME\s+CLAIM\s+ACTOR\s+ACTION\s+TARGET\s+REVISION\s+RESULT\s+MESSAGE$/,
    );
    expect(table.stdout).to.match(
      /Widget\/shop\s+system:serviceaccount:kubify-system:kubify-operator\s+Delete\s+Deployment\/shop-web\s+1\s+Failure\s+forbidden\n/,
    );
    const events = await client.listAll({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
    const audited = events.items.filter((e) => String(e.reason).startsWith('Audit'));
    expect(audited.map((e) => [e.reason, (e.regarding as { uid?: string }).uid])).to.deep.include([
      'AuditApply',
      claim.metadata.uid,
    ]);
  });

  it("audit: lists the operator's change that made the claim Ready, recorded on the transition's Event", async () => {
    const run = await eventually('the operator audit record', async () => {
      const r = await kubify(['audit', `widget.${group}/shop`, '-n', ns, '-o', 'json']);
      const items = (
        JSON.parse(r.stdout) as {
          items: { action: string; actor: string; target: { kind: string }; message?: string }[];
        }
      ).items;
      return items.find((i) => i.actor === 'kubify-admin' && i.target.kind === 'Widget');
    });
    expect(run).to.include({ action: 'Apply' });
    expect(run.message).to.contain('apply Deployment/shop-web');
    const events = await client.listAll({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns });
    const transitions = events.items.filter(
      (e) => (e.regarding as { name?: string }).name === 'shop' && e.reason === 'Ready',
    );
    expect(transitions.map((e) => [e.action, e.reportingController])).to.deep.equal([
      ['Apply', 'kubify.io/audit'],
    ]);
  });
});
