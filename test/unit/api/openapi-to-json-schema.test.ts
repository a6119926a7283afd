import { expect } from 'chai';
import type { OpenApiSchema } from '../../../engine/api/openapi.ts';
import { openApiToJsonSchema } from '../../../engine/api/openapi-to-json-schema.ts';

describe('api: OpenAPI -> JSON Schema', () => {
  const table: [string, OpenApiSchema, boolean, unknown][] = [
    [
      'exclusive bounds',
      { type: 'integer', minimum: 1, exclusiveMinimum: true, maximum: 9 },
      false,
      { type: 'integer', exclusiveMinimum: 1, maximum: 9 },
    ],
    ['nullable', { type: 'string', nullable: true }, false, { type: ['string', 'null'] }],
    ['int-or-string', { 'x-kubernetes-int-or-string': true }, false, { type: ['integer', 'string'] }],
    ['preserve unknown without type', { 'x-kubernetes-preserve-unknown-fields': true }, true, {}],
    [
      'closed object',
      { type: 'object', properties: { a: { type: 'string' } } },
      true,
      { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false },
    ],
    [
      'open object when not closed',
      { type: 'object', properties: { a: { type: 'string' } } },
      false,
      { type: 'object', properties: { a: { type: 'string' } } },
    ],
    [
      'preserving object stays open',
      { type: 'object', properties: { a: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true },
      true,
      { type: 'object', properties: { a: { type: 'string' } } },
    ],
    [
      'nested items and maps',
      { type: 'array', items: { type: 'object', additionalProperties: { type: 'integer', example: 3 } } },
      true,
      { type: 'array', items: { type: 'object', additionalProperties: { type: 'integer' } } },
    ],
  ];
  for (const [name, input, closed, expected] of table) {
    it(name, () => {
      const before = JSON.stringify(input);
      expect(openApiToJsonSchema(input, { closed })).to.deep.equal(expected);
      expect(JSON.stringify(input)).to.equal(before);
    });
  }
});
