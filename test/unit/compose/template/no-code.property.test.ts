/**
 * Properties: no template helper and no template can be made to run code or reach a prototype.
 *
 * What can reach a helper: claim and observed data (JSON: strings, numbers, booleans, null, lists and
 * plain maps whose keys may be `__proto__`, `constructor`, `toString`, ... as own properties; never a
 * function, getter or class instance, since a claim is parsed JSON and render copies it), template
 * literals, `@index`/`@key`, and other helpers' results (the `toYaml`/`quote` wrappers, lists, maps).
 * Payloads try to set a global sentinel; after every run it must be untouched and no prototype may
 * have changed.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { HelperError } from '../../../../engine/compose/template/errors.ts';
import { QuotedText, YamlText } from '../../../../engine/compose/template/helpers/values.ts';
import type { HelperCall } from '../../../../engine/compose/template/helpers/index.ts';
import { HELPERS, compileTemplate, renderTemplate } from '../../../../engine/compose/template/index.ts';
import type { RenderOutcome } from '../../../../engine/compose/template/index.ts';
import { SEED, entries, hostileJson, hostileString, objectOf } from './injection-support.ts';
import { FILE, context } from './support.ts';

const RUNS = 200;
const SENTINEL = '__kubifyPwned';
const PAYLOAD = `globalThis.${SENTINEL} = 1`;
const globals = globalThis as Record<string, unknown>;

/** The names a prototype attack reaches for. */
const PROTO_NAMES = [
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
  '__defineGetter__',
  '__lookupGetter__',
  'isPrototypeOf',
  'call',
  'apply',
  'bind',
  'length',
  'then',
];

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];

function snapshot(): string[][] {
  return PROTOTYPES.map(([, proto]) => Reflect.ownKeys(proto).map(String).sort());
}

const BEFORE = snapshot();

/** Nothing ran: the sentinel is unset and no prototype gained or lost a property. */
function expectNothingRan(): void {
  expect(globals[SENTINEL], 'the payload ran').to.equal(undefined);
  expect(snapshot(), 'a prototype changed').to.deep.equal(BEFORE);
  expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
}

/** JSON data whose keys are mostly prototype names, with payloads as strings. */
const protoJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(PAYLOAD, 'return process', ...PROTO_NAMES),
    hostileString,
    fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 3 }),
    fc
      .uniqueArray(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_NAMES), hostileString), tie('value')), {
        maxLength: 4,
        selector: ([key]) => key,
      })
      .map(objectOf),
  ),
})).value;

/** Everything a helper argument can be: data, a missing value, a literal, or another helper's result. */
const helperArg: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: protoJson, weight: 4 },
  { arbitrary: fc.constantFrom(...PROTO_NAMES), weight: 2 },
  { arbitrary: hostileJson, weight: 2 },
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.integer({ min: -5, max: 2000 }), weight: 1 },
  { arbitrary: protoJson.map((v) => new YamlText(v, JSON.stringify(v) ?? 'null')), weight: 1 },
  { arbitrary: hostileString.map((s) => new QuotedText(s)), weight: 1 },
);

