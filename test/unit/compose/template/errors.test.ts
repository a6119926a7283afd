import { expect } from 'chai';
import { formatProblem } from '../../../../engine/api/problem.ts';
import { compileProblems, context, evaluate, renderProblem } from './support.ts';

/** `code@line:column message` */
type Expected = string;

function brief(p: { code: string; line?: number; column?: number; message: string }): Expected {
  return `${p.code}@${p.line}:${p.column} ${p.message}`;
}

const TRIPLE =
  'triple-stash {{{...}}} and {{&...}} are not allowed: values are always inserted as data, never as YAML text; use {{...}}';

const compileCases: [string, string, Expected][] = [
  [
    'an unterminated mustache',
    'a: {{claim.x',
    'template.syntax@1:12 template syntax error: unterminated {{ (missing }})',
  ],
  [
    'a block closed by the wrong name',
    'a\nb: {{#if x}}\n{{/each}}',
    "template.syntax@2:7 template syntax error: if doesn't match each",
  ],
  [
    'an unclosed block',
    'a: 1\n{{#each claim.x}}',
    'template.syntax@2:18 template syntax error: unexpected end of the template (is a {{/...}} missing?)',
  ],
  [
    'a flow map closed right after a mustache',
    'a: {b: {{claim.x}}}',
    'template.syntax@1:17 template syntax error: unexpected "}}}"; expected one of }}, (, a name, a string, a number, true/false, ...; to close a YAML flow map after {{...}}, put a space before }',
  ],
  [
    'an unterminated comment',
    'a: {{!-- x',
    'template.syntax@1:4 template syntax error: unterminated {{ or comment',
  ],
  ['an unknown helper', 'x: {{foo claim.x}}', 'template.unknown-helper@1:6 unknown helper foo'],
  [
    'a block helper used inline',
    'x: {{if claim.x}}',
    'template.unknown-helper@1:6 if is a block helper: write {{#if ...}}...{{/if}}',
  ],
  [
    'an unknown block helper',
    '{{#foo}}{{/foo}}',
    'template.unknown-helper@1:4 unknown block helper #foo: use #if, #unless, #each or #with',
  ],
  [
    'a helper used as a block',
    '{{#lower claim.x}}{{/lower}}',
    'template.unknown-helper@1:4 lower is not a block helper: write {{lower ...}}',
  ],
  ['a literal with arguments', 'a: {{"x" y}}', 'template.unknown-helper@1:6 "x" is not a helper'],
  [
    'too few helper arguments',
    'x: {{trunc claim.x}}',
    'template.helper-arity@1:4 trunc takes 2 arguments, got 1: trunc <text> <length>',
  ],
  [
    'a bare helper name',
    'x: {{lower}}',
    'template.helper-arity@1:4 lower takes 1 argument, got 0: lower <text>',
  ],
  [
    'too few variadic arguments',
    'a: {{and claim.x}}',
    'template.helper-arity@1:4 and takes at least 2 arguments, got 1: and <a> <b> ...',
  ],
  [
    'a block helper with two subjects',
    '{{#each a b}}{{/each}}',
    'template.helper-arity@1:1 #each takes 1 argument, got 2',
  ],
  [
    'an unknown hash argument',
    'x: {{lower claim.x bad=1}}',
    'template.helper-argument@1:20 lower does not take bad=',
  ],
  [
    'an unknown block hash argument',
    '{{#if x foo=1}}{{/if}}',
    'template.helper-argument@1:9 #if does not take foo=',
  ],
  [
    'a partial',
    'a: 1\n{{> common}}',
    'template.partial@2:1 partials ({{> name}}) are not supported: a template is self-contained',
  ],
  [
    'a partial block',
    '{{#> layout}}x{{/layout}}',
    'template.partial@1:1 partials ({{> name}}) are not supported: a template is self-contained',
  ],
  ['a decorator', '{{* deco}}', 'template.decorator@1:1 decorators ({{* name}}) are not supported'],
  ['a triple-stash', 'a: {{{claim.x}}}', `template.triple-stash@1:4 ${TRIPLE}`],
  ['an unescaped ampersand', 'a: {{& claim.x}}', `template.triple-stash@1:4 ${TRIPLE}`],
  [
    'an unknown @variable',
    'a: {{@foo}}',
    'template.unknown-variable@1:6 @foo is not available: use @index, @key, @first, @last or @root',
  ],
  ['../ above the top', 'a: {{../x}}', 'template.bad-depth@1:6 ../x goes above the top of the template'],
  [
    'a control character',
    'a: b\u0001',
    'template.control-character@1:5 the template contains the control character U+0001, which YAML does not allow',
  ],
];

