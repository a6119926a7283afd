/**
 * A representative share of the bad-input corpus (every category) applied with the pinned kubectl to the
 * real API server while the operator runs with its admission webhook. Broken Compositions are refused
 * (kubectl cannot parse the file, the Composition CRD schema names the field, or the webhook says exactly
 * what `kubify validate` says); broken claims are refused by their CRD schema with a field path, or
 * admitted and reported on the claim's Synced condition with the code and field path; claims needing a
 * missing CRD say which API. Meanwhile a healthy claim keeps converging, and at the end the operator is
 * still reconciling.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeClient, KubeObject } from '../../../engine/kube/index.ts';
import { badInputCorpus, CATEGORIES, type BadCase, type Category } from '../../support/bad-input/corpus.ts';
import { newNamespace } from '../../support/cluster.ts';
import { eventually } from '../../support/http.ts';
import { denial, kubectl, validateProblemLines } from '../../support/kubectl.ts';
import { adminClient, compositionReady, type TestOperator } from '../../support/operator.ts';
import { registerWebhook, startWebhookOperator, unregisterWebhook } from '../../support/webhook.ts';
import { condition, configResource, widgetComposition } from './fixtures.ts';

const NAMES = { configurationName: 'kubify-bad-input-test', secretName: 'kubify-bad-input-test-cert' };
const HEALTHY_GROUP = 'healthy.bad-input.test.kubify.io';
/** Cases applied per category (all of `missing-crd` and `deep`). */
const PER_CATEGORY = 8;
/** Claims of these packs are applied (their Compositions are installed); others stay unit-level. */
const CLAIM_PACKS = ['redis', 'postgresql'];

type Outcome = 'kubectl' | 'schema' | 'webhook' | 'status' | 'missing-api' | 'too-large';

const corpus = await badInputCorpus();

/** Up to PER_CATEGORY cases of each category, spread over targets, packs and mutations. */
function representative(): BadCase[] {
  const usable = corpus.filter((c) => {
    // kubectl (Go YAML) keeps the last of duplicate keys instead of refusing them; kubify validate refuses.
    if (c.id.includes('duplicate-key')) return false;
    if (c.target === 'composition') return true;
    const name = (c.composition?.metadata as { name?: string } | undefined)?.name ?? '';
    // A lone surrogate cannot be written as UTF-8: kubectl (Go) replaces it with U+FFFD before sending.
    if (c.id.includes('unicode-value')) return false;
    return name.startsWith('seed') || name.startsWith('missing') || CLAIM_PACKS.includes(name);
  });
  const out: BadCase[] = [];
  for (const category of CATEGORIES) {
    const of = usable.filter((c) => c.category === category);
    const n = category === 'missing-crd' || category === 'deep' ? of.length : PER_CATEGORY;
    const step = Math.max(1, Math.floor(of.length / n));
    for (let i = 0; i < of.length && out.filter((c) => c.category === category).length < n; i += step)
      out.push(of[i] as BadCase);
  }
  return out;
}

