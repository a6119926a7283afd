import { expect } from 'chai';
import { stringify } from 'yaml';
import { Ajv } from 'ajv';
import { compositionJsonSchema } from '../../../engine/api/composition-schema.ts';
import { compositionCrd, compositionRevisionCrd, kubifyCrds } from '../../../engine/api/kubify-crds.ts';
import { compositionFromRevision, toCompositionRevision } from '../../../engine/api/composition-revision.ts';
import type { Composition } from '../../../engine/api/composition.ts';
import { emptyPositions } from '../../../engine/compose/positions.ts';
import { checkStructural } from '../../../engine/compose/structural.ts';

const composition: Composition = {
  apiVersion: 'kubify.io/v1alpha1',
  kind: 'Composition',
  metadata: { name: 'demo' },
  spec: {
    api: { group: 'demo.kubify.io', version: 'v1', kind: 'Demo', schema: { type: 'object' } },
    resources: [
      {
        id: 'a',
        template: 'apiVersion: v1\nkind: ConfigMap\n',
        readyWhen: [{ path: 'status.x', equals: { y: 1 } }],
      },
    ],
  },
};

describe('api: kubify CRDs', () => {
  it('lists Composition, CompositionRevision and ProgramSource, sorted', () => {
    expect(kubifyCrds().map((c) => c.metadata.name)).to.deep.equal([
      'compositionrevisions.kubify.io',
      'compositions.kubify.io',
      'programsources.kubify.io',
    ]);
  });

  const crds = [compositionCrd(), compositionRevisionCrd()];
  for (const crd of crds) {
    it(`${crd.spec.names.kind}: cluster-scoped, in the kubify category, structural`, () => {
      expect(crd.spec.scope).to.equal('Cluster');
      expect(crd.spec.names.categories).to.deep.equal(['kubify']);
      const schema = crd.spec.versions[0]!.schema.openAPIV3Schema;
      expect(checkStructural(schema, [], emptyPositions(), { root: 'object' })).to.deep.equal([]);
      expect(stringify(crd), 'no YAML anchors from shared sub-schemas').to.not.match(/[&*]a\d/);
    });
  }

  it('gives Composition a status subresource and the revision none', () => {
    expect(compositionCrd().spec.versions[0]!.subresources).to.deep.equal({ status: {} });
    expect(compositionRevisionCrd().spec.versions[0]!.subresources).to.equal(undefined);
  });

  it('accepts a valid Composition document with its JSON Schema and rejects unknown fields', () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(compositionJsonSchema());
    expect(validate(composition), JSON.stringify(validate.errors)).to.equal(true);
    const typo = structuredClone(composition) as unknown as {
      spec: { resources: Record<string, unknown>[] };
    };
    typo.spec.resources[0]!.readywhen = [];
    expect(validate(typo)).to.equal(false);
    expect(validate.errors?.[0]?.keyword).to.equal('additionalProperties');
  });

  it('snapshots a composition as a revision and back', () => {
    const revision = toCompositionRevision(composition, 3, 'abc');
    expect(revision.metadata).to.deep.equal({ name: 'demo-3', labels: { 'kubify.io/composition': 'demo' } });
    expect(revision.spec).to.include({ compositionName: 'demo', revision: 3, contentHash: 'abc' });
    revision.spec.composition.resources[0]!.id = 'changed';
    expect(composition.spec.resources[0]!.id).to.equal('a');
    expect(compositionFromRevision(toCompositionRevision(composition, 1, 'h'))).to.deep.equal(composition);
  });
});
