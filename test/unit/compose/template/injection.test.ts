import { expect } from 'chai';
import { context, documents } from './support.ts';

/*
 * A claim value must land as data in the one scalar that holds its `{{expr}}`, wherever that is, and can
 * never add keys, documents or objects.
 */

const NASTY: [string, string][] = [
  ['a newline with a key', 'safe\nkind: Secret'],
  ['a key separator', 'x: y'],
  ['a document separator', '---\napiVersion: v1\nkind: Secret'],
  ['a document end marker', 'a\n...\n---\nb: c'],
  ['a mustache', '{{claim.secret}}'],
  ['a triple mustache', '{{{claim.secret}}}'],
  ['double quotes', 'say "hi" \\" \\n'],
  ['single quotes', "it's ''quoted''"],
  ['a comment', '# not a comment'],
  ['an inline comment', 'value #comment'],
  ['an anchor', '&anchor {a: 1}'],
  ['an alias', '*alias'],
  ['a tag', '!!python/object:os.system'],
  ['a local tag', '!secret value'],
  ['a flow map', '{a: 1, b: [2]}'],
  ['a flow list', '[1, 2, 3]'],
  ['a block list item', '- item\n- other'],
  ['a complex key', '? key\n: value'],
  ['a block scalar indicator', '|\n  text'],
  ['a folded indicator', '>-\n  text'],
  ['a directive', '%YAML 1.2\n---'],
  ['a boolean look-alike', 'true'],
  ['a null look-alike', '~'],
  ['a number look-alike', '0x1F'],
  ['unicode', 'Grüße, 日本語, emoji 😀, rtl \u202e, zero width \u200b'],
  ['line and paragraph separators', 'a\u2028b\u2029c\u0085d'],
  ['tabs and carriage returns', '\ta\r\nb\t'],
  ['control characters used as marks', '\u00010\u0002 and \u0000'],
  ['a token look-alike', 'K0123456789abx0x Kffffffffffffx12x'],
  ['a prototype key', '__proto__'],
  ['trailing and leading spaces', '  padded  '],
  ['an empty string', ''],
  ['a 100 KB value', 'x: y\n'.repeat(20_000)],
];

function place(v: string): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    whole: v,
    text: `x-${v}-y`,
    double: v,
    single: v,
    block: `${v}\n`,
    flow: [v, 1],
    list: [v],
    map: {},
  };
  Object.defineProperty(doc.map, v, { value: 'k', enumerable: true, writable: true, configurable: true });
  return doc;
}

const TEMPLATE = `whole: {{claim.v}}
text: x-{{claim.v}}-y
double: "{{claim.v}}"
single: '{{claim.v}}'
block: |
  {{claim.v}}
flow: [{{claim.v}}, 1]
list:
  - {{claim.v}}
map:
  {{claim.v}}: k
# {{claim.v}}
`;

describe('compose/template: injection', () => {
  for (const [name, v] of NASTY) {
    it(`keeps ${name} as data in every position`, () => {
      const docs = documents(TEMPLATE, context({ v, secret: 'leaked' }));
      expect(docs).to.have.length(1);
      expect(docs[0]).to.deep.equal(place(v));
      expect(Object.keys(docs[0]!)).to.deep.equal([
        'whole',
        'text',
        'double',
        'single',
        'block',
        'flow',
        'list',
        'map',
      ]);
    });
  }

  it('keeps nasty map keys and list items as data through #each', () => {
    const env = { 'a: b\nc': 'x\n---\nd: e', '- k': '*alias' };
    const docs = documents(
      'env:\n{{#each claim.env}}\n  {{@key}}: {{this}}\n{{/each}}\nargs:\n{{#each claim.args}}\n  - {{this}}\n{{/each}}',
      context({ env, args: ['--a=1\n- b', '{c: d}'] }),
    );
    expect(docs).to.deep.equal([{ env, args: ['--a=1\n- b', '{c: d}'] }]);
  });

  it('does not evaluate a mustache inside a claim value', () => {
    const docs = documents('a: {{claim.v}}', context({ v: '{{claim.secret}}', secret: 's3cr3t' }));
    expect(docs).to.deep.equal([{ a: '{{claim.secret}}' }]);
  });

  it('inserts a claim map only where the template asks for a whole value', () => {
    const docs = documents(
      'spec:\n  extra: {{claim.extra}}\nkind: Fixed',
      context({ extra: { kind: 'Secret', '---': 1 } }),
    );
    expect(docs).to.deep.equal([{ spec: { extra: { kind: 'Secret', '---': 1 } }, kind: 'Fixed' }]);
  });

  it('keeps a __proto__ value from changing the prototype of the output', () => {
    const claim = JSON.parse('{"m": {"__proto__": {"polluted": true}}}') as unknown;
    const [doc] = documents('m: {{claim.m}}', context(claim));
    const m = doc!.m as Record<string, unknown>;
    expect(Object.getPrototypeOf(m)).to.equal(Object.prototype);
    expect(Object.keys(m)).to.deep.equal(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('does not read inherited properties of claim values', () => {
    const docs = documents('a: {{default claim.v.constructor "none"}}', context({ v: {} }));
    expect(docs).to.deep.equal([{ a: 'none' }]);
  });
});