/** Helper results are data: primitives, plain maps, lists, or the two wrappers around data. */
function expectData(value: unknown, path = 'result'): void {
  if (value instanceof YamlText || value instanceof QuotedText) {
    expectData(value.value, `${path}.value`);
    return;
  }
  if (Array.isArray(value)) {
    expect(Object.getPrototypeOf(value), `${path} is a plain list`).to.equal(Array.prototype);
    value.forEach((item, i) => expectData(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    expect(Object.getPrototypeOf(value), `${path} is a plain map`).to.equal(Object.prototype);
    for (const key of Object.keys(value))
      expectData((value as Record<string, unknown>)[key], `${path}.${key}`);
    return;
  }
  expect(typeof value, `${path} is data`).to.be.oneOf(['string', 'number', 'boolean', 'undefined', 'object']);
}

class Missing extends Error {}

const helperNames = [...HELPERS.keys()].sort();

describe('compose/template: no helper or template runs code (properties)', () => {
  afterEach(() => {
    delete globals[SENTINEL];
  });

  it('covers every registered helper', () => {
    expect(helperNames.length).to.be.greaterThan(30);
  });

  for (const name of helperNames) {
    const def = HELPERS.get(name)!;
    it(`${name}: any reachable arguments give data or a HelperError, and are left unchanged (${RUNS} runs)`, () => {
      const maxArgs = Math.min(def.max, def.min + 3);
      const noHash: Record<string, unknown> = {};
      const hashArb = def.hash === 'any' ? entries(helperArg, 3).map(objectOf) : fc.constant(noHash);
      fc.assert(
        fc.property(
          fc.array(helperArg, { minLength: def.min, maxLength: maxArgs }),
          hashArb,
          (args, hash) => {
            const before = structuredClone(
              args.map((a) => (a instanceof YamlText || a instanceof QuotedText ? a.value : a)),
            );
            const call: HelperCall = {
              name,
              hash,
              missing: () => {
                throw new Missing();
              },
            };
            try {
              expectData(def.fn(args, call));
            } catch (err) {
              if (!(err instanceof HelperError) && !(err instanceof Missing)) throw err;
            }
            const after = args.map((a) => (a instanceof YamlText || a instanceof QuotedText ? a.value : a));
            expect(after, 'arguments unchanged').to.deep.equal(before);
            expectNothingRan();
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
    });
  }

  it(`dict: hostile keys (from pairs and key=value) become exactly the own keys of a plain map (${RUNS} runs)`, () => {
    const dict = HELPERS.get('dict')!;
    fc.assert(
      fc.property(entries(protoJson, 4), entries(protoJson, 2), (pairs, hashEntries) => {
        const hash = objectOf(hashEntries);
        const call: HelperCall = { name: 'dict', hash, missing: () => expect.fail('missing') };
        const keys = [...pairs.map(([k]) => k), ...hashEntries.map(([k]) => k)];
        let result: unknown;
        try {
          result = dict.fn(pairs.flat(), call);
        } catch (err) {
          // A key given both as a pair and as key=value is refused, by name.
          expect(err).to.be.instanceOf(HelperError);
          expect(new Set(keys).size).to.be.lessThan(keys.length);
          return;
        }
        expectData(result);
        expect(Object.keys(result as object).sort()).to.deep.equal([...keys].sort());
        expect(result).to.deep.equal(objectOf([...pairs, ...hashEntries]));
        expectNothingRan();
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it(`every helper in a template, with hostile claim data as arguments: data or a clear problem (${RUNS * 2} runs)`, () => {
    const sources = helperNames.map((name) => {
      const def = HELPERS.get(name)!;
      const n = Math.min(def.max, def.min + 1);
      const args = Array.from({ length: n }, (_, i) => `claim.a${i}`).join(' ');
      return {
        name,
        template: compileTemplate(`v: {{${name} ${args}}}\nw: x{{${name} ${args}}}\n`, { file: FILE }),
      };
    });
    for (const s of sources) expect(s.template.problems, s.name).to.deep.equal([]);
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(protoJson, { minLength: 4, maxLength: 4 }),
        (source, values) => {
          const claim = objectOf(values.map((v, i) => [`a${i}`, v]));
          expectTyped(renderTemplate(source.template.template!, context(claim)));
          expectNothingRan();
        },
      ),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it(`hostile templates fail to compile with a template problem, or render only data (${RUNS * 2} runs)`, () => {
    const seen = { rejected: 0, rendered: 0, failed: 0 };
    fc.assert(
      fc.property(hostileTemplate, protoJson, (source, data) => {
        const compiled = compileTemplate(source, { file: FILE });
        if (!compiled.template) {
          seen.rejected++;
          expect(compiled.problems).to.not.be.empty;
          for (const p of compiled.problems) {
            expect(p.code).to.match(/^template\./);
            expect(p.file).to.equal(FILE);
          }
          expectNothingRan();
          return;
        }
        const claim = objectOf([
          ['data', data],
          ['list', [data, PAYLOAD]],
          ['constructor', PAYLOAD],
        ]);
        const outcome = renderTemplate(compiled.template, context(claim, { db: { status: data } }));
        expectTyped(outcome);
        if (outcome.ok) seen.rendered++;
        else seen.failed++;
        expectNothingRan();
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
    // The generator must reach both the compiler's checks and the renderer.
    expect(seen.rejected, JSON.stringify(seen)).to.be.greaterThan(RUNS / 4);
    expect(seen.rendered, JSON.stringify(seen)).to.be.greaterThan(RUNS / 10);
    expect(seen.failed, JSON.stringify(seen)).to.be.greaterThan(RUNS / 10);
  });

  describe('known attacks', () => {
    const compileTime: [string, string][] = [
      [`{{constructor.constructor "${PAYLOAD}"}}`, 'template.unknown-helper'],
      [`{{#with this}}{{constructor.constructor "${PAYLOAD}"}}{{/with}}`, 'template.unknown-helper'],
      [`{{(lookup this "constructor") "${PAYLOAD}"}}`, 'template.syntax'],
      [`{{__kubify_call 0 "${PAYLOAD}"}}`, 'template.unknown-helper'],
      [`{{__kubify_emit 0 "${PAYLOAD}"}}`, 'template.unknown-helper'],
      ['{{#__kubify_get this 0}}x{{/__kubify_get}}', 'template.unknown-helper'],
      ['{{#helperMissing}}x{{/helperMissing}}', 'template.unknown-helper'],
      ['{{#blockHelperMissing this}}x{{/blockHelperMissing}}', 'template.unknown-helper'],
      ['{{log "x"}}', 'template.unknown-helper'],
      ['{{> evil}}', 'template.partial'],
      ['{{#> evil}}x{{/evil}}', 'template.partial'],
      ['{{*inline}}', 'template.decorator'],
      ['{{{claim.v}}}', 'template.triple-stash'],
      ['{{& claim.v}}', 'template.triple-stash'],
      ['{{@proto}}', 'template.unknown-variable'],
      ['{{@__proto__}}', 'template.unknown-variable'],
      ['{{../constructor}}', 'template.bad-depth'],
    ];
    for (const [source, code] of compileTime) {
      it(`does not compile ${source} (${code})`, () => {
        const result = compileTemplate(`a: ${source}\n`, { file: FILE });
        expect(result.template).to.equal(undefined);
        expect(result.problems.map((p) => p.code)).to.include(code);
        expectNothingRan();
      });
    }

    const renderTime: [string, string][] = [
      ['{{constructor}}', 'template.missing-value'],
      ['{{this.constructor}}', 'template.missing-value'],
      ['{{[constructor]}}', 'template.missing-value'],
      ['{{claim.__proto__}}', 'template.missing-value'],
      ['{{claim.v.constructor}}', 'template.missing-value'],
      ['{{@root.constructor}}', 'template.missing-value'],
      ['{{#with claim}}{{__proto__.polluted}}{{/with}}', 'template.missing-value'],
      ['{{lookup claim "constructor"}}', 'template.no-value'],
      ['{{lookup (lookup claim "__proto__") "constructor"}}', 'template.helper-failed'],
      ['{{#each claim.m}}{{constructor}}{{/each}}', 'template.missing-value'],
      ['{{#each claim.m}}{{@key.constructor}}{{/each}}', 'template.missing-value'],
    ];
    for (const [source, code] of renderTime) {
      it(`renders ${source} as a problem (${code}), reading own properties only`, () => {
        const t = compileTemplate(`a: ${source}\n`, { file: FILE });
        expect(t.problems).to.deep.equal([]);
        const outcome = renderTemplate(t.template!, context({ v: 'x', m: { a: { b: 1 } } }));
        expect(outcome.ok).to.equal(false);
        expect('problem' in outcome && outcome.problem.code).to.equal(code);
        expectNothingRan();
      });
    }

    it('reads the length of a list: an own property, data', () => {
      const t = compileTemplate('a: {{claim.list.length}}\n', { file: FILE });
      const outcome = renderTemplate(t.template!, context({ list: [1, 2] }));
      expect(outcome).to.deep.equal({ ok: true, documents: [{ a: 2 }] });
    });

    for (const [name, deep] of [
      ['lists', nested(10_000, (inner) => [inner])],
      ['maps', nested(10_000, (inner) => ({ a: inner }))],
    ] as const) {
      it(`turns values nested 10000 levels deep (${name}) into problems, never exceptions`, () => {
        for (const source of [
          'a: {{claim.d}}',
          'a: {{toYaml claim.d}}',
          'a: x{{toYaml claim.d}}',
          'a: {{toJson claim.d}}',
          'a: {{list claim.d}}',
          'a: {{eq claim.d claim.d}}',
        ]) {
          const t = compileTemplate(source, { file: FILE });
          const outcome = renderTemplate(t.template!, context({ d: deep }));
          expectTyped(outcome);
          if (!outcome.ok && 'problem' in outcome) {
            expect(outcome.problem.code, source).to.be.oneOf([
              'template.too-large',
              'template.helper-failed',
            ]);
            expect(outcome.problem.line, source).to.equal(1);
          }
        }
      });
    }

    it('caps indent widths and turns strings too long for JavaScript into problems', () => {
      const t = compileTemplate('a: {{indent "x" claim.n}}\nb: {{replace claim.s "x" claim.s}}\n', {
        file: FILE,
      });
      const wide = renderTemplate(t.template!, context({ n: 1e9, s: 'x' }));
      expect('problem' in wide && wide.problem.message).to.equal(
        'indent: argument 2 must be a non-negative integer <= 1000, got 1000000000',
      );
      const long = renderTemplate(t.template!, context({ n: 1, s: 'x'.repeat(100_000) }));
      expect('problem' in long && long.problem.code).to.equal('template.too-large');
    });

    it('reads __proto__ and constructor only as own data when a claim really has them', () => {
      const claim = JSON.parse(
        `{"__proto__": {"polluted": "${PAYLOAD}"}, "constructor": {"prototype": "${PAYLOAD}"}}`,
      ) as unknown;
      const t = compileTemplate(
        'a: {{claim.__proto__.polluted}}\nb: {{claim.constructor.prototype}}\nc: {{claim.__proto__}}\n',
        { file: FILE },
      );
      const outcome = renderTemplate(t.template!, context(claim));
      if (!outcome.ok) expect.fail(JSON.stringify(outcome));
      const [doc] = outcome.documents as [Record<string, unknown>];
      expect(doc.a).to.equal(PAYLOAD);
      expect(doc.b).to.equal(PAYLOAD);
      expect(Object.getPrototypeOf(doc.c)).to.equal(Object.prototype);
      expect(Object.keys(doc.c as object)).to.deep.equal(['polluted']);
      expectNothingRan();
    });
  });
});

function nested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

/** A render outcome is data, pending, or a problem the engine names (never `template.internal`). */
function expectTyped(outcome: RenderOutcome): void {
  if (outcome.ok) {
    for (const doc of outcome.documents) expectData(doc, 'document');
    return;
  }
  if ('pending' in outcome) {
    expect(outcome.pending.path[0]).to.equal('resources');
    return;
  }
  expect(outcome.problem.code, outcome.problem.message).to.match(/^template\./);
  expect(outcome.problem.code, outcome.problem.message).to.not.equal('template.internal');
}

/* Hostile templates: prototype paths, internal helper names, partials, decorators, block helpers on
 * hostile data, in YAML positions. */

const NAMES = [
  ...PROTO_NAMES,
  'claim',
  'claim.data',
  'claim.list',
  'claim.constructor',
  'claim.data.constructor',
  'claim.__proto__',
  'this',
  '.',
  'this.constructor',
  '../constructor',
  '@root',
  '@root.constructor',
  '@root.claim.data',
  '@key',
  '@index',
  '@first',
  '@proto',
  '[constructor]',
  'constructor.constructor',
  '__kubify_get',
  '__kubify_emit',
  '__kubify_call',
  '__kubify_render',
  'helperMissing',
  'blockHelperMissing',
  'log',
  'lookup',
  'resources.db.status',
  ...HELPERS.keys(),
];
const LITERALS = [`"${PAYLOAD}"`, '"constructor"', '"__proto__"', '1', 'true', 'null', 'undefined', "'x'"];

const nameArb = fc.constantFrom(...NAMES);
const argArb = fc.oneof(
  nameArb,
  fc.constantFrom(...LITERALS),
  fc.tuple(nameArb, nameArb).map(([h, a]) => `(${h} ${a})`),
  fc.tuple(nameArb, fc.constantFrom(...LITERALS)).map(([h, a]) => `(${h} ${a})`),
);
const exprArb = fc
  .tuple(nameArb, fc.array(argArb, { maxLength: 3 }), fc.option(fc.tuple(nameArb, argArb)))
  .map(([head, args, hash]) =>
    [head, ...args, ...(hash ? [`${hash[0].replace(/\W/g, '') || 'k'}=${hash[1]}`] : [])].join(' '),
  );

const statementArb: fc.Arbitrary<string> = fc.oneof(
  exprArb.map((e) => `{{${e}}}`),
  exprArb.map((e) => `x-{{${e}}}`),
  exprArb.map((e) => `"{{${e}}}"`),
  exprArb.map((e) => `{{{${e}}}}`),
  exprArb.map((e) => `{{& ${e}}}`),
  fc
    .tuple(
      fc.constantFrom('with', 'each', 'if', 'unless', 'lookup', 'constructor', 'helperMissing', 'log'),
      exprArb,
      exprArb,
    )
    .map(([block, subject, inner]) => `{{#${block} ${subject}}}{{${inner}}}{{else}}e{{/${block}}}`),
  fc
    .tuple(exprArb, nameArb)
    .map(([subject, inner]) => `{{#each ${subject} as |constructor __proto__|}}{{${inner}}}{{/each}}`),
  nameArb.map((n) => `{{> ${n.replace(/[^\w]/g, '') || 'p'}}}`),
  nameArb.map((n) => `{{*${n.replace(/[^\w]/g, '') || 'd'}}}`),
  fc.constant('{{!-- {{constructor}} --}}'),
);

/* Templates that mostly compile, so the renderer meets prototype names in data paths and blocks. */
const PATHS = [
  'claim.data',
  'claim.list',
  'claim.constructor',
  'claim.data.constructor',
  'claim.data.__proto__',
  'claim.data.[__proto__]',
  'claim.data.toString',
  'claim.list.length',
  'claim.list.[0]',
  'this.claim.data',
  '@root.claim.data',
  '@root.claim.constructor',
  'resources.db.status',
  'resources.db.status.constructor',
  'resources.db.status.__proto__.polluted',
];
const INNER = [
  'this',
  '.',
  'constructor',
  '__proto__',
  'this.toString',
  '@key',
  '@index',
  '../claim.data',
  '@root.claim.list',
];
const pathArb = fc.constantFrom(...PATHS);
const valueArb = fc.oneof(pathArb, fc.constantFrom(...LITERALS));
const callArb = fc
  .constantFrom(...HELPERS.values())
  .chain((def) =>
    fc
      .array(valueArb, { minLength: def.min, maxLength: Math.min(def.max, def.min + 1) })
      .map((args) => [def.name, ...args].join(' ')),
  );
const shapedArb: fc.Arbitrary<string> = fc.oneof(
  pathArb.map((p) => `{{${p}}}`),
  callArb.map((c) => `{{${c}}}`),
  callArb.map((c) => `x-{{${c}}}`),
  fc.tuple(callArb, pathArb).map(([c, p]) => `{{default (${c}) ${p}}}`),
  fc
    .tuple(fc.constantFrom('with', 'each', 'if', 'unless'), pathArb, fc.constantFrom(...INNER))
    .map(([block, subject, inner]) => `{{#${block} ${subject}}}{{${inner}}}{{else}}e{{/${block}}}`),
  fc
    .tuple(pathArb, fc.constantFrom(...INNER))
    .map(([subject, inner]) => `\n{{#each ${subject}}}\n  - {{${inner}}}\n{{/each}}`),
);

const hostileTemplate: fc.Arbitrary<string> = fc
  .array(fc.oneof({ arbitrary: statementArb, weight: 1 }, { arbitrary: shapedArb, weight: 6 }), {
    minLength: 1,
    maxLength: 3,
  })
  .map((statements) => statements.map((s, i) => `k${i}: ${s}`).join('\n'));
