import { expect } from 'chai';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { compile } from '../../../engine/compose/compile.ts';
import type { CompiledComposition } from '../../../engine/compose/compiled.ts';
import type { TemplateRef } from '../../../engine/compose/template/types.ts';
import { readPack } from '../../../engine/packs/read-pack.ts';
import { toCompositionObject } from '../../../engine/packs/to-composition-object.ts';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'compose', 'fixtures');

/**
 * Everything compile produces, minus the template engine's opaque programs and the source positions of
 * texts written inline (they live in different files by construction; `templateFile`s keep theirs).
 */
const refs = (t: { refs: TemplateRef[] }): string[][] => t.refs.map((r) => r.path);
function summary(c: CompiledComposition): unknown {
  return {
    name: c.name,
    hash: c.hash,
    composition: c.composition,
    api: c.api,
    crd: c.crd,
    graph: c.graph,
    specSchema: c.specSchema,
    programs: c.programs,
    requires: c.requires,
    resources: c.resources.map(({ template, includeWhen, ...rest }) => ({
      ...rest,
      // Not the file: an inline template reports problems at its text in the composition's own file.
      template: refs(template),
      includeWhen: includeWhen ? refs(includeWhen) : undefined,
    })),
    status: c.status.map((s) => ({ field: s.field, refs: refs(s.expression) })),
  };
}

describe('packs: readPack', () => {
  it('reads composition.yaml, templates and programs, sorted', async () => {
    const pack = await readPack(join(fixtures, 'basic'));
    expect(pack.file).to.equal('composition.yaml');
    expect(Object.keys(pack.files ?? {})).to.deep.equal([
      'programs/infra/Pulumi.yaml',
      'programs/infra/__main__.py',
      'templates/deployment.yaml.hbs',
    ]);
  });

  it('skips caches, hidden files and virtualenvs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubify-pack-'));
    try {
      await cp(join(fixtures, 'basic'), dir, { recursive: true });
      for (const junk of [
        'programs/infra/__pycache__/m.pyc',
        'programs/infra/.venv/x.py',
        'templates/.x.swp',
        'programs/infra/a.pyc',
      ]) {
        await mkdir(dirname(join(dir, junk)), { recursive: true });
        await writeFile(join(dir, junk), 'junk');
      }
      const pack = await readPack(dir);
      expect(Object.keys(pack.files ?? {})).to.have.length(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('inlines programs from programs/<name>/', async () => {
    const compiled = compile(await readPack(join(fixtures, 'basic'))).compiled;
    expect(compiled?.programs).to.deep.equal({
      infra: {
        files: {
          'Pulumi.yaml': 'name: infra\nruntime: python\n',
          '__main__.py':
            'import pulumi\n\nconfig = pulumi.Config()\npulumi.export("region", config.require("region"))\n',
        },
      },
    });
  });

  it('a pack folder and its hand-written inline object compile to equal results', async () => {
    const fromPack = compile(await readPack(join(fixtures, 'basic')));
    const text = readFileSync(join(fixtures, 'basic-inline.yaml'), 'utf8');
    const fromObject = compile({ file: 'basic-inline.yaml', text });
    expect(fromPack.problems).to.deep.equal([]);
    expect(fromObject.problems).to.deep.equal([]);
    expect(summary(fromObject.compiled!)).to.deep.equal(summary(fromPack.compiled!));
    expect(fromPack.compiled!.resources[0]?.template.file).to.equal('templates/deployment.yaml.hbs');
    expect(fromObject.compiled!.resources[0]?.template.file).to.equal('basic-inline.yaml');
  });

  it('toCompositionObject gives one self-contained object that compiles to the same result', async () => {
    const pack = await readPack(join(fixtures, 'basic'));
    const result = toCompositionObject(pack);
    expect(result.problems).to.deep.equal([]);
    const object = result.object!;
    expect(object.spec.resources[0]).to.include({ templateFile: 'templates/deployment.yaml.hbs' });
    expect(object.spec.resources[0]?.template).to.equal(pack.files?.['templates/deployment.yaml.hbs']);
    const viaYaml = compile({ file: 'installed.yaml', text: stringify(object) });
    const viaObject = compile({ object, file: 'Composition/webapp' });
    const fromPack = compile(pack);
    expect(summary(viaYaml.compiled!)).to.deep.equal(summary(fromPack.compiled!));
    expect(summary(viaObject.compiled!)).to.deep.equal(summary(fromPack.compiled!));
    expect(result.hash).to.equal(fromPack.compiled?.hash);
  });

  it('refuses a broken pack and points into the template file', async () => {
    const result = toCompositionObject(await readPack(join(fixtures, 'broken')));
    expect(result.object).to.equal(undefined);
    expect(result.problems).to.deep.equal([
      {
        code: 'ref.unknown-claim-path',
        message:
          'claim.spec.size is not in the claim schema; known fields: compositionRevision, image, overrides',
        path: 'spec.resources[0].template',
        file: 'templates/job.yaml.hbs',
        line: 12,
        column: 17,
      },
    ]);
  });
});
