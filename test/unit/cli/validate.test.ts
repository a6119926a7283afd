import { expect } from 'chai';
import { CLAIM, workspace } from './fixtures.ts';
import type { Workspace } from './fixtures.ts';
import { REPO_ROOT, runKubify } from './run-cli.ts';

describe('kubify validate', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = workspace();
  });
  afterEach(() => ws.remove());

  it('compiles a pack and renders its examples, exit 0', async () => {
    const run = await runKubify(['validate', 'compositions/rayservice']);
    expect(run.stderr).to.equal('');
    expect(run.stdout).to.equal(
      'ok  pack compositions/rayservice RayService.ml.kubify.io (3 examples)\n' +
        'validated 1 pack, 0 composition files, 0 claims, 3 examples: 0 errors, 0 warnings\n',
    );
    expect(run.code).to.equal(0);
  });

  it('validates a folder of packs', async () => {
    ws.brokenPack('packs/one', 'README.md', (t) => t);
    ws.brokenPack('packs/two', 'README.md', (t) => t);
    const run = await runKubify(['validate', 'packs'], { cwd: ws.dir });
    expect(run.code).to.equal(0);
    expect(run.stdout).to.contain('ok  pack packs/one RayService.ml.kubify.io (3 examples)\n');
    expect(run.stdout).to.contain(
      'validated 2 packs, 0 composition files, 0 claims, 6 examples: 0 errors, 0 warnings\n',
    );
  });

  it('prints file:line:col: path: message (code) for a broken template and exits 1', async () => {
    ws.brokenPack('pack', 'templates/rayservice.yaml.hbs', (t) =>
      t.replace('{{claim.spec.image}}', '{{claim.spec.imag}}'),
    );
    const run = await runKubify(['validate', 'pack'], { cwd: ws.dir });
    expect(run.code).to.equal(1);
    const lines = run.stdout.split('\n');
    expect(lines[0]).to.match(
      /^pack\/templates\/rayservice\.yaml\.hbs:49:24: spec\.resources\[0\]\.template: claim\.spec\.imag is not in the claim schema/,
    );
    expect(lines[1]).to.equal('FAIL  pack pack (0 examples)');
    expect(lines[2]).to.equal(
      'validated 1 pack, 0 composition files, 0 claims, 0 examples: 1 error, 0 warnings',
    );
  });

  it('reports a misspelt composition field with its line and a suggestion', async () => {
    ws.brokenPack('pack', 'composition.yaml', (t) =>
      t.replace('deletionPolicy', 'x').replace('      readyWhen:', '      redyWhen:'),
    );
    const run = await runKubify(['validate', 'pack'], { cwd: ws.dir });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(
      /^pack\/composition\.yaml:\d+:7: spec\.resources\[0\]\.redyWhen: unknown field "redyWhen" \(did you mean "readyWhen"\?\) \(schema\.unknown-field\)\n/,
    );
  });

  it('renders the examples: an example that breaks the claim schema fails the pack', async () => {
    const pack = ws.brokenPack('pack', 'README.md', (t) => t);
    ws.write('pack/examples/zz-bad.yaml', CLAIM.replace('rayVersion: 2.46.0', 'rayVersion: latest'));
    const run = await runKubify(['validate', 'pack'], { cwd: ws.dir });
    expect(pack).to.contain(ws.dir);
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain(
      'pack/examples/zz-bad.yaml:8:15: spec.rayVersion: "latest" does not match ^[0-9]+\\.[0-9]+\\.[0-9]+$ (schema.pattern)\n',
    );
    expect(run.stdout).to.contain('FAIL  pack pack RayService.ml.kubify.io (4 examples)\n');
  });

  it('validates a claim file against the pack that defines its API', async () => {
    ws.write('claim.yaml', CLAIM.replace('importPath: demo.app', 'importPath: "1bad"'));
    const run = await runKubify(['validate', 'claim.yaml'], {
      cwd: ws.dir,
      env: { KUBIFY_COMPOSITIONS: `${REPO_ROOT}/compositions` },
    });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.contain('claim.yaml:11:19: spec.applications[0].importPath:');
    expect(run.stdout).to.contain('FAIL  claim claim.yaml\n');
  });

  it('validates a single composition file with inline templates', async () => {
    ws.write(
      'comp.yaml',
      `apiVersion: kubify.io/v1alpha1
kind: Composition
metadata: {name: cm}
spec:
  api:
    group: demo.kubify.io
    version: v1
    kind: Note
    schema: {type: object, properties: {text: {type: string}}}
  resources:
    - id: config
      template: |
        apiVersion: v1
        kind: ConfigMap
        data:
          text: {{claim.spec.txt}}
`,
    );
    const run = await runKubify(['validate', 'comp.yaml'], { cwd: ws.dir });
    expect(run.code).to.equal(1);
    expect(run.stdout).to.match(
      /^comp\.yaml:16:19: spec\.resources\[0\]\.template: claim\.spec\.txt is not in the claim schema/,
    );
    expect(run.stdout).to.contain('FAIL  composition comp.yaml\n');
  });

  it('a folder without composition.yaml and without packs is an error naming the file', async () => {
    ws.write('empty/README.md', 'x\n');
    const run = await runKubify(['validate', 'empty'], { cwd: ws.dir });
    expect(run.code).to.equal(1);
    expect(run.stdout.split('\n')[0]).to.equal(
      'empty/composition.yaml: empty is not a composition pack (no composition.yaml) and holds no packs (pack.missing-composition)',
    );
  });

  it('a path that does not exist is a usage error', async () => {
    const run = await runKubify(['validate', 'nope'], { cwd: ws.dir });
    expect(run).to.deep.equal({ code: 2, stdout: '', stderr: 'error: not found: nope\n' });
  });
});
