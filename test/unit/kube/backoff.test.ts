import { expect } from 'chai';
import { Backoff } from '../../../engine/kube/backoff.ts';

describe('Backoff', () => {
  it('doubles up to the cap and starts over after reset', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).to.deep.equal([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(b.attempts).to.equal(6);
    b.reset();
    expect(b.next()).to.equal(100);
  });

  it('spreads delays within the jitter band and never above the cap', () => {
    const low = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5, random: () => 0 });
    const high = new Backoff({ initialMs: 1000, maxMs: 10_000, jitter: 0.5, random: () => 0.999 });
    expect(low.next()).to.equal(750);
    expect(high.next()).to.equal(1250);
    const capped = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5, random: () => 0.999 });
    expect(capped.next()).to.equal(1000);
  });
});