const renderCases: [string, string, unknown, Expected, string][] = [
  [
    'a duplicate literal key',
    'a: 1\na: 2',
    {},
    'template.yaml@2:1 invalid YAML after rendering: Map keys must be unique',
    '',
  ],
  [
    'a YAML error inside a loop, at its template line',
    'items:\n{{#each claim.l}}\n  - {{this}}\n bad: x\n{{/each}}',
    { l: [1, 2] },
    'template.yaml@4:1 invalid YAML after rendering: All mapping items must start at the same column',
    '',
  ],
  [
    'a map spliced into a string',
    'name: x-{{claim.obj}}',
    { obj: { a: 1 } },
    'template.splice-value@1:9 {{claim.obj}} is a map and cannot be part of a string: write it as the whole, unquoted value',
    'name',
  ],
  [
    'a list in a quoted scalar',
    'a: "{{claim.list}}"',
    { list: [1] },
    'template.splice-value@1:5 {{claim.list}} is a list and cannot be part of a string: write it as the whole, unquoted value',
    'a',
  ],
  [
    'null spliced into a string',
    'meta:\n  name: "{{claim.n}}"',
    { n: null },
    'template.splice-value@2:10 {{claim.n}} is null and cannot be part of a string',
    'meta.name',
  ],
  [
    'keys made equal by values',
    '{{claim.a}}: 1\n{{claim.b}}: 2',
    { a: 'x', b: 'x' },
    'template.duplicate-key@2:1 key "x" appears twice in the document',
    '',
  ],
  [
    'a key from a value equal to a literal key',
    'm:\n  k: 1\n  {{claim.a}}: 2',
    { a: 'k' },
    'template.duplicate-key@3:3 key "k" appears twice in m',
    'm',
  ],
  [
    'an expression as an anchor',
    'a: &{{claim.x}} 1',
    { x: 'y' },
    'template.token-position@1:5 an expression cannot be used as a YAML anchor',
    'a',
  ],
  [
    'an expression as a tag',
    'a: !{{claim.x}} 1',
    { x: 'y' },
    'template.token-position@1:5 an expression cannot be used as a YAML tag',
    'a',
  ],
  [
    'an expression as an alias',
    'a: &x 1\nb: *{{claim.x}}',
    { x: 'y' },
    'template.token-position@2:5 an expression cannot be used as a YAML alias',
    'b',
  ],
  [
    'a map as a key',
    'labels:\n  {{claim.m}}: x',
    { m: { a: 1 } },
    'template.splice-value@2:3 {{claim.m}} is a map and cannot be (part of) a key',
    'labels',
  ],
  [
    'a list document',
    '- {{claim.x}}',
    { x: 1 },
    'template.not-a-mapping@1:1 rendered document 1 is a list, not a mapping',
    '',
  ],
  [
    'a helper failure',
    'a: {{trunc claim.s -1}}',
    { s: 'abc' },
    'template.helper-failed@1:4 trunc: argument 2 must be a non-negative integer, got -1',
    '',
  ],
  ['a complex key', '? [a]\n: 1', {}, 'template.complex-key@1:3 a map or list cannot be a key', ''],
  [
    'an unknown alias',
    'a: *nope',
    {},
    'template.yaml@1:4 invalid YAML after rendering: unknown alias *nope',
    'a',
  ],
];

describe('compose/template: errors', () => {
  for (const [name, source, expected] of compileCases) {
    it(`rejects ${name} at compile time`, () => {
      const problems = compileProblems(source);
      expect(problems.map(brief)).to.deep.equal([expected]);
      expect(problems[0]).to.include({ file: 'templates/test.yaml.hbs', path: '' });
    });
  }

  for (const [name, source, claim, expected, path] of renderCases) {
    it(`reports ${name} at render time`, () => {
      const problem = renderProblem(source, context(claim));
      expect(brief(problem)).to.equal(expected);
      expect(problem).to.include({ file: 'templates/test.yaml.hbs', path });
    });
  }

  it('reports every compile problem, in source order', () => {
    const problems = compileProblems('a: {{x}}\nc: {{{y}}}\nb: {{nope 1}}');
    expect(problems.map((p) => `${p.code}@${p.line}:${p.column}`)).to.deep.equal([
      'template.triple-stash@2:4',
      'template.unknown-helper@3:6',
    ]);
  });

  it('places problems of an inline template in the original file, with its path', () => {
    const [problem] = compileProblems('a: 1\nb: {{nope 1}}', {
      file: 'compositions/ray/composition.yaml',
      line: 20,
      column: 9,
      path: 'spec.resources[1].template',
    });
    expect(formatProblem(problem!)).to.equal(
      'compositions/ray/composition.yaml:21:14: spec.resources[1].template: unknown helper nope (template.unknown-helper)',
    );
  });

  it('shows the expression, never a token, in a YAML error', () => {
    const problem = renderProblem('a: |{{claim.x}}\n  text\n', context({ x: 1 }));
    expect(brief(problem)).to.equal(
      'template.yaml@1:5 invalid YAML after rendering: Block scalar header includes extra characters: |{{claim.x}}',
    );
  });

  it('reports a map spliced into an expression under the expression path', () => {
    const outcome = evaluate('x-{{claim.obj}}', context({ obj: {} }), { path: 'spec.status.url' });
    expect(outcome).to.deep.equal({
      ok: false,
      problem: {
        code: 'template.splice-value',
        message:
          '{{claim.obj}} is a map and cannot be part of a string: write it as the whole, unquoted value',
        path: 'spec.status.url',
        file: 'templates/test.yaml.hbs',
        line: 1,
        column: 3,
      },
    });
  });
});
