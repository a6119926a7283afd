import { expect } from 'chai';
import { HELPERS } from '../../../../engine/compose/template/index.ts';
import { context, evaluate, value } from './support.ts';

const CLAIM = {
  m: { a: 1, b: [2] },
  s: 'MiXed Case',
  n: 3,
  e: '',
  f: false,
  list: ['a', 1, true],
  long: `${'x'.repeat(62)}-yz`,
};

const ok: [string, string, unknown][] = [
  ['toYaml', '{{toYaml claim.m}}', { a: 1, b: [2] }],
  ['toYaml', 'x: {{toYaml claim.m}}', 'x: a: 1\nb:\n  - 2'],
  ['toJson', '{{toJson claim.m}}', '{"a":1,"b":[2]}'],
  ['toJson', '{{toJson claim.s}}', '"MiXed Case"'],
  ['default', '{{default claim.e "fallback"}}', 'fallback'],
  ['default', '{{default claim.f true}}', false],
  ['required', '{{required claim.n}}', 3],
  ['eq', '{{eq claim.m (dict "a" 1 "b" (list 2))}}', true],
  ['eq', '{{eq claim.n 3}}', true],
  ['ne', '{{ne 1 "1"}}', true],
  ['lt', '{{lt claim.n 4}}', true],
  ['gt', '{{gt "b" "a"}}', true],
  ['le', '{{le 3 claim.n}}', true],
  ['ge', '{{ge 2 claim.n}}', false],
  ['and', '{{and claim.n claim.s (list 1)}}', true],
  ['and', '{{and claim.n (list)}}', false],
  ['or', '{{or claim.e claim.f 0 claim.n}}', true],
  ['not', '{{not claim.e}}', true],
  ['lower', '{{lower claim.s}}', 'mixed case'],
  ['upper', '{{upper claim.s}}', 'MIXED CASE'],
  ['upper', '{{upper 3}}', '3'],
  ['trunc', '{{trunc "héllo wörld" 5}}', 'héllo'],
  ['trunc', '{{trunc "😀😀😀" 2}}', '😀😀'],
  ['trunc', '{{trunc "ab" 10}}', 'ab'],
  ['b64enc', '{{b64enc "hello ✓"}}', 'aGVsbG8g4pyT'],
  ['b64dec', '{{b64dec "aGVsbG8g4pyT"}}', 'hello ✓'],
  ['sha256', '{{sha256 "abc"}}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ['join', '{{join claim.list "-"}}', 'a-1-true'],
  ['join', '{{join (list "a" "b")}}', 'a,b'],
  ['indent', '{{indent "a\nb" 2}}', '  a\n  b'],
  ['nindent', '{{nindent "a\nb" 2}}', '\n  a\n  b'],
  ['quote', '{{quote claim.n}}', '3'],
  ['quote', 'say {{quote claim.s}}', 'say "MiXed Case"'],
  ['trim', '{{trim "  x y  "}}', 'x y'],
  ['replace', '{{replace "a.b.c" "." "-"}}', 'a-b-c'],
  ['concat', '{{concat (list 1) (list 2 3)}}', [1, 2, 3]],
  ['concat', '{{concat "a" "b" 1}}', 'ab1'],
  ['list', '{{list 1 "a" claim.m}}', [1, 'a', { a: 1, b: [2] }]],
  ['list', '{{list}}', []],
  ['dict', '{{dict "a" 1 b=claim.n}}', { a: 1, b: 3 }],
  ['int', '{{int "42"}}', 42],
  ['int', '{{int 3.9}}', 3],
  ['hasKey', '{{hasKey claim.m "a"}}', true],
  ['hasKey', '{{hasKey claim.m "toString"}}', false],
  ['len', '{{len "héllo"}}', 5],
  ['len', '{{len claim.list}}', 3],
  ['len', '{{len claim.m}}', 2],
  ['dnsLabel', '{{dnsLabel "My_App.Name!!"}}', 'my-app-name'],
  ['dnsLabel', '{{dnsLabel claim.long}}', 'x'.repeat(62)],
  ['dnsLabel', '{{dnsLabel "--a--b--"}}', 'a-b'],
  ['lookup', '{{lookup claim.m "a"}}', 1],
  ['lookup', '{{lookup claim.list 1}}', 1],
];

const failing: [string, string, string][] = [
  ['toJson', '{{toJson (lookup claim.m "zz")}}', 'toJson: argument 1 has no value'],
  ['lt', '{{lt 1 "2"}}', 'lt: can only compare two numbers or two strings, got a number and a string'],
  ['lower', '{{lower claim.m}}', 'lower: argument 1 must be text, got a map'],
  ['trunc', '{{trunc claim.s "x"}}', 'trunc: argument 2 must be a non-negative integer, got "x"'],
  ['b64dec', '{{b64dec "not base64!"}}', 'b64dec: argument 1 is not valid base64'],
  ['join', '{{join (list 1 claim.m)}}', 'join: item 1 of the list is a map, not text'],
  ['join', '{{join claim.s}}', 'join: argument 1 must be a list, got a string'],
  ['replace', '{{replace "a" "" "b"}}', 'replace: argument 2 must not be empty'],
  ['concat', '{{concat (list 1) "a"}}', 'concat: takes only lists or only text, got a list, a string'],
  ['dict', '{{dict "a" 1 "b"}}', 'dict: takes key/value pairs: the last key has no value'],
  ['dict', '{{dict "a" 1 a=2}}', 'dict: key "a" is given twice'],
  ['int', '{{int "x"}}', 'int: cannot convert "x" to an integer'],
  ['hasKey', '{{hasKey claim.list "a"}}', 'hasKey: argument 1 must be a map, got a list'],
  ['len', '{{len claim.n}}', 'len: argument 1 must be text, a list or a map, got a number'],
  ['dnsLabel', '{{dnsLabel "!!!"}}', 'dnsLabel: "!!!" has no character allowed in a DNS label'],
  ['lookup', '{{lookup claim.s "a"}}', 'lookup: argument 1 must be a list or a map, got a string'],
];

describe('compose/template: helpers', () => {
  for (const [name, source, expected] of ok) {
    it(`${name}: ${source}`, () => {
      expect(value(source, context(CLAIM))).to.deep.equal(expected);
    });
  }

  for (const [name, source, message] of failing) {
    it(`${name} fails: ${source}`, () => {
      const outcome = evaluate(source, context(CLAIM));
      expect(outcome).to.have.nested.property('problem.code', 'template.helper-failed');
      expect(outcome).to.have.nested.property('problem.message', message);
      expect(outcome).to.have.nested.property('problem.column', 1);
    });
  }

  it('tests every helper', () => {
    const tested = new Set(ok.map(([name]) => name));
    const untested = [...HELPERS.keys()].filter((name) => !tested.has(name));
    expect(untested).to.deep.equal([]);
  });
});
