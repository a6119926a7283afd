import { expect } from 'chai';
import { formatPath, getAt, parseDotPath, pointerToPath } from '../../../engine/compose/path.ts';
import type { PathSegment } from '../../../engine/compose/path.ts';

describe('path', () => {
  const formats: [PathSegment[], string][] = [
    [[], ''],
    [['spec', 'resources', 1, 'id'], 'spec.resources[1].id'],
    [['spec', 'programs', 'p', 'files', 'src/a.py'], 'spec.programs.p.files["src/a.py"]'],
    [['metadata', 'labels', 'app.kubernetes.io/name'], 'metadata.labels["app.kubernetes.io/name"]'],
    [['spec', 'overrides', 'my-db', 0], 'spec.overrides.my-db[0]'],
  ];
  for (const [path, text] of formats) {
    it(`formats ${JSON.stringify(path)} as ${text || "''"}`, () => expect(formatPath(path)).to.equal(text));
  }

  const parses: [string, PathSegment[] | undefined][] = [
    ['status.phase', ['status', 'phase']],
    ['status.conditions[0].type', ['status', 'conditions', 0, 'type']],
    ['metadata.labels["app.kubernetes.io/name"]', ['metadata', 'labels', 'app.kubernetes.io/name']],
    ['status..phase', undefined],
    ['status.', undefined],
    ['status[x]', undefined],
    ['', undefined],
  ];
  for (const [text, path] of parses) {
    it(`parses ${JSON.stringify(text)}`, () => expect(parseDotPath(text)).to.deep.equal(path));
  }

  it('types JSON pointer indices by walking the data', () => {
    const data = { spec: { resources: [{ id: 'a' }], map: { '0': 1 } } };
    expect(pointerToPath('/spec/resources/0/id', data)).to.deep.equal(['spec', 'resources', 0, 'id']);
    expect(pointerToPath('/spec/map/0', data)).to.deep.equal(['spec', 'map', '0']);
    expect(pointerToPath('/a~1b/c~0d', {})).to.deep.equal(['a/b', 'c~d']);
  });

  it('reads values and never walks the prototype', () => {
    const data = { a: [{ b: 1 }] };
    expect(getAt(data, ['a', 0, 'b'])).to.equal(1);
    expect(getAt(data, ['a', 1, 'b'])).to.equal(undefined);
    expect(getAt(data, ['constructor'])).to.equal(undefined);
  });
});
