/**
 * Properties: a claim value lands as data exactly where its `{{expr}}` is, in every position the
 * template language allows, and never adds keys, documents or objects; claim map keys stay keys of that
 * map only; a value is never evaluated as a template. The fixed examples are in injection.test.ts.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';
import { compile } from '../../../../engine/compose/compile.ts';
import { render } from '../../../../engine/compose/render.ts';
import {
  FRAGMENTS,
  SEED,
  entries,
  hostileJson,
  hostileString,
  objectOf,
  setOwn,
} from './injection-support.ts';
import { compiled, context } from './support.ts';
import { renderTemplate } from '../../../../engine/compose/template/index.ts';

const RUNS = 300;
/** The widest properties (every position, a whole composition) run fewer, heavier cases. */
const WIDE_RUNS = 150;

/** Every position a value can take; `claim.*` holds hostile values (see `claimArb`). */
const POSITIONS = `whole: {{claim.v}}
text: x-{{claim.v}}-y
two: {{claim.v}}{{claim.w}}
double: "{{claim.v}}"
single: '{{claim.v}}'
literal: |
  {{claim.v}}
keep: |+
  {{claim.v}}

folded: >-
  a {{claim.v}} b
flowSeq: [{{claim.v}}, 1, "{{claim.w}}"]
flowMap: {a: {{claim.v}}, b: x{{claim.w}} }
blockSeq:
  - {{claim.v}}
  - - {{claim.w}}
keyed:
  {{claim.k}}: {{claim.v}}
prefixedKey:
  p-{{claim.k}}: 1
quotedKey:
  "{{claim.k}}": 1
object: {{claim.o}}
objectInSeq:
  - {{claim.o}}
list: {{claim.l}}
map: {{claim.m}}
each:
{{#each claim.l}}
  - {{this}}
{{/each}}
eachMap:
{{#each claim.m}}
  {{@key}}: {{this}}
{{/each}}
eachIndexed:
{{#each claim.m}}
  k{{@index}}: "{{@key}}={{this}}"
{{/each}}
with:
{{#with claim}}
  v: {{v}}
  root: {{@root.claim.w}}
{{/with}}
blockParams:
{{#each claim.l as |item i|}}
  - [{{i}}, {{item}}]
{{/each}}
ifValue: {{#if claim.v}}set{{else}}empty{{/if}}
required: {{#if claim.v}}{{required claim.v}}{{else}}none{{/if}}
helpers:
  default: {{default claim.v "fallback"}}
  defaultMissing: {{default claim.missing claim.v}}
  quote: {{quote claim.v}}
  quoteText: q={{quote claim.v}}
  toJson: {{toJson claim.v}}
  toJsonText: j={{toJson claim.o}}
  toJsonObject: {{toJson claim.o}}
  toYaml: {{toYaml claim.o}}
  toYamlText: |
    {{toYaml claim.o}}
  b64enc: {{b64enc claim.v}}
  b64round: {{b64dec (b64enc claim.v)}}
  sha256: {{sha256 claim.v}}
  concat: {{concat "p-" claim.v "-" claim.w}}
  concatLists: {{concat claim.l (list claim.v)}}
  replace: {{replace claim.v "a" claim.w}}
  trunc: {{trunc claim.v 5}}
  upper: {{upper claim.v}}
  lower: {{lower claim.v}}
  trim: {{trim claim.v}}
  indent: {{indent claim.v 2}}
  nindent: {{nindent claim.v 2}}
  join: {{join claim.l claim.w}}
  list: {{list claim.v claim.w}}
  dict: {{dict claim.k claim.v}}
  dictHash: {{dict fixed=claim.v}}
  lookup: {{default (lookup claim.m claim.k) "none"}}
  hasKey: {{hasKey claim.m claim.k}}
  len: {{len claim.v}}
  eq: {{eq claim.v claim.w}}
  ne: {{ne claim.o claim.w}}
  lt: {{lt claim.v claim.w}}
  and: {{and claim.v claim.w}}
  or: {{or claim.v claim.w}}
  not: {{not claim.v}}
# a comment: {{claim.v}}
`;

const TOP_KEYS = [
  'whole',
  'text',
  'two',
  'double',
  'single',
  'literal',
  'keep',
  'folded',
  'flowSeq',
  'flowMap',
  'blockSeq',
  'keyed',
  'prefixedKey',
  'quotedKey',
  'object',
  'objectInSeq',
  'list',
  'map',
  'each',
  'eachMap',
  'eachIndexed',
  'with',
  'blockParams',
  'ifValue',
  'required',
  'helpers',
];

interface Claim {
  v: string;
  w: string;
  k: string;
  o: unknown;
  l: string[];
  m: Record<string, string>;
}

