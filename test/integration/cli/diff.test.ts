import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { KubeClient } from '../../../engine/kube/index.ts';
import { newNamespace } from '../../support/cluster.ts';
import { adminClient, startTestOperator, type TestOperator } from '../../support/operator.ts';
import { claimReady, composition, compositionReady, configResource, kubify, widget } from './fixtures.ts';

const group = 'diff.cli.test.kubify.io';
const CLAIMS = 22;

describe('kubify diff', function () {
  this.timeout(180_000);
  let client: KubeClient;
  let op: TestOperator;
  let ns: string;
  let dir: string;

  before(async () => {
    client = await adminClient();
    op = await startTestOperator();
    await client.apply(composition('diff-cli', group, [configResource]));
    await compositionReady(client, 'diff-cli');
    ns = await newNamespace('diff');
    dir = mkdtempSync(join(tmpdir(), 'kubify-diff-'));
    for (let i = 0; i < CLAIMS; i++) {
      const spec = { color: i % 2 === 0 ? 'red' : 'green', ...(i === 5 ? { compositionRevision: 1 } : {}) };
      await client.apply(widget(group, ns, `w${String(i).padStart(2, '0')}`, spec));
    }
    for (let i = 0; i < CLAIMS; i++) await claimReady(client, group, ns, `w${String(i).padStart(2, '0')}`);
  });
  after(async () => {
    await op?.operator.stop();
    client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`fleet diff: renders all ${CLAIMS} claims with the live and the changed composition and diffs each`, async () => {
    const changed = composition('diff-cli', group, [
      { ...configResource, template: `${configResource.template}  size: "{{claim.spec.size}}"\n` },
    ]);
    writeFileSync(join(dir, 'changed.yaml'), stringify(changed));
    const run = await kubify(['diff', '--composition', join(dir, 'changed.yaml')]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).to.equal(
      `Composition diff-cli: ${CLAIMS} claims, ${CLAIMS} would change, 0 unchanged, 0 would fail to render`,
    );
    const headers = lines.filter((l) => l.startsWith('# '));
    expect(headers).to.have.length(CLAIMS);
    expect(headers[0]).to.equal(`# ${ns}/w00: changed ConfigMap/w00-config`);
    expect(headers[5]).to.equal(
      `# ${ns}/w05: changed ConfigMap/w05-config (pinned to revision 1: changes when the pin moves)`,
    );
    const first = run.stdout.slice(run.stdout.indexOf(`--- a/${ns}/w00/ConfigMap/w00-config`));
    expect(first).to.match(/\n {3}color: red\n\+ {2}size: "1"\n/);
    expect(first).to.contain('\n-    kubify.io/composition-revision: "1"\n');
    expect(first).to.contain('\n+    kubify.io/composition-revision: "2"\n');

    const json = await kubify([
      'diff',
      '--composition',
      join(dir, 'changed.yaml'),
      '-o',
      'json',
      '--exit-code',
    ]);
    expect(json.code, 'changes with --exit-code').to.equal(1);
    const parsed = JSON.parse(json.stdout) as { claim: string; objects: { change: string }[] }[];
    expect(parsed).to.have.length(CLAIMS);
    expect(parsed.every((d) => d.objects.length === 1 && d.objects[0]?.change === 'changed')).to.equal(true);
  });

  it('fleet diff of the unchanged composition changes nothing', async () => {
    writeFileSync(join(dir, 'same.yaml'), stringify(composition('diff-cli', group, [configResource])));
    const run = await kubify(['diff', '--composition', join(dir, 'same.yaml'), '--exit-code']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(
      `Composition diff-cli: ${CLAIMS} claims, 0 would change, ${CLAIMS} unchanged, 0 would fail to render\n`,
    );
  });

  it('a claim file: server-side dry-run of the claim and its objects against the live ones', async () => {
    writeFileSync(join(dir, 'claim.yaml'), stringify(widget(group, ns, 'w00', { color: 'purple' })));
    const run = await kubify(['diff', join(dir, 'claim.yaml')]);
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain(`--- a/${ns}/w00/Widget/w00\n`);
    expect(run.stdout).to.match(/-\s+color: red\n\+\s+color: purple\n/);
    expect(run.stdout).to.contain(`--- a/${ns}/w00/ConfigMap/w00-config\n`);
    const live = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: 'w00-config' });
    expect((live as { data?: Record<string, string> }).data?.color, 'a dry run writes nothing').to.equal(
      'red',
    );
  });

  it('a claim file that changes nothing prints "no changes"', async () => {
    writeFileSync(join(dir, 'same-claim.yaml'), stringify(widget(group, ns, 'w01', { color: 'green' })));
    const run = await kubify(['diff', join(dir, 'same-claim.yaml')]);
    expect(run).to.deep.include({ code: 0, stdout: '', stderr: 'no changes\n' });
  });
});
