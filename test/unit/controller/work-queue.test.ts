import { expect } from 'chai';
import { runWorkers, WorkQueue, type Clock } from '../../../engine/controller/work-queue.ts';

class FakeClock implements Clock {
  private t = 0;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.t + ms, fn, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t && !x.cancelled).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((x) => !due.includes(x));
    for (const x of due) x.fn();
  }
}

describe('WorkQueue', () => {
  it('coalesces a key added several times while queued', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length()).to.equal(2);
    expect(await q.get()).to.equal('a');
    expect(await q.get()).to.equal('b');
  });

  it('never hands one key to two workers, and reprocesses a key added during processing', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.length(), 'not queued while processing').to.equal(0);
    q.done(first!);
    expect(q.length()).to.equal(1);
    expect(await q.get()).to.equal('a');
  });

  it('hands a newly added key to a waiting worker', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    expect(await waiting).to.equal('x');
  });

  it('backs off exponentially per key, capped, and forget resets it', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ baseMs: 10, maxMs: 100 }, clock);
    expect([1, 2, 3, 4, 5, 6].map(() => q.addRateLimited('k'))).to.deep.equal([10, 20, 40, 80, 100, 100]);
    expect(q.addRateLimited('other')).to.equal(10);
    q.forget('k');
    expect(q.addRateLimited('k')).to.equal(10);
  });

  it('adds delayed keys when their time comes, keeping the earliest delay', () => {
    const clock = new FakeClock();
    const q = new WorkQueue(undefined, clock);
    q.addAfter('k', 100);
    q.addAfter('k', 50);
    q.addAfter('k', 200);
    clock.advance(49);
    expect(q.length()).to.equal(0);
    clock.advance(1);
    expect(q.length()).to.equal(1);
    clock.advance(500);
    expect(q.length(), 'the later delays were dropped').to.equal(1);
  });

  it('releases waiting workers on shutdown and ignores later adds', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).to.equal(undefined);
    q.add('late');
    expect(q.length()).to.equal(0);
  });

  it('runWorkers processes every key with bounded concurrency', async () => {
    const q = new WorkQueue();
    let active = 0;
    let peak = 0;
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) q.add(`k${i}`);
    const run = runWorkers(q, 3, async (key) => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((r) => setTimeout(r, 2));
      seen.push(key);
      active--;
      if (seen.length === 20) q.shutDown();
    });
    await run;
    expect(seen).to.have.length(20);
    expect(peak).to.equal(3);
  });
});
