import { expect } from 'chai';
import { diffStat, unifiedDiff } from '../../../engine/cli/lib/unified-diff.ts';

const opts = { from: 'x', to: 'x' };

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', opts)).to.equal('');
  });

  it('prints diff -u hunks: removals before additions, 3 lines of context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n') + '\n';
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'].join('\n') + '\n';
    expect(unifiedDiff(a, b, opts)).to.equal(
      '--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n',
    );
  });

  it('splits distant changes into hunks and joins near ones', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const b = [...a];
    b[1] = 'x';
    b[18] = 'y';
    const diff = unifiedDiff(`${a.join('\n')}\n`, `${b.join('\n')}\n`, opts);
    expect(diff.match(/^@@/gm)).to.have.length(2);
    const near = [...a];
    near[1] = 'x';
    near[7] = 'y';
    expect(unifiedDiff(`${a.join('\n')}\n`, `${near.join('\n')}\n`, opts).match(/^@@/gm)).to.have.length(1);
  });

  it('diffs against nothing (an added or removed object)', () => {
    expect(unifiedDiff('', 'a\nb\n', opts)).to.equal('--- a/x\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n');
    expect(unifiedDiff('a\n', '', opts)).to.equal('--- a/x\n+++ b/x\n@@ -1,1 +0,0 @@\n-a\n');
    expect(diffStat(unifiedDiff('a\nb\n', 'a\nc\nd\n', opts))).to.deep.equal({ added: 2, removed: 1 });
  });
});
