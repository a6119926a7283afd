/**
 * The validating admission webhook on the real API server, reached by URL, with the operator's
 * self-managed certificates: `kubectl apply` of a broken Composition fails with exactly the problems
 * `kubify validate` prints for the same file (without its file:line:col prefix); a good one applies and
 * becomes Ready; and with no replica answering, failurePolicy Ignore lets Compositions through and the
 * operator reports the problems on the Composition's status instead.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { eventually } from '../../support/http.ts';
import { denial, kubectl, validateProblemLines } from '../../support/kubectl.ts';
import { adminClient, type TestOperator } from '../../support/operator.ts';
import { registerWebhook, startWebhookOperator, unregisterWebhook, VWC } from '../../support/webhook.ts';
import { condition, configResource, widgetComposition } from './fixtures.ts';

const NAMES = { configurationName: 'kubify-webhook-test', secretName: 'kubify-webhook-test-cert' };
const CONFIG_NAME = NAMES.configurationName;
const SECRET_NAME = NAMES.secretName;
const group = 'webhook.test.kubify.io';
const compositionRef = (name: string): { apiVersion: string; kind: string; name: string } => ({
  apiVersion: 'kubify.io/v1alpha1',
  kind: 'Composition',
  name,
});

const template = (body: string): string => body.replace(/^\n/, '');

/** Broken Compositions of several kinds, each as a YAML file a user would apply. */
function brokenCompositions(): Record<string, KubeObject> {
  const base = (name: string, resources: Record<string, unknown>[], extra = {}): KubeObject =>
    widgetComposition(name, `${name}.${group}`, resources, extra);
  const cm = (id: string, data: string): Record<string, unknown> => ({
    id,
    template: template(`
apiVersion: v1
kind: ConfigMap
data:
  ${data}
`),
  });
  return {
    'unknown-helper': base('wh-helper', [cm('config', 'a: "{{frobnicate claim.spec.color}}"')]),
    'unknown-claim-path': base('wh-path', [cm('config', 'a: "{{claim.spec.colour}}"')]),
    'unknown-resource': base('wh-ref', [cm('config', 'a: "{{resources.nope.status.x}}"')]),
    cycle: base('wh-cycle', [cm('a', 'x: "{{resources.b.data.x}}"'), cm('b', 'x: "{{resources.a.data.x}}"')]),
    'unclosed-block': base('wh-block', [cm('config', 'a: "{{#if claim.spec.extra}}yes"')]),
    'status-field-not-in-schema': base('wh-status', [configResource], {
      api: {
        group: `wh-status.${group}`,
        version: 'v1alpha1',
        kind: 'Widget',
        schema: { type: 'object', properties: { color: { type: 'string' } } },
        statusSchema: { type: 'object', properties: { url: { type: 'string' } } },
      },
      status: { endpoint: '{{claim.spec.color}}' },
    }),
    'reserved-field': base('wh-reserved', [configResource], {
      api: {
        group: `wh-reserved.${group}`,
        version: 'v1alpha1',
        kind: 'Widget',
        schema: { type: 'object', properties: { overrides: { type: 'string' } } },
      },
    }),
    'duplicate-ids': base('wh-dup', [configResource, configResource]),
    'non-constant-kind': base('wh-kind', [
      { id: 'config', template: 'apiVersion: v1\nkind: "{{claim.spec.color}}"\n' },
    ]),
  };
}

