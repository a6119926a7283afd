/**
 * `kubify operator` as a real process (bin/kubify.js) against the embedded control plane: free ports,
 * probes, metrics, a claim that converges, JSON logs, and SIGTERM -> Lease released, exit 0.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { OPERATOR_DEFAULTS, operatorOptions, parseDuration } from '../../../engine/cli/lib/operator.ts';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace, sharedControlPlane } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { adminClient, applyFile, installPack } from '../../support/operator.ts';
import { REPO_ROOT, runKubify } from '../../unit/cli/run-cli.ts';

type LogLine = Record<string, unknown> & { msg?: string; level?: string };

describe('kubify operator flags', () => {
  it('parses Go-style durations and rejects others', () => {
    expect(parseDuration('--x', '15s')).to.equal(15_000);
    expect(parseDuration('--x', '1m30s')).to.equal(90_000);
    expect(parseDuration('--x', '250ms')).to.equal(250);
    expect(parseDuration('--x', '0')).to.equal(0);
    expect(() => parseDuration('--lease-duration', '15')).to.throw('--lease-duration: invalid duration "15"');
  });

  it('defaults the namespace to $POD_NAMESPACE, then kubify-system; 0 disables an endpoint', () => {
    const flags = { ...OPERATOR_DEFAULTS, metricsBindAddress: '0' };
    expect(operatorOptions(flags, { POD_NAMESPACE: 'ops' }).namespace).to.equal('ops');
    const options = operatorOptions(flags, {});
    expect(options).to.include({ namespace: 'kubify-system', healthBindAddress: ':8081', workers: 16 });
    expect(options).not.to.have.property('metricsBindAddress');
    expect(options).to.include({ resyncMs: 600_000, leaseDurationMs: 10_000, logLevel: 'info' });
  });

  it('auto-installs missing upstream APIs unless told --auto-install=false', () => {
    expect(operatorOptions({ ...OPERATOR_DEFAULTS }, {}).autoInstall).to.equal(true);
    expect(operatorOptions({ ...OPERATOR_DEFAULTS, autoInstall: 'false' }, {}).autoInstall).to.equal(false);
    expect(() => operatorOptions({ ...OPERATOR_DEFAULTS, autoInstall: 'maybe' }, {})).to.throw(
      '--auto-install: "maybe" is not true or false',
    );
  });

  it('rejects bad flags with exit 2 before connecting anywhere', async () => {
    for (const [flag, value, message] of [
      ['--workers', '0', '--workers: "0" is not a whole number'],
      ['--log-level', 'loud', '--log-level: "loud" is not one of debug, info, warn, error'],
      ['--metrics-bind-address', 'localhost', '--metrics-bind-address: invalid bind address'],
    ] as const) {
      const run = await runKubify(['operator', flag, value]);
      expect(run.code, flag).to.equal(2);
      expect(run.stderr, flag).to.contain(message);
    }
  });
});

describe('kubify operator (a process against the control plane)', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let leaseNs: string;
  let claimNs: string;
  const logs: LogLine[] = [];
  let ports: { metrics: string; health: string };

  const waitLog = (msg: string): Promise<LogLine> =>
    eventually(`log line "${msg}"`, () => logs.find((l) => l.msg === msg), 60_000);

  before(async () => {
    const cp = await sharedControlPlane();
    client = await adminClient();
    await applyFile(client, join(REPO_ROOT, 'test', 'fixtures', 'crds', 'ray.io_rayservices.yaml'));
    leaseNs = await newNamespace('op-lease');
    claimNs = await newNamespace('op-claims');
    child = spawn(
      process.execPath,
      [
        join(REPO_ROOT, 'bin', 'kubify.js'),
        'operator',
        ...['--kubeconfig', cp.kubeconfigPath, '--namespace', leaseNs],
        ...['--metrics-bind-address', '127.0.0.1:0', '--health-probe-bind-address', '127.0.0.1:0'],
        ...['--artifact-bind-address', '127.0.0.1:0', '--leader-elect', '--lease-duration', '5s'],
        ...['--workers', '2', '--resync-period', '0'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT },
    );
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let partial = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter((l) => l.trim() !== '')) {
        try {
          logs.push(JSON.parse(line) as LogLine);
        } catch {
          logs.push({ msg: 'not json', text: line });
        }
      }
    });
    const serving = await waitLog('serving');
    ports = { metrics: String(serving.metrics), health: String(serving.health) };
  });

  after(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    client?.close();
  });

  it('logs JSON lines with time, level and message, including the addresses it bound', () => {
    expect(logs.filter((l) => l.msg === 'not json')).to.deep.equal([]);
    for (const l of logs) expect(l).to.include.keys('time', 'level', 'msg');
    expect(ports.metrics).to.match(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(ports.health)
      .to.match(/^127\.0\.0\.1:[1-9]\d*$/)
      .and.not.equal(ports.metrics);
  });

  it('answers /healthz, then /readyz once it leads and its caches are synced', async () => {
    const health = await fetch(`http://${ports.health}/healthz`);
    expect(health.status).to.equal(200);
    expect(await health.text()).to.equal('ok\n');
    await waitLog('became leader');
    await eventually('/readyz to be 200', async () =>
      (await fetch(`http://${ports.health}/readyz`)).ok ? true : undefined,
    );
  });

  it('serves a pack and converges a claim to Synced=True', async () => {
    await installPack(client, join(REPO_ROOT, 'compositions', 'rayservice'));
    const claim = parse(
      readFileSync(join(REPO_ROOT, 'compositions', 'rayservice', 'examples', 'minimal.yaml'), 'utf8'),
    ) as KubeObject;
    await client.apply({ ...claim, metadata: { name: 'op-fruit', namespace: claimNs } });
    await eventually(
      'the claim to be Synced',
      async () => {
        const got = await client.find({
          apiVersion: claim.apiVersion,
          kind: claim.kind,
          namespace: claimNs,
          name: 'op-fruit',
        });
        const conditions = (got?.status as { conditions?: { type: string; status: string }[] } | undefined)
          ?.conditions;
        return conditions?.some((c) => c.type === 'Synced' && c.status === 'True') ? true : undefined;
      },
      60_000,
    );
    const child = await client.get({
      apiVersion: 'ray.io/v1',
      kind: 'RayService',
      namespace: claimNs,
      name: 'op-fruit-rayservice',
    });
    expect(child.metadata.name).to.equal('op-fruit-rayservice');
  });

  it('exposes kubify_ metrics at /metrics', async () => {
    const res = await fetch(`http://${ports.metrics}/metrics`);
    expect(res.status).to.equal(200);
    const text = await res.text();
    for (const name of [
      'kubify_reconcile_total',
      'kubify_reconcile_duration_seconds',
      'kubify_queue_depth',
      'kubify_api_requests_total',
      'kubify_apply_total',
    ])
      expect(text, name).to.contain(`# TYPE ${name} `);
    expect(text).to.match(/kubify_reconcile_total\{[^}]*kind="RayService"[^}]*\} [1-9]/);
  });

  it('stops on SIGTERM: releases the Lease and exits 0', async () => {
    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    expect(code).to.equal(0);
    expect(logs.map((l) => l.msg)).to.include.members(['shutting down', 'operator stopped']);
    const lease = await client.get({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      namespace: leaseNs,
      name: 'kubify-operator',
    });
    expect((lease.spec as { holderIdentity?: string }).holderIdentity ?? '').to.equal('');
  });
});
