import { expect } from 'chai';
import { readConstantKind } from '../../../engine/compose/constant-kind.ts';

const origin = { file: 'c.yaml', line: 10, column: 9, path: 'spec.resources[0].template' };

describe('constant apiVersion and kind', () => {
  const good: [string, string, string, string][] = [
    ['plain', 'apiVersion: v1\nkind: ConfigMap\n', 'v1', 'ConfigMap'],
    [
      'quoted with comment',
      'apiVersion: "ray.io/v1" # upstream\nkind: \'RayService\'\n',
      'ray.io/v1',
      'RayService',
    ],
    ['document marker first', '---\napiVersion: apps/v1\nkind: Deployment\n', 'apps/v1', 'Deployment'],
    [
      'same kind in both branches',
      'apiVersion: v1\n{{#if claim.spec.x}}\nkind: Service\n{{else}}\nkind: Service\n{{/if}}\n',
      'v1',
      'Service',
    ],
    [
      'nested kind keys are ignored',
      'apiVersion: v1\nkind: List\nitems:\n  - kind: {{claim.spec.k}}\n',
      'v1',
      'List',
    ],
  ];
  for (const [name, text, apiVersion, kind] of good) {
    it(`reads ${name}`, () =>
      expect(readConstantKind(text, origin, 'r')).to.deep.equal({ apiVersion, kind, problems: [] }));
  }

  const bad: [string, string, { code: string; message: string; line: number; column: number }][] = [
    [
      'templated apiVersion',
      'apiVersion: {{claim.spec.v}}\nkind: X\n',
      {
        code: 'resource.templated-kind',
        message: 'resource "r": apiVersion must be a constant, not a template expression ({{claim.spec.v}})',
        line: 10,
        column: 21,
      },
    ],
    [
      'partly templated kind',
      'apiVersion: v1\nkind: Foo{{claim.spec.k}}\n',
      {
        code: 'resource.templated-kind',
        message: 'resource "r": kind must be a constant, not a template expression (Foo{{claim.spec.k}})',
        line: 11,
        column: 15,
      },
    ],
    [
      'empty kind',
      'apiVersion: v1\nkind:\n',
      {
        code: 'resource.invalid-kind',
        message: 'resource "r": kind must be a non-empty string',
        line: 11,
        column: 14,
      },
    ],
    [
      'numeric kind',
      'apiVersion: v1\nkind: 3\n',
      {
        code: 'resource.invalid-kind',
        message: 'resource "r": kind must be a non-empty string',
        line: 11,
        column: 15,
      },
    ],
    [
      'no kind',
      'apiVersion: v1\n',
      {
        code: 'resource.missing-kind',
        message: 'resource "r": the template must set a top-level kind',
        line: 10,
        column: 9,
      },
    ],
  ];
  for (const [name, text, expected] of bad) {
    it(`rejects ${name}`, () => {
      const result = readConstantKind(text, origin, 'r');
      expect(result.problems[0]).to.deep.equal({ ...expected, path: origin.path, file: 'c.yaml' });
    });
  }
});
