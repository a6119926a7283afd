import { expect } from 'chai';
import { loadYaml } from '../../../engine/compose/load.ts';
import { contentPosition, locate } from '../../../engine/compose/positions.ts';

const TEXT = `a: 1
spec:
  resources:
    - id: one
      template: |
        kind: X
        data: {}
    - id: "two"
      includeWhen: '{{x}}'
  empty:
`;

describe('load', () => {
  const loaded = loadYaml(TEXT, 'c.yaml');

  it('parses one document into plain data', () => {
    expect(loaded.problems).to.deep.equal([]);
    expect(loaded.value).to.deep.equal({
      a: 1,
      spec: {
        resources: [
          { id: 'one', template: 'kind: X\ndata: {}\n' },
          { id: 'two', includeWhen: '{{x}}' },
        ],
        empty: null,
      },
    });
  });

  const locations: [(string | number)[], 'key' | 'value', { line: number; column: number }][] = [
    [['a'], 'value', { line: 1, column: 4 }],
    [['a'], 'key', { line: 1, column: 1 }],
    [['spec', 'resources', 1], 'value', { line: 8, column: 7 }],
    [['spec', 'resources', 1, 'id'], 'value', { line: 8, column: 11 }],
    [['spec', 'resources', 1, 'missing', 'deeper'], 'value', { line: 8, column: 7 }],
    [['spec', 'empty'], 'key', { line: 10, column: 3 }],
  ];
  for (const [path, prefer, pos] of locations) {
    it(`locates ${path.join('.')} (${prefer})`, () => {
      expect(locate(loaded.positions, path, prefer)).to.deep.equal({ file: 'c.yaml', ...pos });
    });
  }

  it('knows where the text of block and quoted scalars starts', () => {
    expect(contentPosition(loaded.positions, ['spec', 'resources', 0, 'template'])).to.deep.equal({
      line: 6,
      column: 9,
    });
    expect(contentPosition(loaded.positions, ['spec', 'resources', 1, 'includeWhen'])).to.deep.equal({
      line: 9,
      column: 21,
    });
    expect(contentPosition(loaded.positions, ['spec', 'resources', 1, 'id'])).to.deep.equal({
      line: 8,
      column: 12,
    });
  });

  const bad: [string, string, { code: string; line: number; column: number; message?: string }][] = [
    [
      'unterminated quote',
      'a: "x\n',
      { code: 'yaml.syntax', line: 2, column: 1, message: 'Missing closing "quote (MISSING_CHAR)' },
    ],
    [
      'bad indentation',
      'a:\n  b: 1\n c: 2\n',
      {
        code: 'yaml.syntax',
        line: 3,
        column: 1,
        message: 'All mapping items must start at the same column (BAD_INDENT)',
      },
    ],
    ['several documents', 'a: 1\n---\nb: 2\n', { code: 'yaml.multiple-documents', line: 2, column: 1 }],
    ['only comments', '# x\n', { code: 'yaml.empty', line: 1, column: 1 }],
    [
      'alias bomb',
      'a: &a [x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
      { code: 'yaml.aliases', line: 1, column: 1 },
    ],
  ];
  for (const [name, text, expected] of bad) {
    it(`reports ${name} with its position`, () => {
      const result = loadYaml(text, 'c.yaml');
      expect(result.value).to.equal(undefined);
      expect(result.problems[0]).to.include({ ...expected, file: 'c.yaml', path: '' });
    });
  }
});
