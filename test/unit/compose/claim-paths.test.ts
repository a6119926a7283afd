import { expect } from 'chai';
import type { OpenApiSchema } from '../../../engine/api/openapi.ts';
import { checkClaimPath, claimCollectionKind } from '../../../engine/compose/claim-paths.ts';

const schema: OpenApiSchema = {
  type: 'object',
  properties: {
    image: { type: 'string' },
    apps: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
    env: { type: 'object', additionalProperties: { type: 'string' } },
    extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    pools: {
      type: 'object',
      additionalProperties: { type: 'object', properties: { size: { type: 'integer' } } },
    },
  },
};

describe('claim paths', () => {
  const table: [string, true | string][] = [
    ['claim', true],
    ['claim.spec', true],
    ['claim.spec.image', true],
    ['claim.spec.apps', true],
    ['claim.spec.apps.length', true],
    ['claim.spec.apps.[].name', true],
    ['claim.spec.apps.0.name', true],
    ['claim.spec.env.ANY', true],
    ['claim.spec.env.{}', true],
    ['claim.spec.extra.anything.deep', true],
    ['claim.spec.pools.{}.size', true],
    ['claim.spec.pools.gpu.size', true],
    ['claim.metadata.name', true],
    ['claim.metadata.labels.team', true],
    ['claim.kind', true],
    ['claim.spec.pools.{}.cost', 'claim.spec.pools[*].cost is not in the claim schema; known fields: size'],
    ['claim.spec.image.tag', 'claim.spec.image is of type string and has no field "tag"'],
    ['claim.spec.apps.name', 'claim.spec.apps is a list; read its items with #each or an index'],
    ['claim.spec.image.[]', 'claim.spec.image is not a list'],
    [
      'claim.metadata.generation',
      'claim.metadata.generation is not available; templates may read claim.metadata.annotations|labels|name|namespace|uid',
    ],
    ['claim.metadata.name.x', 'claim.metadata.name.x is not available'],
    ['claim.kind.x', 'claim.kind is a string and has no fields'],
    [
      'claim.status',
      'claim.status is not available; templates may read claim.spec, claim.metadata, claim.apiVersion and claim.kind',
    ],
  ];
  for (const [path, expected] of table) {
    it(`${path} -> ${expected === true ? 'ok' : 'error'}`, () => {
      const result = checkClaimPath(path.split('.'), schema);
      expect(result).to.deep.equal(expected === true ? { ok: true } : { ok: false, message: expected });
    });
  }

  const kinds: [string, 'array' | 'object' | undefined][] = [
    ['claim.spec.apps', 'array'],
    ['claim.spec.env', 'object'],
    ['claim.spec.pools', 'object'],
    ['claim.spec.image', undefined],
    ['claim.metadata.labels', 'object'],
    ['resources.db.status', undefined],
  ];
  for (const [path, kind] of kinds) {
    it(`${path} is ${String(kind)}`, () =>
      expect(claimCollectionKind(path.split('.'), schema)).to.equal(kind));
  }
});
