import { expect } from 'chai';
import { emptyPositions } from '../../../engine/compose/positions.ts';
import { checkStructural } from '../../../engine/compose/structural.ts';

const check = (schema: unknown): string[] =>
  checkStructural(schema, ['schema'], emptyPositions(), { root: 'object' }).map(
    (p) => `${p.path}: ${p.message}`,
  );

describe('structural claim schemas', () => {
  const accepted: [string, unknown][] = [
    ['int-or-string', { type: 'object', properties: { port: { 'x-kubernetes-int-or-string': true } } }],
    [
      'free-form object',
      {
        type: 'object',
        properties: { values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
    [
      'map list',
      {
        type: 'object',
        properties: {
          l: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          },
        },
      },
    ],
    [
      'value validation in anyOf',
      { type: 'object', properties: { a: { type: 'string', anyOf: [{ pattern: '^a' }, { maxLength: 2 }] } } },
    ],
    [
      'valid defaults',
      {
        type: 'object',
        properties: {
          n: { type: 'integer', default: 3, minimum: 1 },
          o: { type: 'object', default: {}, properties: { s: { type: 'string', default: 'x' } } },
        },
      },
    ],
    [
      'additionalProperties: true with properties',
      { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true },
    ],
  ];
  for (const [name, schema] of accepted) {
    it(`accepts ${name}`, () => expect(check(schema)).to.deep.equal([]));
  }

  const rejected: [string, unknown, string[]][] = [
    [
      'type inside anyOf',
      { type: 'object', properties: { a: { type: 'string', anyOf: [{ type: 'integer' }] } } },
      ['schema.properties.a.anyOf[0].type: "type" is not allowed inside allOf, anyOf, oneOf or not'],
    ],
    [
      'uniqueItems',
      { type: 'object', properties: { a: { type: 'array', uniqueItems: true, items: { type: 'string' } } } },
      ['schema.properties.a.uniqueItems: uniqueItems: true is not allowed (use x-kubernetes-list-type: set)'],
    ],
    [
      'array without items',
      { type: 'object', properties: { a: { type: 'array' } } },
      ['schema.properties.a: an array schema must define "items"'],
    ],
    [
      'tuple items',
      { type: 'object', properties: { a: { type: 'array', items: [{ type: 'string' }] } } },
      ['schema.properties.a.items: "items" must be a single schema'],
    ],
    [
      'type list',
      { type: 'object', properties: { a: { type: ['string', 'null'] } } },
      ['schema.properties.a.type: type must be one of object, array, string, integer, number, boolean'],
    ],
    [
      'preserve false',
      { type: 'object', 'x-kubernetes-preserve-unknown-fields': false },
      ['schema.x-kubernetes-preserve-unknown-fields: must be true or absent'],
    ],
    [
      'patternProperties',
      { type: 'object', patternProperties: { '^a': { type: 'string' } } },
      ['schema.patternProperties: "patternProperties" is not allowed in a Kubernetes CRD schema'],
    ],
    [
      'invalid nested default',
      { type: 'object', properties: { e: { type: 'string', enum: ['a', 'b'], default: 'c' } } },
      [
        'schema.properties.e.default: default "c" does not match its schema: must be equal to one of the allowed values',
      ],
    ],
  ];
  for (const [name, schema, messages] of rejected) {
    it(`rejects ${name}`, () => expect(check(schema)).to.deep.equal(messages));
  }
});
