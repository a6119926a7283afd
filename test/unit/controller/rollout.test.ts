import { expect } from 'chai';
import {
  abortRollout,
  decide,
  pauseRollout,
  promoteRollout,
  resumeRollout,
  startRollout,
} from '../../../engine/controller/rollout.ts';
import type { ClaimObservation, RolloutState } from '../../../engine/controller/rollout.ts';

const T0 = '2025-01-01T00:00:00Z';
const at = (s: number): string => new Date(Date.parse(T0) + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function start(n = 5, batchSize = 2): RolloutState {
  const claims = Array.from({ length: n }, (_, i) => ({
    apiVersion: 'x/v1',
    kind: 'W',
    namespace: 'ns',
    name: `c${n - 1 - i}`,
    ...(i === 0 ? { pin: 1 } : {}),
  }));
  return startRollout({ composition: 'comp', revision: 2, batchSize, timeoutSeconds: 60, claims, now: T0 });
}

function obs(entries: Record<string, Partial<ClaimObservation>>): Map<string, ClaimObservation> {
  return new Map(
    Object.entries(entries).map(([k, v]) => [`ns/${k}`, { ready: false, message: 'not Ready', ...v }]),
  );
}

const ready2 = { revision: 2, pin: 2, ready: true, message: 'Ready' };
const ready1 = { revision: 1, ready: true, message: 'Ready' };

describe('rollout decisions', () => {
  it('orders claims by namespace/name, records previous pins, and pins the first batch', () => {
    const state = start();
    expect(state.claims.map((c) => [c.name, c.previousPin])).to.deep.equal([
      ['c0', null],
      ['c1', null],
      ['c2', null],
      ['c3', null],
      ['c4', 1],
    ]);
    const d = decide(state, obs({ c0: ready1, c1: ready1 }), at(1));
    expect(d.pins.map((p) => [p.claim.name, p.revision])).to.deep.equal([
      ['c0', 2],
      ['c1', 2],
    ]);
    expect(d.state).to.deep.include({ batch: 0, batchStartedAt: at(1), phase: 'Progressing' });
  });

  it('waits while the batch is not Ready, then advances and pins the next batch in the same step', () => {
    const pinned = decide(start(), obs({}), at(1)).state;
    const waiting = decide(pinned, obs({ c0: ready2, c1: { revision: 1, pin: 2 } }), at(10));
    expect(waiting.pins).to.deep.equal([]);
    expect(waiting.state.message).to.equal('batch 1/3: waiting for ns/c1 (not Ready)');
    const next = decide(pinned, obs({ c0: ready2, c1: ready2 }), at(20));
    expect(next.state).to.deep.include({ batch: 1, batchStartedAt: at(20) });
    expect(next.pins.map((p) => p.claim.name)).to.deep.equal(['c2', 'c3']);
  });

  it('halts when a batch is not Ready within the timeout, naming the claims', () => {
    const pinned = decide(start(), obs({}), at(0)).state;
    expect(decide(pinned, obs({ c0: ready2 }), at(60)).state.phase).to.equal('Progressing');
    const halted = decide(
      pinned,
      obs({ c0: ready2, c1: { revision: 2, message: 'gadget down' } }),
      at(61),
    ).state;
    expect(halted.phase).to.equal('Halted');
    expect(halted.message).to.equal('halted: batch 1/3 not Ready after 60s: ns/c1 (gadget down)');
  });

  it('halts when a claim of an earlier batch stops being Ready', () => {
    let state = decide(start(), obs({}), at(0)).state;
    state = decide(state, obs({ c0: ready2, c1: ready2 }), at(5)).state;
    const d = decide(state, obs({ c0: { revision: 2, message: 'broken' }, c1: ready2 }), at(6));
    expect(d.state.phase).to.equal('Halted');
    expect(d.state.message).to.contain('readiness dropped in an earlier batch: ns/c0 (broken)');
  });

  it('completes after the last batch; a Completed rollout does nothing more', () => {
    let state = start(3, 2);
    const all = obs({ c0: ready2, c1: ready2, c2: ready2 });
    state = decide(state, all, at(0)).state;
    state = decide(state, all, at(1)).state;
    expect(state.batch).to.equal(1);
    state = decide(state, all, at(2)).state;
    expect(state).to.deep.include({ phase: 'Completed', batch: 2 });
    expect(decide(state, obs({}), at(3))).to.deep.equal({ state, pins: [] });
  });

  it('pause, resume (fresh timer), promote and abort', () => {
    const pinned = decide(start(), obs({}), at(0)).state;
    const paused = pauseRollout(pinned, at(1));
    expect(decide(paused, obs({}), at(999)).pins).to.deep.equal([]);
    expect(() => pauseRollout(paused, at(2))).to.throw('cannot pause a rollout that is Paused');
    const resumed = resumeRollout(paused, at(3));
    expect(resumed.batchStartedAt).to.equal(undefined);
    const promoted = promoteRollout(pinned, at(4));
    expect(promoted.state.phase).to.equal('Completed');
    expect(promoted.pins.map((p) => p.revision)).to.deep.equal([2, 2, 2, 2, 2]);
    const aborted = abortRollout(pinned, at(5));
    expect(aborted.pins.map((p) => [p.claim.name, p.revision])).to.deep.equal([
      ['c0', null],
      ['c1', null],
    ]);
    expect(abortRollout(promoted.state, at(6)).pins.map((p) => p.revision)).to.deep.equal([
      null,
      null,
      null,
      null,
      1,
    ]);
  });

  it('refuses a batch size below 1', () => {
    expect(() =>
      startRollout({ composition: 'c', revision: 1, batchSize: 0, timeoutSeconds: 1, claims: [], now: T0 }),
    ).to.throw('batch size');
  });
});
