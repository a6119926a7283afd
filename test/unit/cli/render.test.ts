import { expect } from 'chai';
import { parseAllDocuments } from 'yaml';
import { CLAIM, workspace } from './fixtures.ts';
import type { Workspace } from './fixtures.ts';
import { runKubify } from './run-cli.ts';

const NOW = ['--now', '2025-01-01T00:00:00Z'];

function docs(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
}

describe('kubify render', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.remove());

  it('finds the pack by apiVersion/kind and prints the claim with status first, then objects by id', async () => {
    ws.write('claim.yaml', CLAIM);
    const run = await runKubify(['render', 'claim.yaml', ...NOW], { cwd: ws.dir });
    expect(run.stderr).to.equal('');
    expect(run.code).to.equal(0);
    const [claim, ...objects] = docs(run.stdout);
    expect(claim).to.deep.include({ apiVersion: 'ml.kubify.io/v1alpha1', kind: 'RayService' });
    const status = claim?.status as {
      conditions: { type: string; status: string; lastTransitionTime: string }[];
    };
    expect(status.conditions.map((c) => [c.type, c.status, c.lastTransitionTime])).to.deep.equal([
      ['Synced', 'True', '2025-01-01T00:00:00Z'],
      ['Ready', 'False', '2025-01-01T00:00:00Z'],
    ]);
    expect(
      objects.map((o) => `${String(o.kind)} ${String((o.metadata as { name: string }).name)}`),
    ).to.deep.equal(['RayService demo-rayservice']);
    expect(run.stdout.startsWith('---\napiVersion: ml.kubify.io/v1alpha1\n')).to.equal(true);
  });

  it('uses the clock when --now is not given', async () => {
    ws.write('claim.yaml', CLAIM);
    const run = await runKubify(['render', 'claim.yaml'], {
      cwd: ws.dir,
      now: new Date('2030-02-03T04:05:06.789Z'),
    });
    expect(run.stdout).to.contain('lastTransitionTime: 2030-02-03T04:05:06Z');
  });

  it('prints JSON with -o json: a v1 List of the claim and the objects', async () => {
    ws.write('claim.yaml', CLAIM);
    const run = await runKubify(['render', 'claim.yaml', '-o', 'json', ...NOW], { cwd: ws.dir });
    expect(run.code).to.equal(0);
    const list = JSON.parse(run.stdout) as { kind: string; items: { kind: string }[] };
    expect(list.kind).to.equal('List');
    expect(list.items.map((i) => i.kind)).to.deep.equal(['RayService', 'RayService']);
  });

  it('renders what happens after readiness with --observed (a YAML stream keyed by the resource-id label)', async () => {
    ws.write('claim.yaml', CLAIM.replace('spec:\n', 'spec:\n  dashboard: {enabled: true}\n'));
    ws.write(
      'observed.yaml',
      `apiVersion: ray.io/v1
kind: RayService
metadata: {name: demo-rayservice, namespace: team-a, labels: {kubify.io/resource-id: rayservice}}
status:
  serviceStatus: Running
  conditions: [{type: Ready, status: "True", reason: NonZeroServeEndpoints, lastTransitionTime: "2025-01-01T00:00:00Z"}]
  activeServiceStatus: {rayClusterName: demo-rayservice-abcde}
`,
    );
    const run = await runKubify(
      ['render', 'claim.yaml', '--observed', 'observed.yaml', '--include-status', ...NOW],
      { cwd: ws.dir },
    );
    expect(run.stderr).to.equal('');
    const [claim, dashboard, rayservice] = docs(run.stdout);
    expect(claim?.status).to.deep.include({
      endpoint: 'http://demo-rayservice-serve-svc.team-a.svc:8000',
      rayCluster: 'demo-rayservice-abcde',
      serviceStatus: 'Running',
    });
    expect((dashboard?.spec as { selector: unknown }).selector).to.deep.equal({
      'ray.io/node-type': 'head',
      'ray.io/cluster': 'demo-rayservice-abcde',
    });
    expect((rayservice?.status as { serviceStatus: string }).serviceStatus).to.equal('Running');
  });

  it('accepts --observed as a map from resource id to object', async () => {
    ws.write('claim.yaml', CLAIM);
    ws.write(
      'observed.yaml',
      'rayservice:\n  apiVersion: ray.io/v1\n  kind: RayService\n  metadata: {name: demo-rayservice}\n  status: {conditions: [{type: Ready, status: "True"}]}\n',
    );
    const run = await runKubify(['render', 'claim.yaml', '--observed', 'observed.yaml', ...NOW], {
      cwd: ws.dir,
    });
    expect(run.code).to.equal(0);
    const ready = (docs(run.stdout)[0]?.status as { conditions: { type: string; status: string }[] })
      .conditions[1];
    expect(ready).to.deep.include({ type: 'Ready', status: 'True' });
  });

  it('warns about observed objects of unknown ids and fails on objects without an id', async () => {
    ws.write('claim.yaml', CLAIM);
    ws.write(
      'observed.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {kubify.io/resource-id: nope}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
    );
    const run = await runKubify(['render', 'claim.yaml', '--observed', 'observed.yaml', ...NOW], {
      cwd: ws.dir,
    });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.equal(
      'observed.yaml:1:1: warning: no resource "nope" in the composition (resources: dashboard, rayservice); ignored (observed.unknown-id)\n' +
        'observed.yaml:5:1: metadata.labels: observed object ConfigMap/b has no kubify.io/resource-id label or annotation (observed.missing-id)\n',
    );
    expect(run.stdout).to.equal('');
  });

  describe('bad input: one clear line naming the file', () => {
    it('a missing claim file is a usage error (exit 2)', async () => {
      const run = await runKubify(['render', 'nope.yaml'], { cwd: ws.dir });
      expect(run).to.deep.equal({ code: 2, stdout: '', stderr: 'error: claim file not found: nope.yaml\n' });
    });

    it('a folder given as the claim is a usage error', async () => {
      const run = await runKubify(['render', '.'], { cwd: ws.dir });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal('error: claim file is a directory, not a file: .\n');
    });

    it('a claim YAML error points at file:line:col (exit 1)', async () => {
      ws.write(
        'bad.yaml',
        'apiVersion: ml.kubify.io/v1alpha1\nkind: RayService\nmetadata: {name: x\nspec: {}\n',
      );
      const run = await runKubify(['render', 'bad.yaml'], { cwd: ws.dir });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(/^bad\.yaml:4:1: .* \(yaml\.syntax\)\n$/);
      expect(run.stdout).to.equal('');
    });

    it('an empty claim file', async () => {
      ws.write('empty.yaml', '# nothing\n');
      const run = await runKubify(['render', 'empty.yaml'], { cwd: ws.dir });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal('empty.yaml:1:1: the file holds no YAML document (claim.empty)\n');
    });

    it('two claims in one file', async () => {
      ws.write('two.yaml', `${CLAIM}---\n${CLAIM}`);
      const run = await runKubify(['render', 'two.yaml'], { cwd: ws.dir });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal(
        'two.yaml:14:1: expected one claim, found 2 YAML documents; render one claim per file (claim.multiple-documents)\n',
      );
    });

    it('an unknown kind with no matching pack names the file and where it looked', async () => {
      ws.write(
        'widget.yaml',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: a}\n',
      );
      const run = await runKubify(['render', 'widget.yaml'], {
        cwd: ws.dir,
        env: { KUBIFY_COMPOSITIONS: '/nonexistent' },
      });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal(
        'widget.yaml:2:7: kind: no composition pack defines example.com/v1 Widget (no pack folders found); pass --composition <pack> (claim.no-composition)\n',
      );
    });

    it('a claim without apiVersion/kind', async () => {
      ws.write('anon.yaml', 'metadata: {name: w}\n');
      const run = await runKubify(['render', 'anon.yaml'], { cwd: ws.dir });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.equal(
        'anon.yaml: the claim needs apiVersion and kind (or pass --composition <pack>) (claim.invalid)\n',
      );
    });

    it('a pack folder without composition.yaml is a usage error naming the file', async () => {
      ws.write('claim.yaml', CLAIM);
      ws.write('emptypack/README.md', 'nothing\n');
      const run = await runKubify(['render', 'claim.yaml', '--composition', 'emptypack'], { cwd: ws.dir });
      expect(run).to.deep.equal({
        code: 2,
        stdout: '',
        stderr: 'error: emptypack is not a composition pack: emptypack/composition.yaml does not exist\n',
      });
    });

    it('a missing --composition path', async () => {
      ws.write('claim.yaml', CLAIM);
      const run = await runKubify(['render', 'claim.yaml', '-c', 'nowhere'], { cwd: ws.dir });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal('error: composition not found: nowhere\n');
    });

    it('a missing --observed file', async () => {
      ws.write('claim.yaml', CLAIM);
      const run = await runKubify(['render', 'claim.yaml', '--observed', 'obs.yaml'], { cwd: ws.dir });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal('error: observed file not found: obs.yaml\n');
    });

    it('an invalid --now', async () => {
      ws.write('claim.yaml', CLAIM);
      const run = await runKubify(['render', 'claim.yaml', '--now', 'yesterday'], { cwd: ws.dir });
      expect(run.code).to.equal(2);
      expect(run.stderr).to.equal(
        'error: --now must be an RFC 3339 time such as 2025-01-01T00:00:00Z, not "yesterday"\n',
      );
    });

    it('schema violations in the claim: every problem with its path and position, exit 1, no objects', async () => {
      ws.write(
        'invalid.yaml',
        CLAIM.replace('image: rayproject/ray:2.46.0', 'image: ""').replace(
          'spec:\n',
          'spec:\n  workers: {gpu: -1, extra: 1}\n',
        ),
      );
      const run = await runKubify(['render', 'invalid.yaml'], { cwd: ws.dir });
      expect(run.code).to.equal(1);
      const printed = docs(run.stdout);
      expect(printed, 'only the claim, with the status the operator would write').to.have.length(1);
      expect((printed[0]?.status as { conditions: unknown[] }).conditions[0]).to.deep.include({
        type: 'Synced',
        status: 'False',
        reason: 'RenderFailed',
        message: 'spec.image: "" does not match ^[^\\s]+$',
      });
      expect(run.stderr.split('\n')).to.include.members([
        'invalid.yaml:8:10: spec.image: "" does not match ^[^\\s]+$ (schema.pattern)',
        'invalid.yaml:7:18: spec.workers.gpu: must be >= 0 (schema.minimum)',
      ]);
    });

    it('a template error in the pack points into the template file', async () => {
      ws.write('claim.yaml', CLAIM);
      ws.brokenPack('pack', 'templates/rayservice.yaml.hbs', (t) =>
        t.replace('{{claim.spec.image}}', '{{claim.spec.imag}}'),
      );
      const run = await runKubify(['render', 'claim.yaml', '-c', 'pack'], { cwd: ws.dir });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.match(
        /^pack\/templates\/rayservice\.yaml\.hbs:49:24: spec\.resources\[0\]\.template: claim\.spec\.imag is not in the claim schema.*\(ref\.unknown-claim-path\)\n$/,
      );
    });
  });

  describe('colour', () => {
    const broken = 'apiVersion: ml.kubify.io/v1alpha1\nkind: RayService\nmetadata: {name: x\n';

    it('colours problems on a terminal', async () => {
      ws.write('bad.yaml', broken);
      const run = await runKubify(['render', 'bad.yaml'], { cwd: ws.dir, tty: true });
      expect(run.stderr).to.contain('\u001b[31m');
    });

    it('never with NO_COLOR', async () => {
      ws.write('bad.yaml', broken);
      const run = await runKubify(['render', 'bad.yaml'], { cwd: ws.dir, tty: true, env: { NO_COLOR: '1' } });
      expect(run.stderr).to.not.contain('\u001b[');
    });

    it('never with --no-color', async () => {
      ws.write('bad.yaml', broken);
      const run = await runKubify(['--no-color', 'render', 'bad.yaml'], { cwd: ws.dir, tty: true });
      expect(run.stderr).to.not.contain('\u001b[');
    });
  });
});