describe('admission webhook for Compositions (kubectl, real API server)', function () {
  this.timeout(180_000);
  let client: KubeClient;
  let op: TestOperator | undefined;
  let dir: string;

  const startOperator = (): Promise<TestOperator> => startWebhookOperator(NAMES);

  const writeYaml = (name: string, object: KubeObject): string => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, stringify(object, { lineWidth: 0 }));
    return file;
  };

  before(async function () {
    client = await adminClient();
    dir = mkdtempSync(join(tmpdir(), 'kubify-webhook-'));
    op = await startOperator();
    await registerWebhook(client, op, NAMES, dir, brokenCompositions()['unknown-helper']!);
  });

  after(async function () {
    await op?.operator.stop();
    if (client) await unregisterWebhook(client, NAMES);
    for (const name of Object.values(brokenCompositions()).map((o) => o.metadata.name ?? ''))
      await client?.delete(compositionRef(name)).catch(() => undefined);
    await client?.delete(compositionRef('wh-good')).catch(() => undefined);
    client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the self-managed CA and serving certificate in a Secret of its namespace', async function () {
    const secret = await client.get({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: 'kubify-system',
      name: SECRET_NAME,
    });
    const data = (secret as { data?: Record<string, string> }).data ?? {};
    expect(Object.keys(data).sort()).to.deep.equal(['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    const vwc = await client.get({ ...VWC, name: CONFIG_NAME });
    const hooks = (vwc as unknown as { webhooks: { clientConfig: { caBundle: string } }[] }).webhooks;
    expect(hooks[0]?.clientConfig.caBundle).to.equal(data['ca.crt']);
  });

  it('refuses each broken Composition with exactly what kubify validate prints for the file', async function () {
    const cases = brokenCompositions();
    for (const [name, object] of Object.entries(cases)) {
      const file = writeYaml(name, object);
      const validated = await validateProblemLines(file);
      expect(validated.code, `kubify validate ${name}`).to.equal(1);
      expect(validated.lines, `kubify validate ${name} prints errors`).to.not.be.empty;
      const applied = await kubectl(['apply', '-f', file]);
      expect(applied.code, `kubectl apply ${name}: ${applied.stdout}`).to.not.equal(0);
      const message = denial(applied.stderr);
      expect(message, `kubectl apply ${name} is denied by the webhook: ${applied.stderr}`).to.be.a('string');
      expect(message, name).to.equal(validated.lines.join('\n'));
      const stored = await client.find(compositionRef(object.metadata.name ?? ''));
      expect(stored, `${name} was not stored`).to.equal(undefined);
    }
  });

  it('leaves what the Composition CRD schema already refuses to the API server, which names the same fields', async function () {
    const object = widgetComposition('wh-schema', `wh-schema.${group}`, [configResource]);
    delete (object.spec as { api: { kind?: string } }).api.kind;
    (object.spec as { resources: unknown[] }).resources.push({ id: 'Not An Id', template: 7 });
    const file = writeYaml('schema-violation', object);
    const validated = await validateProblemLines(file);
    const paths = validated.lines.map((l) => l.slice(0, l.indexOf(': '))).sort();
    expect(paths).to.deep.equal(['spec.api.kind', 'spec.resources[1].id', 'spec.resources[1].template']);
    const applied = await kubectl(['apply', '-f', file]);
    expect(applied.code).to.not.equal(0);
    expect(applied.stderr).to.include('The Composition "wh-schema" is invalid');
    for (const path of ['spec.api.kind', 'spec.resources[1].id', 'spec.resources[1].template'])
      expect(applied.stderr).to.include(path);
  });

  it('lets a good Composition through, then refuses a broken update and keeps the good one', async function () {
    const good = widgetComposition('wh-good', `good.${group}`, [configResource]);
    const file = writeYaml('good', good);
    const applied = await kubectl(['apply', '-f', file]);
    expect(applied.code, applied.stderr).to.equal(0);
    await eventually('wh-good Ready', async () => {
      const c = await client.get(compositionRef('wh-good'));
      return condition(c, 'Ready')?.status === 'True';
    });
    const broken = structuredClone(good);
    (broken.spec as { resources: Record<string, unknown>[] }).resources[0] = {
      id: 'config',
      template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "{{claim.spec.colour}}"\n',
    };
    const brokenFile = writeYaml('good-broken', broken);
    const update = await kubectl(['apply', '-f', brokenFile]);
    expect(update.code).to.not.equal(0);
    expect(denial(update.stderr)).to.equal((await validateProblemLines(brokenFile)).lines.join('\n'));
    const stored = await client.get(compositionRef('wh-good'));
    const resources = (stored.spec as { resources: { template: string }[] }).resources;
    expect(resources[0]?.template).to.equal(configResource.template);
  });

  it('with no replica answering, lets Compositions through (failurePolicy Ignore); the operator reports them on status', async function () {
    await op?.operator.stop();
    op = undefined;
    // The configuration stays registered: the API server cannot reach the webhook and ignores it.
    const object = brokenCompositions()['unknown-claim-path']!;
    const file = writeYaml('while-down', object);
    const applied = await kubectl(['apply', '-f', file]);
    expect(applied.code, applied.stderr).to.equal(0);
    // Thousands of problems would not fit: the status keeps 50 and the condition gives the count.
    const many = widgetComposition(
      'wh-many',
      `wh-many.${group}`,
      Array.from({ length: 60 }, (_, i) => ({
        id: `r${i}`,
        template: `apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "{{nope${i} 1}}"\n`,
      })),
    );
    await client.apply(many);
    op = await startOperator();
    const name = object.metadata.name ?? '';
    const ready = await eventually(`${name} Ready=False`, async () => {
      const c = await client.get(compositionRef(name));
      const ready = condition(c, 'Ready');
      return ready?.status === 'False' && ready.reason === 'CompileFailed' ? { c, ready } : undefined;
    });
    const expected = (await validateProblemLines(file)).lines;
    expect(expected).to.have.length(1);
    expect(ready.ready.message).to.include(expected[0]);
    try {
      const c = await eventually('wh-many Ready=False', async () => {
        const got = await client.get(compositionRef('wh-many'));
        return condition(got, 'Ready')?.reason === 'CompileFailed' ? got : undefined;
      });
      expect((c.status as { problems: unknown[] }).problems).to.have.length(50);
      expect(condition(c, 'Ready')?.message).to.match(/^60 problem\(s\): /);
    } finally {
      await client.delete(compositionRef('wh-many')).catch(() => undefined);
    }
  });
});
