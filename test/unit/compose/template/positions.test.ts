import { expect } from 'chai';
import { renderTemplate } from '../../../../engine/compose/template/index.ts';
import { compiled, context, renderProblem } from './support.ts';

describe('compose/template: positions of render problems', () => {
  it('maps a YAML error after standalone block lines to its template line', () => {
    const source = 'a: 1\n{{#each claim.l}}\n{{#if this}}\nb{{@index}}: {{this}}\n{{/if}}\n{{/each}}\nc: [\n';
    const problem = renderProblem(source, context({ l: [1, 2, 3] }));
    expect(problem).to.include({ code: 'template.yaml', line: 8, column: 1 });
  });

  it('maps a problem after whitespace control', () => {
    const source = 'a:\n  {{~claim.x~}}\n  b: x-{{claim.m}}';
    const problem = renderProblem(source, context({ x: 1, m: {} }));
    expect(problem).to.include({ code: 'template.splice-value', line: 3, column: 8 });
  });

  it('offsets render problems of an inline template into the original file', () => {
    const t = compiled('a: 1\nb: {{claim.x}}', {
      file: 'composition.yaml',
      line: 31,
      column: 9,
      path: 'spec.resources[0].template',
    });
    expect(renderTemplate(t, context({}))).to.deep.equal({
      ok: false,
      problem: {
        code: 'template.missing-value',
        message: 'missing value: claim.x',
        path: 'spec.resources[0].template',
        file: 'composition.yaml',
        line: 32,
        column: 14,
      },
    });
  });
});