describe('bad input on a real API server, operator and webhook running', function () {
  this.timeout(600_000);
  let client: KubeClient;
  let op: TestOperator | undefined;
  let dir: string;
  let ns: string;
  const applied: KubeObject[] = [];
  const outcomes = new Map<Category, Map<Outcome, number>>();
  const count = (category: Category, outcome: Outcome): void => {
    const m = outcomes.get(category) ?? new Map<Outcome, number>();
    m.set(outcome, (m.get(outcome) ?? 0) + 1);
    outcomes.set(category, m);
  };

  const healthy = (color: string): KubeObject => ({
    apiVersion: `${HEALTHY_GROUP}/v1alpha1`,
    kind: 'Widget',
    metadata: { name: 'healthy', namespace: ns },
    spec: { color },
  });
  const healthyConverged = (color: string): Promise<unknown> =>
    eventually(
      `the healthy claim to converge on ${color}`,
      async () => {
        const cm = await client.find({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: ns,
          name: 'healthy-config',
        });
        return (cm as { data?: Record<string, string> } | undefined)?.data?.color === color;
      },
      60_000,
    );

  before(async function () {
    client = await adminClient();
    dir = mkdtempSync(join(tmpdir(), 'kubify-bad-input-it-'));
    ns = await newNamespace('bad-input');
    op = await startWebhookOperator(NAMES);
    const probe = widgetComposition('bad-input-probe', 'probe.bad-input.test.kubify.io', [
      { id: 'config', template: 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: "{{nope 1}}"\n' },
    ]);
    await registerWebhook(client, op, NAMES, dir, probe);
    // The compositions the claims of the sample need, and a healthy claim alongside.
    const { readPack, toCompositionObject } = await import('../../../engine/packs/index.ts');
    const { PACKS_DIR } = await import('../../support/bad-input/corpus.ts');
    const compositions: KubeObject[] = [
      widgetComposition('bad-input-healthy', HEALTHY_GROUP, [configResource]),
    ];
    for (const pack of CLAIM_PACKS) {
      const object = toCompositionObject(await readPack(join(PACKS_DIR, pack))).object;
      if (object) compositions.push(object as unknown as KubeObject);
    }
    const seen = new Set<string>();
    for (const c of representative()) {
      const comp = c.composition as KubeObject | undefined;
      const name = comp?.metadata.name ?? '';
      if (!comp || seen.has(name) || CLAIM_PACKS.includes(name)) continue;
      seen.add(name);
      compositions.push(comp);
    }
    for (const c of compositions) {
      await client.apply(c);
      applied.push(c);
    }
    for (const c of compositions) await compositionReady(client, c.metadata.name ?? '');
    await client.apply(healthy('blue'));
    await healthyConverged('blue');
  });

  after(async function () {
    if (client) {
      const ref = { apiVersion: `${HEALTHY_GROUP}/v1alpha1`, kind: 'Widget', namespace: ns, name: 'healthy' };
      await client.delete(ref).catch(() => undefined);
    }
    await op?.operator.stop();
    if (client) {
      await unregisterWebhook(client, NAMES);
      for (const c of applied)
        await client
          .delete({ apiVersion: c.apiVersion, kind: c.kind, name: c.metadata.name ?? '' })
          .catch(() => undefined);
      client.close();
    }
    rmSync(dir, { recursive: true, force: true });
    const table = [...outcomes].map(([c, m]) => `${c}: ${[...m].map(([o, n]) => `${o} ${n}`).join(', ')}`);
    // KUBIFY_BAD_INPUT_REPORT=<file>: how each category was refused, for docs/reliability.md.
    const report = process.env.KUBIFY_BAD_INPUT_REPORT;
    if (report) writeFileSync(report, `${table.join('\n')}\n`);
  });

  it('covers every category with tens of cases', function () {
    const sample = representative();
    expect(sample.length).to.be.at.least(50);
    for (const category of CATEGORIES)
      expect(
        sample.some((c) => c.category === category),
        category,
      ).to.equal(true);
  });

  it('refuses or reports each case with a field path or a line; a healthy claim keeps converging', async function () {
    const sample = representative();
    let round = 0;
    for (const c of sample) {
      const file = join(dir, `${c.id}.yaml`);
      // Claims go to this test's namespace (the examples name their own).
      const text =
        c.target === 'claim'
          ? c.text
              .replace(/\n {2}namespace: [^\n]*\n/, `\n  namespace: ${ns}\n`)
              .replace(/"namespace":"[^"]*"/, `"namespace":"${ns}"`)
          : c.text;
      writeFileSync(file, text);
      const outcome =
        c.target === 'composition' ? await applyComposition(c, file) : await applyClaim(c, file);
      count(c.category, outcome);
      round += 1;
      if (round % 10 === 0) {
        const color = `round${round}`;
        await client.apply(healthy(color));
        await healthyConverged(color);
      }
    }
    // Still reconciling at the end: a change to the healthy claim is acted on.
    await client.apply(healthy('final'));
    await healthyConverged('final');
    expect(op?.operator.compositions()?.hasSynced()).to.equal(true);
  });

  async function applyComposition(c: BadCase, file: string): Promise<Outcome> {
    const run = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
    const shown = `${c.id}: ${run.stderr.slice(0, 1500)}`;
    expect(run.code, `${c.id} must be refused`).to.not.equal(0);
    const name = (c.object?.metadata as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && /^[a-z0-9.-]+$/.test(name)) {
      // Not stored; or, for a Composition installed above, left as it was (never updated).
      const stored = await client.find({ apiVersion: 'kubify.io/v1alpha1', kind: 'Composition', name });
      if (applied.some((a) => a.metadata.name === name))
        expect(stored?.metadata.generation, `${c.id}: the installed ${name} is unchanged`).to.equal(1);
      else expect(stored, `${c.id} was not stored`).to.equal(undefined);
    }
    const denied = denial(run.stderr);
    if (denied !== undefined) {
      const { lines } = await validateProblemLines(file);
      const listed = lines.slice(0, 20);
      if (lines.length > 20)
        listed.push(`... and ${lines.length - 20} more (run kubify validate on the file to see them all)`);
      expect(denied, shown).to.equal(listed.join('\n'));
      return 'webhook';
    }
    if (
      /is invalid|Invalid value|Required value|Unsupported value|strict decoding error|field not declared in schema|failed to create typed patch object/.test(
        run.stderr,
      )
    ) {
      expect(run.stderr, `${shown}: names a field`).to.match(/\b(spec|metadata)\.[A-Za-z[\]0-9.]+/);
      return 'schema';
    }
    if (/too large|too long|exceeds|larger than/i.test(run.stderr)) return 'too-large';
    // Not even sent: kubectl names the file and, for YAML errors, the line.
    expect(run.stderr, shown).to.include(file);
    expect(run.stderr, shown).to.match(
      /line \d+|error (parsing|converting)|unable to decode|no objects passed|is missing in/i,
    );
    return 'kubectl';
  }

  async function applyClaim(c: BadCase, file: string): Promise<Outcome> {
    const run = await kubectl(['apply', '--server-side', '--force-conflicts', '-f', file]);
    const shown = `${c.id}: ${run.stderr.slice(0, 1500)}`;
    if (run.code !== 0) {
      if (
        /is invalid|Invalid value|Required value|strict decoding error|unknown field|field not declared in schema|failed to create typed patch object/.test(
          run.stderr,
        )
      ) {
        expect(run.stderr, `${shown}: names a field`).to.match(/\b(spec|metadata)(\.[A-Za-z[\]0-9.-]+)?/);
        return 'schema';
      }
      if (/too large|too long|exceeds|larger than/i.test(run.stderr)) return 'too-large';
      expect(run.stderr, shown).to.include(file);
      return 'kubectl';
    }
    // Admitted: the operator must say what is wrong on the claim, with the code and the field path.
    const object = c.object as KubeObject;
    const ref = {
      apiVersion: String(object.apiVersion),
      kind: String(object.kind),
      namespace: ns,
      name: String(object.metadata.name),
    };
    const synced = await eventually(
      `${c.id}: Synced=False on the claim`,
      async () => {
        const got = await client.get(ref);
        const s = condition(got, 'Synced');
        return s?.status === 'False' ? s : undefined;
      },
      60_000,
    );
    await client.delete(ref).catch(() => undefined);
    if (c.category === 'missing-crd') {
      expect(synced.reason, shown).to.equal('MissingAPI');
      expect(synced.message, shown).to.include('nothere.bad.kubify.io');
      return 'missing-api';
    }
    expect(synced.reason, shown).to.equal('RenderFailed');
    expect(synced.message, `${c.id}: code`).to.match(new RegExp(c.code.source.replace(/^\^|\$$/g, '')));
    expect(synced.message, `${c.id}: field path`).to.match(/spec\.[A-Za-z[\]0-9.]+/);
    expect(synced.message?.length ?? 0, c.id).to.be.at.most(2000);
    return 'status';
  }
});