const claimArb: fc.Arbitrary<Claim> = fc.record({
  v: hostileString,
  w: hostileString,
  k: hostileString,
  o: hostileJson,
  l: fc.array(hostileString, { maxLength: 3 }),
  m: entries(hostileString, 3).map((e) => objectOf(e) as Record<string, string>),
});

function yamlText(value: unknown): string {
  const text = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

const indented = (s: string, n: number): string => ' '.repeat(n) + s.replaceAll('\n', `\n${' '.repeat(n)}`);
const orNull = <T>(items: T[]): T[] | null => (items.length > 0 ? items : null);

/** What POSITIONS must render for `c`: every value as data, exactly where it was put. */
function expected(c: Claim): Record<string, unknown> {
  const { v, w, k, o, l, m } = c;
  const b64 = Buffer.from(v, 'utf8').toString('base64');
  return objectOf([
    ['whole', v],
    ['text', `x-${v}-y`],
    ['two', v + w],
    ['double', v],
    ['single', v],
    ['literal', `${v}\n`],
    ['keep', `${v}\n\n`],
    ['folded', `a ${v} b`],
    ['flowSeq', [v, 1, w]],
    ['flowMap', { a: v, b: `x${w}` }],
    ['blockSeq', [v, [w]]],
    ['keyed', objectOf([[k, v]])],
    ['prefixedKey', objectOf([[`p-${k}`, 1]])],
    ['quotedKey', objectOf([[k, 1]])],
    ['object', o],
    ['objectInSeq', [o]],
    ['list', l],
    ['map', m],
    ['each', orNull(l)],
    ['eachMap', Object.keys(m).length > 0 ? m : null],
    [
      'eachIndexed',
      Object.keys(m).length > 0
        ? objectOf(Object.keys(m).map((key, i) => [`k${i}`, `${key}=${m[key]}`]))
        : null,
    ],
    ['with', { v, root: w }],
    ['blockParams', orNull(l.map((item, i) => [i, item]))],
    ['ifValue', v === '' ? 'empty' : 'set'],
    ['required', v === '' ? 'none' : v],
    [
      'helpers',
      objectOf([
        ['default', v === '' ? 'fallback' : v],
        ['defaultMissing', v],
        ['quote', v],
        ['quoteText', `q=${JSON.stringify(v)}`],
        ['toJson', JSON.stringify(v)],
        ['toJsonText', `j=${JSON.stringify(o)}`],
        ['toJsonObject', JSON.stringify(o)],
        ['toYaml', o],
        ['toYamlText', `${yamlText(o)}\n`],
        ['b64enc', b64],
        ['b64round', Buffer.from(b64, 'base64').toString('utf8')],
        ['sha256', createHash('sha256').update(v, 'utf8').digest('hex')],
        ['concat', `p-${v}-${w}`],
        ['concatLists', [...l, v]],
        ['replace', v.replaceAll('a', w)],
        ['trunc', Array.from(v).slice(0, 5).join('')],
        ['upper', v.toUpperCase()],
        ['lower', v.toLowerCase()],
        ['trim', v.trim()],
        ['indent', indented(v, 2)],
        ['nindent', `\n${indented(v, 2)}`],
        ['join', l.join(w)],
        ['list', [v, w]],
        ['dict', objectOf([[k, v]])],
        ['dictHash', { fixed: v }],
        ['lookup', Object.hasOwn(m, k) && m[k] !== '' ? m[k] : 'none'],
        ['hasKey', Object.hasOwn(m, k)],
        ['len', Array.from(v).length],
        ['eq', v === w],
        ['ne', o !== w],
        ['lt', v < w],
        ['and', v !== '' && w !== ''],
        ['or', v !== '' || w !== ''],
        ['not', v === ''],
      ]),
    ],
  ]);
}

/** Every map in `value` is a plain object (no prototype changed by a `__proto__` key). */
function expectPlain(value: unknown, path = 'doc'): void {
  if (Array.isArray(value)) {
    value.forEach((item, i) => expectPlain(item, `${path}[${i}]`));
  } else if (typeof value === 'object' && value !== null) {
    expect(Object.getPrototypeOf(value), `${path} is a plain object`).to.equal(Object.prototype);
    for (const key of Object.keys(value))
      expectPlain((value as Record<string, unknown>)[key], `${path}.${key}`);
  } else {
    expect(typeof value, `${path} is data`).to.be.oneOf(['string', 'number', 'boolean', 'object']);
  }
}

const positions = compiled(POSITIONS);
const twoDocs = compiled('first: {{claim.v}}\n---\nsecond: {{claim.w}}\n---\n# {{claim.v}}\n');

describe('compose/template: injection properties', () => {
  it(`every position keeps a hostile value as data, exactly (${WIDE_RUNS} runs)`, () => {
    fc.assert(
      fc.property(claimArb, (claim) => {
        const outcome = renderTemplate(positions, context(claim));
        if (!outcome.ok) expect.fail(`render failed: ${JSON.stringify(outcome).slice(0, 500)}`);
        expect(outcome.documents).to.have.length(1);
        const [doc] = outcome.documents as [Record<string, unknown>];
        expect(Object.keys(doc)).to.deep.equal(TOP_KEYS);
        expect(doc).to.deep.equal(expected(claim));
        expectPlain(doc);
        // toYaml emits structure from a value: that structure is the value's own and nothing else.
        const helpers = doc.helpers as Record<string, unknown>;
        expect(parse(helpers.toYamlText as string)).to.deep.equal(claim.o);
      }),
      { seed: SEED, numRuns: WIDE_RUNS },
    );
  });

  it(`no value adds or removes a document (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(hostileString, hostileString, (v, w) => {
        const outcome = renderTemplate(twoDocs, context({ v, w }));
        if (!outcome.ok) expect.fail(`render failed: ${JSON.stringify(outcome).slice(0, 500)}`);
        expect(outcome.documents).to.deep.equal([{ first: v }, { second: w }]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`claim map keys stay keys of that map only, at any depth (${RUNS} runs)`, () => {
    const t = compiled(
      'fixed: 1\nlabels: {{claim.m}}\neach:\n{{#each claim.m}}\n  {{@key}}: {{toYaml this}}\n{{/each}}\nafter: 2\n',
    );
    fc.assert(
      fc.property(entries(hostileJson, 5).map(objectOf), (m) => {
        const outcome = renderTemplate(t, context({ m }));
        if (!outcome.ok) expect.fail(`render failed: ${JSON.stringify(outcome).slice(0, 500)}`);
        const [doc] = outcome.documents as [Record<string, unknown>];
        expect(outcome.documents).to.have.length(1);
        expect(Object.keys(doc)).to.deep.equal(['fixed', 'labels', 'each', 'after']);
        expect(doc.labels).to.deep.equal(m);
        expect(doc.each).to.deep.equal(Object.keys(m).length > 0 ? m : null);
        expectPlain(doc);
        expect(Object.prototype).to.not.have.property('polluted');
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`a value is never evaluated as a template (${RUNS} runs)`, () => {
    const mustaches = fc
      .array(
        fc.oneof(
          fc.constantFrom(...FRAGMENTS),
          fc.constantFrom(
            '{{claim.secret}}',
            '{{{claim.secret}}}',
            '{{#with claim}}{{secret}}{{/with}}',
            '{{@root.claim.secret}}',
            '{{lookup claim "secret"}}',
          ),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    const t = compiled('a: {{claim.v}}\nb: "{{claim.v}}"\nc: x{{claim.v}}\n');
    fc.assert(
      fc.property(mustaches, (v) => {
        const secret = 'S3CR3T-never-in-output';
        const outcome = renderTemplate(t, context({ v, secret }));
        if (!outcome.ok) expect.fail(`render failed: ${JSON.stringify(outcome).slice(0, 500)}`);
        expect(outcome.documents).to.deep.equal([{ a: v, b: v, c: `x${v}` }]);
        expect(JSON.stringify(outcome.documents)).to.not.include(secret);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

/* A whole composition: compile + render, with the positions above, status projection and includeWhen. */

const COMPOSITION = `apiVersion: kubify.io/v1alpha1
kind: Composition
metadata:
  name: injection
spec:
  api:
    group: test.kubify.io
    version: v1alpha1
    kind: Injection
    scope: Namespaced
    schema:
      type: object
      properties:
        v: {type: string}
        w: {type: string}
        k: {type: string}
        o: {type: object, x-kubernetes-preserve-unknown-fields: true}
        l: {type: array, items: {type: string}}
        m: {type: object, additionalProperties: {type: string}}
        flag: {type: boolean}
        absent: {type: string}
  resources:
    - id: positions
      templateFile: templates/positions.yaml.hbs
    - id: gated
      includeWhen: '{{claim.spec.flag}}'
      template: |
        apiVersion: v1
        kind: Secret
        metadata:
          name: {{names.gated}}
        stringData:
          v: {{claim.spec.v}}
  status:
    whole: '{{claim.spec.v}}'
    text: 'v={{claim.spec.v}}'
    object: '{{claim.spec.o}}'
    keys: '{{claim.spec.m}}'
`;

const HEADER = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{names.positions}}\n';
const POSITIONS_IN_SPEC = POSITIONS.replaceAll('claim.missing', 'claim.absent')
  .replaceAll('claim.', 'claim.spec.')
  .replace('{{#with claim}}', '{{#with claim.spec}}');

describe('compose: injection properties through compile and render', () => {
  const result = compile({
    file: 'composition.yaml',
    text: COMPOSITION,
    files: { 'templates/positions.yaml.hbs': HEADER + POSITIONS_IN_SPEC },
  });
  const claimOf = (spec: Record<string, unknown>): Record<string, unknown> => ({
    apiVersion: 'test.kubify.io/v1alpha1',
    kind: 'Injection',
    metadata: { name: 'hostile', namespace: 'tenant' },
    spec,
  });

  it('compiles the purpose-built composition', () => {
    expect(result.problems.filter((p) => p.severity !== 'Warning')).to.deep.equal([]);
  });

  it(`a claim renders the same objects, keys and status as a benign one, with its values in place (${WIDE_RUNS / 2} runs)`, () => {
    const composition = result.compiled!;
    const benign = render({
      claim: claimOf({ v: 'b', w: 'b', k: 'b', o: {}, l: [], m: {}, flag: true }),
      compiled: composition,
      now: '2025-01-01T00:00:00Z',
    });
    expect(benign.results.filter((p) => p.severity === 'Fatal')).to.deep.equal([]);
    const identity = (r: typeof benign): unknown =>
      r.desired.map((d) => ({
        id: d.id,
        apiVersion: d.object.apiVersion,
        kind: d.object.kind,
        metadata: d.object.metadata,
      }));
    fc.assert(
      fc.property(claimArb, fc.boolean(), (c, flag) => {
        const spec: Record<string, unknown> = { ...c, flag };
        // The schema allows only a map for `o` (preserve-unknown-fields): anything else goes under a key.
        if (typeof c.o !== 'object' || c.o === null || Array.isArray(c.o)) setOwn(spec, 'o', { value: c.o });
        const claim = { ...c, o: spec.o };
        const out = render({ claim: claimOf(spec), compiled: composition, now: '2025-01-01T00:00:00Z' });
        expect(out.results.filter((p) => p.severity === 'Fatal')).to.deep.equal([]);
        const expectedIds = flag ? ['gated', 'positions'] : ['positions'];
        expect(out.desired.map((d) => d.id)).to.deep.equal(expectedIds);
        expect(identity(out)).to.deep.equal(
          (identity(benign) as { id: string }[]).filter((d) => expectedIds.includes(d.id)),
        );
        const positionsObject = out.desired.find((d) => d.id === 'positions')!.object;
        const { apiVersion: _a, kind: _k, metadata: _m, ...data } = positionsObject;
        expect(data).to.deep.equal(expected(claim));
        const gated = out.desired.find((d) => d.id === 'gated')?.object;
        if (gated) expect(gated.stringData).to.deep.equal({ v: c.v });
        expect(out.status).to.deep.equal({ whole: c.v, text: `v=${c.v}`, object: claim.o, keys: c.m });
      }),
      { seed: SEED, numRuns: WIDE_RUNS / 2 },
    );
  });

  it('refuses a claim nested deeper than 128 levels with a problem; render never throws', () => {
    const composition = result.compiled!;
    for (const depth of [100, 200, 10_000]) {
      let o: unknown = 'leaf';
      for (let i = 0; i < depth; i++) o = { o };
      const spec = { v: 'a', w: 'b', k: 'k', o: { o }, l: [], m: {}, flag: false };
      const out = render({
        claim: claimOf(spec),
        compiled: composition,
        now: '2025-01-01T00:00:00Z',
      });
      const codes = out.results.filter((p) => p.severity === 'Fatal').map((p) => p.code);
      expect(codes, `depth ${depth}`).to.deep.equal(depth < 128 ? [] : ['claim.too-deep']);
    }
  });

  it(`includeWhen takes a boolean only: no string value includes a resource (${WIDE_RUNS / 2} runs)`, () => {
    const composition = compile({
      file: 'composition.yaml',
      text: COMPOSITION.replace("includeWhen: '{{claim.spec.flag}}'", "includeWhen: '{{claim.spec.v}}'"),
      files: { 'templates/positions.yaml.hbs': HEADER + 'v: {{claim.spec.v}}\n' },
    }).compiled!;
    fc.assert(
      fc.property(hostileString, (v) => {
        const out = render({ claim: claimOf({ v }), compiled: composition, now: '2025-01-01T00:00:00Z' });
        expect(out.desired.map((d) => d.id)).to.deep.equal([]);
        expect(out.results.map((p) => p.code)).to.include('render.include-when-type');
      }),
      { seed: SEED, numRuns: WIDE_RUNS / 2 },
    );
  });
});
