/**
 * Shared pieces of the injection properties: arbitraries for hostile claim values (strings, keys, JSON
 * trees) and the comparison of a render with hostile values against renders with benign ones.
 *
 * The comparison works with sentinels: every hostile value `i` has a benign stand-in `QqA<i>Zz` (and a
 * second one `QqB<i>Zz`). Rendering with stand-ins A and B tells which parts of the output come from the
 * template (equal in A and B), where a value lands verbatim (the sentinel shows up in a string or a key),
 * and which parts are derived from a value by a helper (they differ, without the sentinel). The hostile
 * render must then have exactly the same objects and keys, with each hostile value exactly where its
 * sentinel was.
 */
import fc from 'fast-check';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';

/** Property runs are reproducible: one fixed seed per property, and fast-check prints the counterexample. */
export const SEED = 0x6b756269;

/** Fragments with a meaning in YAML, JSON, Handlebars or to the engine itself. */
export const FRAGMENTS: readonly string[] = [
  '{{',
  '}}',
  '{{{',
  '}}}',
  '{{claim.spec}}',
  '{{ secrets }}',
  '{{> partial}}',
  '{{#each this}}x{{/each}}',
  '{{constructor.constructor "return process"}}',
  '{{@root}}',
  '{{__kubify_emit 0 1}}',
  '---',
  '...',
  '--- !!map',
  ': ',
  ':',
  '- ',
  '-',
  '#',
  ' #',
  '&a ',
  '*a',
  '!',
  '!!python/object/apply:os.system ["id"]',
  '!!binary',
  '!local',
  '%YAML 1.2',
  '%TAG ! tag:x,2000:',
  '@',
  '`',
  '|',
  '|-',
  '>',
  '>+',
  "'",
  "''",
  '"',
  '\\',
  '\\n',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\0',
  '\u0001',
  '\u0002',
  '\u0085',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ud83d\ude00',
  '<<',
  '<<: *a',
  '? ',
  '[',
  ']',
  '{',
  '}',
  ',',
  'true',
  'false',
  'null',
  '~',
  'yes',
  'NO',
  'on',
  '0x1F',
  '1e3',
  '-0',
  '.inf',
  '-.NaN',
  '0o17',
  '012',
  '1_000',
  '12:30:00',
  '2001-12-14t21:59:43.10-05:00',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
  ' ',
  'K0123456789abx0x',
  'Kffffffffffffx1x',
  'kind: Secret',
  'apiVersion: v1',
  'metadata:\n  name: evil',
];

/** A whole value that is hostile on its own. */
const WHOLE: readonly string[] = [
  '',
  ' ',
  'safe\nkind: Secret',
  '---\napiVersion: v1\nkind: Secret\nmetadata: {name: evil}',
  'a\n...\n---\nb: c',
  '{{ secrets }}',
  '&anchor {a: 1}',
  '*anchor',
  '!!python/object/apply:os.system ["id"]',
  '<<: {kind: Secret}',
  '[1, 2]',
  '{a: 1}',
  '- a\n- b',
  '? k\n: v',
  '|\n  text',
  '%YAML 1.2\n---',
  'true',
  'null',
  '~',
  '123',
  '0x1F',
  '1e999',
  '"quoted"',
  "'single'",
  '# comment',
  'a #comment',
  'x: y\n'.repeat(2000),
];

/** No lone UTF-16 surrogate: a claim holding one is refused up front (`claim.invalid-text`). */
const wellFormed = (s: string): boolean =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/**
 * Strings made of metacharacters, arbitrary text and full unicode; occasionally very long. Always
 * well-formed UTF-16: claims with lone surrogates never reach a template (see claim.invalid-text).
 */
export const hostileString: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.constantFrom(...WHOLE), weight: 2 },
    {
      arbitrary: fc
        .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 4 })), { maxLength: 8 })
        .map((parts) => parts.join('')),
      weight: 5,
    },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.constantFrom(...FRAGMENTS), fc.integer({ min: 1000, max: 5000 }))
        .map(([fragment, n]) => fragment.repeat(Math.ceil(n / fragment.length))),
      weight: 1,
    },
  )
  .filter(wellFormed);

/** An own, enumerable property, even `__proto__` (as `JSON.parse` makes it). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) setOwn(out, key, value);
  return out;
}

/** Names `Object.prototype` has (and `__proto__`): as keys they must stay plain own keys. */
export const PROTOTYPE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'toJSON',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
];

/** A map key: hostile text, often a prototype name. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: fc.constantFrom(...PROTOTYPE_KEYS), weight: 1 },
);

/** Entries with distinct keys. */
export function entries<T>(value: fc.Arbitrary<T>, maxLength = 4): fc.Arbitrary<[string, T][]> {
  return fc.uniqueArray(fc.tuple(hostileKey, value), { maxLength, selector: ([key]) => key });
}

/** JSON data (what a claim can hold) with hostile keys and strings at every level. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
    ),
    fc.array(tie('value'), { maxLength: 3 }),
    entries(tie('value'), 3).map(objectOf),
  ),
})).value;

/** A JSON map (a claim field of type object). */
export const hostileMap: fc.Arbitrary<Record<string, unknown>> = entries(hostileJson, 4).map(objectOf);

/* ----------------------------------------------------------------------------------------------------- */

/**
 * Hostile values taken from a claim, numbered in the order they were taken, and their benign stand-ins.
 * `take` returns the stand-in for `variant` ('A', 'B') or the hostile value itself ('X').
 */
export type Variant = 'A' | 'B' | 'X';

