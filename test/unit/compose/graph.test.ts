import { expect } from 'chai';
import { buildGraph } from '../../../engine/compose/graph.ts';

describe('graph', () => {
  const good: { name: string; edges: Record<string, string[]>; levels: string[][] }[] = [
    { name: 'independent', edges: { b: [], a: [] }, levels: [['a', 'b']] },
    { name: 'chain', edges: { c: ['b'], b: ['a'], a: [] }, levels: [['a'], ['b'], ['c']] },
    {
      name: 'diamond',
      edges: { d: ['b', 'c'], b: ['a'], c: ['a'], a: [] },
      levels: [['a'], ['b', 'c'], ['d']],
    },
    {
      name: 'unknown and self edges are ignored',
      edges: { a: ['a', 'ghost'], b: ['a'] },
      levels: [['a'], ['b']],
    },
  ];
  for (const g of good) {
    it(`levels: ${g.name}`, () => {
      const result = buildGraph(Object.keys(g.edges), g.edges);
      expect(result.graph?.levels).to.deep.equal(g.levels);
      expect(result.graph?.order).to.deep.equal(g.levels.flat());
      expect(result.graph?.deletionLevels).to.deep.equal([...g.levels].reverse());
    });
  }

  const cyclic: { name: string; edges: Record<string, string[]>; cycles: string[][] }[] = [
    { name: 'two', edges: { a: ['b'], b: ['a'] }, cycles: [['a', 'b', 'a']] },
    { name: 'three', edges: { a: ['c'], b: ['a'], c: ['b'] }, cycles: [['a', 'c', 'b', 'a']] },
    {
      name: 'two separate',
      edges: { a: ['b'], b: ['a'], x: ['y'], y: ['x'], z: [] },
      cycles: [
        ['a', 'b', 'a'],
        ['x', 'y', 'x'],
      ],
    },
  ];
  for (const g of cyclic) {
    it(`names cycles: ${g.name}`, () => {
      expect(buildGraph(Object.keys(g.edges), g.edges).cycles).to.deep.equal(g.cycles);
    });
  }

  it('records dependencies and dependents sorted', () => {
    const { graph } = buildGraph(['c', 'a', 'b'], { c: ['b', 'a'], b: ['a'] });
    expect(graph?.dependencies).to.deep.equal({ a: [], b: ['a'], c: ['a', 'b'] });
    expect(graph?.dependents).to.deep.equal({ a: ['b', 'c'], b: ['c'], c: [] });
  });
});
