import { expect } from 'chai';
import { TokenSeed, renderTemplate } from '../../../../engine/compose/template/index.ts';
import type { RenderOutcome, TemplateContext } from '../../../../engine/compose/template/index.ts';
import { compiled, context } from './support.ts';

/*
 * A template's YAML is parsed once per control flow and the put-back plan reused for later renders
 * (other claims, other markers). A render from a remembered plan must equal a first render in every
 * respect: values, types, keys, and problems with their positions and paths.
 */

/** Renders `source` for each claim twice: with a fresh template (first render) and a warm one (reused plan). */
function fromPlan(source: string, claims: unknown[]): { fresh: RenderOutcome[]; warm: RenderOutcome[] } {
  const warmTemplate = compiled(source);
  for (const claim of claims) renderTemplate(warmTemplate, context(claim));
  return {
    fresh: claims.map((claim) => renderTemplate(compiled(source), context(claim))),
    warm: claims.map((claim) => renderTemplate(warmTemplate, context(claim))),
  };
}

describe('compose/template: reused put-back plans', () => {
  it('puts back each render its own values and types', () => {
    const source = 'a: {{claim.x}}\nb: "{{claim.x}}"\nc: x-{{claim.x}}-{{claim.y}}\nd: [{{claim.y}}]\n';
    const claims = [
      { x: 'one', y: 1 },
      { x: 2, y: { m: ['n'] } },
      { x: true, y: 'K0123456789abx0x' },
      { x: null, y: 'x' },
    ];
    const { fresh, warm } = fromPlan(source, claims);
    expect(warm).to.deep.equal(fresh);
    expect(warm[0]).to.deep.equal({ ok: true, documents: [{ a: 'one', b: 'one', c: 'x-one-1', d: [1] }] });
    expect(warm[1]).to.deep.include({ ok: false });
    expect(warm[2]).to.deep.equal({
      ok: true,
      documents: [{ a: true, b: 'true', c: 'x-true-K0123456789abx0x', d: ['K0123456789abx0x'] }],
    });
  });

  it('reports value problems from a plan as a first render does', () => {
    const cases: [string, unknown[]][] = [
      [
        '{{claim.a}}: 1\n{{claim.b}}: 2',
        [
          { a: 'x', b: 'y' },
          { a: 'x', b: 'x' },
        ],
      ],
      ['m:\n  k: 1\n  {{claim.a}}: 2', [{ a: 'j' }, { a: 'k' }, { a: { map: 1 } }]],
      ['m:\n  - a: x-{{claim.a}}', [{ a: 'j' }, { a: null }, { a: [1] }]],
      ['{{toYaml claim.doc}}', [{ doc: { a: 1 } }, { doc: [1, 2] }, { doc: 'text' }, { doc: null }]],
      ['---\na: 1\n---\n{{claim.x}}\n', [{ x: { b: 2 } }, { x: 3 }]],
    ];
    for (const [source, claims] of cases) {
      const { fresh, warm } = fromPlan(source, claims);
      expect(warm, source).to.deep.equal(fresh);
    }
    const { warm } = fromPlan('m:\n  k: 1\n  {{claim.a}}: 2', [{ a: 'j' }, { a: 'k' }]);
    expect(warm[1]).to.deep.include({
      ok: false,
      problem: {
        code: 'template.duplicate-key',
        message: 'key "k" appears twice in m',
        path: 'm',
        file: 'templates/test.yaml.hbs',
        line: 3,
        column: 3,
      },
    });
  });

  it('keeps structural problems (no plan) the same on every render', () => {
    for (const source of ['a: &{{claim.x}} 1', 'a: {{claim.x}}\n b: c', 'a: *nothing', '? [a]\n: b']) {
      const { fresh, warm } = fromPlan(source, [{ x: 'y' }, { x: 'z' }]);
      expect(warm, source).to.deep.equal(fresh);
      expect(warm[0]).to.deep.include({ ok: false });
    }
  });

  it('follows the control flow: each distinct rendered text has its own plan', () => {
    const t = compiled(
      'items:\n{{#each claim.l}}\n  - {{this}}\n{{/each}}\n{{#if claim.f}}f: {{claim.f}}{{/if}}\n',
    );
    // more distinct texts than a template remembers, twice over
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 40; n++) {
        const l = Array.from({ length: n }, (_, i) => `v${i}`);
        const f = n % 3 === 0 ? undefined : n;
        const doc: Record<string, unknown> = { items: n === 0 ? null : l };
        if (f !== undefined) doc.f = f;
        expect(renderTemplate(t, context({ l, ...(f !== undefined ? { f } : {}) }))).to.deep.equal({
          ok: true,
          documents: [doc],
        });
      }
    }
  });

  it('never shares objects between renders or with the context', () => {
    const t = compiled('a: {{claim.m}}\nb: [x]\n');
    const m = { deep: { list: [1] } };
    const first = renderTemplate(t, context({ m }));
    const second = renderTemplate(t, context({ m }));
    if (!first.ok || !second.ok) expect.fail('render failed');
    expect(first.documents[0]).to.deep.equal(second.documents[0]);
    expect(first.documents[0]!.a).not.to.equal(second.documents[0]!.a);
    expect(first.documents[0]!.a).not.to.equal(m);
    expect(first.documents[0]!.b).not.to.equal(second.documents[0]!.b);
  });
});

describe('compose/template: token seeds', () => {
  it('renders the same with and without a seed of the context', () => {
    const t = compiled('a: {{claim.x}}\n{{claim.k}}: x-{{claim.x}}\n');
    const ctx: TemplateContext = context({ x: 'v', k: 'k' });
    const seed = new TokenSeed(ctx);
    expect(renderTemplate(t, ctx, seed)).to.deep.equal(renderTemplate(t, ctx));
    expect(renderTemplate(t, ctx, seed)).to.deep.equal({ ok: true, documents: [{ a: 'v', k: 'x-v' }] });
  });

  it('ignores a seed made for another context', () => {
    const t = compiled('a: {{claim.x}}\n');
    const other = new TokenSeed(context({ x: 'other' }));
    expect(renderTemplate(t, context({ x: 'mine' }), other)).to.deep.equal({
      ok: true,
      documents: [{ a: 'mine' }],
    });
  });

  it('derives markers from the whole context and skips markers in the source', () => {
    const a = new TokenSeed(context({ x: 'y' }));
    const b = new TokenSeed(context({ x: 'z' }));
    expect(a.print).not.to.equal(b.print);
    const marker = a.marker('', 0);
    expect(marker).to.match(/^K[0-9a-f]{12}$/);
    expect(a.marker('src', 0)).to.equal(marker);
    expect(a.marker('src', 1)).not.to.equal(marker);
    const taken = `x: ${marker}`;
    expect(a.marker(taken, 0)).not.to.equal(marker);
    expect(taken).not.to.include(a.marker(taken, 0));
  });
});