export function sentinel(variant: 'A' | 'B', i: number): string {
  return `Qq${variant}${i}Zz`;
}

const SENTINEL = /Qq([AB])(\d+)Zz/g;

export class Values {
  readonly strings: string[] = [];

  /** A hostile string slot: '' stays '' in every variant, so truthiness is the same everywhere. */
  text(value: string, variant: Variant): string {
    if (value === '') return '';
    const i = this.strings.push(value) - 1;
    return variant === 'X' ? value : sentinel(variant, i);
  }

  /** A hostile JSON tree: the same shape in every variant, every key and non-empty string a slot. */
  json(value: unknown, variant: Variant): unknown {
    if (typeof value === 'string') return this.text(value, variant);
    if (Array.isArray(value)) return value.map((item) => this.json(item, variant));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        // A sentinel key is always non-empty; the empty key stays empty.
        const k = key === '' ? '' : this.text(key, variant);
        setOwn(out, k, this.json((value as Record<string, unknown>)[key], variant));
      }
      return out;
    }
    return value;
  }

  /** `text` with every sentinel of A replaced by its value in `to`. */
  substitute(text: string, to: Variant): string {
    return text.replace(SENTINEL, (_all, _v: string, i: string) => {
      const n = Number(i);
      return to === 'X' ? (this.strings[n] ?? '') : sentinel(to, n);
    });
  }
}

export function hasSentinel(text: string): boolean {
  return new RegExp(SENTINEL.source).test(text);
}

/** What the comparison saw, so a test can show it compared something. */
export interface Seen {
  verbatim: number;
  structured: number;
  derived: number;
  keys: number;
}

export function newSeen(): Seen {
  return { verbatim: 0, structured: 0, derived: 0, keys: 0 };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Text that is itself data: JSON (`toJson`) or a YAML document (`toYaml`, a config file in a string). */
function parseData(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    // not JSON
  }
  try {
    const value = parseYaml(text, { uniqueKeys: true }) as unknown;
    return typeof value === 'object' && value !== null ? { value } : undefined;
  } catch {
    return undefined;
  }
}

function show(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => JSON.stringify(p)).join('.');
}

/**
 * Asserts that `x` (hostile render) has exactly the structure of `a` (benign render A): the same maps
 * with the same keys (sentinel keys replaced by their hostile value), lists of the same length, and at
 * every leaf either the same constant (when A and B agree), the hostile value substituted for the
 * sentinel (a value placed verbatim), the same structure again (JSON text holding sentinels), or a
 * string derived from the value (a helper such as `sha256` or `dnsLabel`).
 */
export function expectSameShape(
  values: Values,
  a: unknown,
  b: unknown,
  x: unknown,
  seen: Seen,
  path: (string | number)[] = [],
): void {
  const where = show(path);
  if (Array.isArray(a)) {
    expect(Array.isArray(x), `${where}: a list`).to.equal(true);
    expect(Array.isArray(b), `${where}: a list in B`).to.equal(true);
    const xs = x as unknown[];
    const bs = b as unknown[];
    expect(xs.length, `${where}: list length`).to.equal(a.length);
    a.forEach((item, i) => expectSameShape(values, item, bs[i], xs[i], seen, [...path, i]));
    return;
  }
  if (isMap(a)) {
    expect(isMap(x), `${where}: a map, got ${JSON.stringify(x)?.slice(0, 200)}`).to.equal(true);
    expect(isMap(b), `${where}: a map in B`).to.equal(true);
    const xm = x as Record<string, unknown>;
    const bm = b as Record<string, unknown>;
    expect(Object.getPrototypeOf(xm), `${where}: a plain object`).to.equal(Object.prototype);
    const expected = Object.keys(a).map((key) => values.substitute(key, 'X'));
    expect([...Object.keys(xm)].sort(), `${where}: keys`).to.deep.equal([...expected].sort());
    for (const key of Object.keys(a)) {
      if (hasSentinel(key)) seen.keys++;
      const xKey = values.substitute(key, 'X');
      const bKey = values.substitute(key, 'B');
      expect(Object.hasOwn(xm, xKey), `${where}: own key ${JSON.stringify(xKey)}`).to.equal(true);
      expectSameShape(values, a[key], bm[bKey], xm[xKey], seen, [...path, xKey]);
    }
    return;
  }
  if (typeof a === 'string') {
    expect(typeof x, `${where}: a string`).to.equal('string');
    const xs = x as string;
    if (hasSentinel(a)) {
      const verbatim = values.substitute(a, 'X');
      if (xs === verbatim) {
        seen.verbatim++;
        return;
      }
      const data = parseData(a);
      if (data) {
        const bData = parseData(b as string);
        const xData = parseData(xs);
        expect(
          xData,
          `${where}: data text (JSON or YAML), got ${JSON.stringify(xs).slice(0, 300)}`,
        ).to.not.equal(undefined);
        seen.structured++;
        expectSameShape(values, data.value, bData?.value, xData?.value, seen, [...path, '<text>']);
        return;
      }
      expect.fail(
        `${where}: expected the value verbatim ${JSON.stringify(verbatim)}, got ${JSON.stringify(xs)}`,
      );
    }
    if (a === b) {
      expect(xs, `${where}: a constant of the template`).to.equal(a);
    } else {
      seen.derived++;
    }
    return;
  }
  if (a === b) expect(x, `${where}: a constant`).to.deep.equal(a);
  else expect(typeof x, `${where}: type`).to.equal(typeof a);
}
