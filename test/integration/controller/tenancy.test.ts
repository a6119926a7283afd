/**
 * Tenancy on the real control plane: a namespaced claim changes nothing outside its namespace (another
 * namespace from a constant or from a claim value, a cluster-scoped kind), composes only the kinds its
 * composition declares whatever its values and overrides say, and the values of the Secrets it composes
 * never appear in the operator's logs, the audit lines, Events, the claim's status, `kubify trace` or
 * `kubify diff`.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createLogger } from '../../../engine/controller/logger.ts';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import {
  adminClient,
  compositionReady,
  startTestOperator,
  writeBreakdown,
  type TestOperator,
} from '../../support/operator.ts';
import { kubify } from '../cli/fixtures.ts';
import { condition } from './fixtures.ts';

const group = 'tenancy.test.kubify.io';
const VICTIM = 'tenancy-victim';

const when = (mode: string): string => `{{eq claim.spec.mode "${mode}"}}`;
const resources = [
  {
    id: 'base',
    template: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  annotations:',
      '    note: "{{claim.spec.note}}"',
      'data: {{claim.spec.payload}}',
      '',
    ].join('\n'),
  },
  {
    id: 'constns',
    includeWhen: when('constNs'),
    template: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: ${VICTIM}\ndata:\n  a: b\n`,
  },
  {
    id: 'valuens',
    includeWhen: when('valueNs'),
    template:
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: "{{claim.spec.target}}"\ndata:\n  a: b\n',
  },
  {
    id: 'cluster',
    includeWhen: when('cluster'),
    template: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nrules: []\n',
  },
  {
    id: 'secret',
    includeWhen: when('secret'),
    template: 'apiVersion: v1\nkind: Secret\nstringData:\n  password: "{{claim.spec.password}}"\n',
  },
];

function tenancyComposition(extra: Record<string, unknown>[] = []): KubeObject {
  return {
    apiVersion: 'kubify.io/v1alpha1',
    kind: 'Composition',
    metadata: { name: 'tenancy' },
    spec: {
      api: {
        group,
        version: 'v1alpha1',
        kind: 'Tenant',
        schema: {
          type: 'object',
          properties: {
            mode: { type: 'string', default: 'plain' },
            target: { type: 'string', default: '' },
            note: { type: 'string', default: '' },
            password: { type: 'string', default: '' },
            payload: { type: 'object', additionalProperties: { type: 'string' }, default: {} },
          },
        },
      },
      resources: [...resources, ...extra],
    },
  };
}

describe('operator: tenancy, declared kinds and secret values', function () {
  this.timeout(120_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;
  const lines: string[] = [];

  before(async () => {
    client = await adminClient();
    // every log line the operator writes, at debug level
    op = await startTestOperator({ logger: createLogger('debug', (line) => lines.push(line)) });
    await client
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: VICTIM } })
      .catch(() => undefined);
    await client.apply(tenancyComposition());
    await compositionReady(client, 'tenancy');
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
  });
  beforeEach(async () => {
    ns = await newNamespace('tenancy');
  });

  const ref = (name: string): { apiVersion: string; kind: string; namespace: string; name: string } => ({
    apiVersion: `${group}/v1alpha1`,
    kind: 'Tenant',
    namespace: ns,
    name,
  });
  const claim = (name: string, spec: Record<string, unknown>): Promise<KubeObject> =>
    client.apply({
      apiVersion: `${group}/v1alpha1`,
      kind: 'Tenant',
      metadata: { name, namespace: ns },
      spec,
    });
  const syncedWith = (name: string, reason: string): Promise<KubeObject> =>
    eventually(`Tenant ${name} Synced reason ${reason}`, async () => {
      const c = await client.get(ref(name));
      return condition(c, 'Synced')?.reason === reason ? c : undefined;
    });
  /** Every object kubify composed for claims in `namespace` and in the victim namespace, as `Kind/ns/name`. */
  const composed = async (namespace: string): Promise<string[]> => {
    const out: string[] = [];
    for (const [apiVersion, kind] of [
      ['v1', 'ConfigMap'],
      ['v1', 'Secret'],
    ] as const) {
      const list = await client.list({
        apiVersion,
        kind,
        namespace,
        labelSelector: { 'app.kubernetes.io/managed-by': 'kubify' },
      });
      out.push(...list.items.map((o) => `${kind}/${o.metadata.namespace}/${o.metadata.name}`));
    }
    return out.sort();
  };
  const victimClusterRoles = async (): Promise<string[]> =>
    (
      await client.list({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        labelSelector: { 'kubify.io/claim-namespace': ns },
      })
    ).items.map((o) => o.metadata.name ?? '');

  it('refuses another namespace from a constant and from a claim value; nothing appears there', async () => {
    await claim('fixed', { mode: 'constNs' });
    await claim('chosen', { mode: 'valueNs', target: VICTIM });
    const fixed = await syncedWith('fixed', 'RenderFailed');
    const chosen = await syncedWith('chosen', 'RenderFailed');
    expect(condition(fixed, 'Synced')?.message).to.contain(
      `resource "constns" (ConfigMap fixed-constns) is in namespace "${VICTIM}", but a claim in namespace "${ns}" may only compose objects in its own namespace`,
    );
    expect(condition(chosen, 'Synced')?.message).to.contain(`is in namespace "${VICTIM}"`);
    // a render that fails applies nothing, not even the resources that were fine
    expect(await composed(ns)).to.deep.equal([]);
    expect(await composed(VICTIM)).to.deep.equal([]);
  });

  it('refuses a cluster-scoped kind from a namespaced claim, and applies the rest', async () => {
    await claim('wide', { mode: 'cluster' });
    const wide = await eventually('Tenant wide Synced=False ApplyFailed', async () => {
      const c = await client.get(ref('wide'));
      return condition(c, 'Synced')?.reason === 'ApplyFailed' ? c : undefined;
    });
    expect(condition(wide, 'Synced')?.message).to.equal(
      'cluster: a namespaced claim may not compose the cluster-scoped ClusterRole (rbac.authorization.k8s.io/v1)',
    );
    expect(await victimClusterRoles()).to.deep.equal([]);
    expect(await composed(ns)).to.deep.equal([`ConfigMap/${ns}/wide-base`]);
  });

  it('a claim value cannot change a kind: strings and objects stay values, overrides are refused', async () => {
    const sneaky = 'x\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: stolen}';
    await claim('values', {
      note: sneaky,
      payload: { apiVersion: 'v1', kind: 'Secret', namespace: VICTIM },
    });
    await syncedWith('values', 'ReconcileSuccess');
    const base = await client.get({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: ns,
      name: 'values-base',
    });
    expect(base.kind).to.equal('ConfigMap');
    expect(base.metadata.annotations?.note).to.equal(sneaky);
    expect((base as { data?: unknown }).data).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: VICTIM,
    });
    await claim('override', {
      overrides: { base: [{ op: 'replace', path: '/kind', value: 'Secret' }] },
    });
    await claim('move', {
      overrides: { base: [{ op: 'add', path: '/metadata/namespace', value: VICTIM }] },
    });
    const override = await syncedWith('override', 'RenderFailed');
    const move = await syncedWith('move', 'RenderFailed');
    expect(condition(override, 'Synced')?.message).to.contain('overrides for "base" may not change kind');
    expect(condition(move, 'Synced')?.message).to.contain(
      'overrides for "base" may not change metadata.namespace',
    );
    expect(await composed(ns)).to.deep.equal([`ConfigMap/${ns}/values-base`]);
    expect(await composed(VICTIM)).to.deep.equal([]);
    // the operator's writes, by kind: only the declared ConfigMap (and the claims' own status/finalizers)
    const writes = await writeBreakdown(op.registry);
    expect(writes).to.not.match(/apply (Secret|ClusterRole)\b/);
  });

  it('never shows a Secret value in logs, audit lines, Events, status, trace or diff', async () => {
    const password = `hunter2-${Math.random().toString(36).slice(2, 10)}`;
    const theirs = `theirs-${Math.random().toString(36).slice(2, 10)}`;
    const next = `${password}-rotated`;
    const secrets = [password, theirs, next].flatMap((v) => [v, Buffer.from(v).toString('base64')]);
    // another Secret in the way: refused, and its value (read once to explain) is not echoed either
    await client.create({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'other-secret', namespace: ns },
      stringData: { password: theirs },
    });
    await claim('other', { mode: 'secret', password });
    await syncedWith('other', 'OwnershipConflict');
    await claim('db', { mode: 'secret', password });
    await syncedWith('db', 'ReconcileSuccess');
    await claim('db', { mode: 'secret', password: next });
    await eventually('the rotated Secret', async () => {
      const s = await client.get({ apiVersion: 'v1', kind: 'Secret', namespace: ns, name: 'db-secret' });
      return (s as { data?: { password?: string } }).data?.password === Buffer.from(next).toString('base64');
    });

    const dir = mkdtempSync(join(tmpdir(), 'kubify-tenancy-'));
    try {
      // a composition change that touches the Secret: the diff shows the key changes, not the values
      const changed = tenancyComposition();
      const spec = changed.spec as { resources: { id: string; template: string }[] };
      const secret = spec.resources.find((r) => r.id === 'secret')!;
      secret.template =
        'apiVersion: v1\nkind: Secret\nstringData:\n  password: "{{claim.spec.password}}!"\n  user: app\n';
      writeFileSync(join(dir, 'changed.yaml'), stringify(changed));
      const diff = await kubify(['diff', '--composition', join(dir, 'changed.yaml')]);
      // (claims of the earlier tests in other namespaces would fail to render: that is not this test)
      expect(diff.stdout, diff.stderr).to.contain('Composition tenancy:');
      expect(diff.stdout).to.contain('-  password: "*** (before)"');
      expect(diff.stdout).to.contain('+  password: "*** (after)"');
      expect(diff.stdout).to.contain('+  user: "***"');
      const trace = await kubify(['trace', `tenant.${group}/db`, '-n', ns, '-o', 'yaml']);
      const traceOther = await kubify(['trace', `tenant.${group}/other`, '-n', ns]);
      expect(trace.code, trace.stdout + trace.stderr).to.equal(0);

      const events = [
        ...(await client.list({ apiVersion: 'events.k8s.io/v1', kind: 'Event', namespace: ns })).items,
        ...(await client.list({ apiVersion: 'v1', kind: 'Event', namespace: ns })).items,
      ];
      expect(events.length).to.be.greaterThan(0);
      const claims = [await client.get(ref('db')), await client.get(ref('other'))];
      const haystacks: Record<string, string> = {
        'operator logs': lines.join('\n'),
        'audit lines': JSON.stringify(op.logs),
        events: JSON.stringify(events),
        'claim status': JSON.stringify(claims.map((c) => c.status)),
        'kubify trace': trace.stdout + trace.stderr + traceOther.stdout + traceOther.stderr,
        'kubify diff': diff.stdout + diff.stderr,
      };
      expect(lines.length, 'the operator logged').to.be.greaterThan(0);
      for (const [where, text] of Object.entries(haystacks)) {
        for (const value of secrets)
          expect(text, `${where} must not contain a secret value`).to.not.contain(value);
      }
      expect(haystacks['claim status']).to.contain(
        `Secret ${ns}/other-secret exists and is not managed by kubify`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
