/**
 * Rollout of a Composition revision across its claims, batch by batch (pure decision logic; the runner
 * in rollout-runner.ts reads the cluster and carries the decisions out).
 *
 * A claim moves to a revision when its `spec.compositionRevision` pin says so. The rollout pins one
 * batch, waits until every claim of the batch renders the new revision and is Ready (with its status
 * observing the claim's latest generation), then pins the next batch. It halts by itself when a batch is
 * not Ready within the timeout, or when a claim of an earlier batch stops being Ready.
 *
 * State lives in the annotation `kubify.io/rollout` of the Composition, as JSON (RolloutState): one
 * rollout per Composition, readable with `kubectl get composition x -o yaml`, removed with the
 * Composition. Phases: Progressing -> Completed, or Paused (by hand), Halted (by itself), Aborted.
 */

export const ROLLOUT_ANNOTATION = 'kubify.io/rollout';

export type RolloutPhase = 'Progressing' | 'Paused' | 'Halted' | 'Completed' | 'Aborted';

export interface RolloutClaim {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The pin before the rollout touched the claim (`null`: none, it followed the latest revision). */
  previousPin: number | null;
}

export interface RolloutState {
  composition: string;
  /** The revision being rolled out. */
  revision: number;
  batchSize: number;
  timeoutSeconds: number;
  phase: RolloutPhase;
  /** Every claim, in rollout order; batch `i` is `claims[i*batchSize .. (i+1)*batchSize)`. */
  claims: RolloutClaim[];
  /** Index of the current batch; equals the batch count once Completed. */
  batch: number;
  /** When the current batch was pinned; absent: not pinned yet. */
  batchStartedAt?: string;
  startedAt: string;
  updatedAt: string;
  message: string;
}

/** What the runner saw of one claim. */
export interface ClaimObservation {
  /** `status.compositionRevision`: the revision it last rendered. */
  revision?: number;
  /** `spec.compositionRevision`. */
  pin?: number;
  /** Ready=True and `status.observedGeneration` equals `metadata.generation`. */
  ready: boolean;
  /** The Ready condition's message, for halt messages. */
  message: string;
  /** The claim no longer exists. */
  gone?: boolean;
}

export interface PinAction {
  claim: RolloutClaim;
  /** `null` removes the pin. */
  revision: number | null;
}

export interface Decision {
  state: RolloutState;
  pins: PinAction[];
}

export function claimKey(c: { name: string; namespace?: string }): string {
  return c.namespace ? `${c.namespace}/${c.name}` : c.name;
}

export function batchCount(state: Pick<RolloutState, 'claims' | 'batchSize'>): number {
  return Math.ceil(state.claims.length / state.batchSize);
}

export function batchOf(state: RolloutState, index: number): RolloutClaim[] {
  return state.claims.slice(index * state.batchSize, (index + 1) * state.batchSize);
}

export interface StartInput {
  composition: string;
  revision: number;
  batchSize: number;
  timeoutSeconds: number;
  /** Claims with their current pins; sorted here by namespace/name for a stable order. */
  claims: { apiVersion: string; kind: string; name: string; namespace?: string; pin?: number }[];
  now: string;
}

export function startRollout(input: StartInput): RolloutState {
  if (!Number.isInteger(input.batchSize) || input.batchSize < 1)
    throw new Error('batch size must be at least 1');
  const claims = [...input.claims]
    .sort((a, b) => claimKey(a).localeCompare(claimKey(b)))
    .map(({ pin, ...ref }) => ({ ...ref, previousPin: pin ?? null }));
  return {
    composition: input.composition,
    revision: input.revision,
    batchSize: input.batchSize,
    timeoutSeconds: input.timeoutSeconds,
    phase: 'Progressing',
    claims,
    batch: 0,
    startedAt: input.now,
    updatedAt: input.now,
    message: `rolling out revision ${input.revision} to ${claims.length} claim(s) in ${batchCount({ claims, batchSize: input.batchSize })} batch(es)`,
  };
}

function atTarget(o: ClaimObservation | undefined, revision: number): boolean {
  return o !== undefined && !o.gone && o.revision === revision && o.ready;
}

function summary(claims: readonly RolloutClaim[], observed: ReadonlyMap<string, ClaimObservation>): string {
  return claims
    .map((c) => {
      const o = observed.get(claimKey(c));
      const why = !o || o.gone ? 'gone' : o.message || 'not Ready';
      return `${claimKey(c)} (${why})`;
    })
    .join(', ');
}

/** One step of a Progressing rollout: pin, wait, advance, complete or halt. Other phases do nothing. */
export function decide(
  state: RolloutState,
  observed: ReadonlyMap<string, ClaimObservation>,
  now: string,
): Decision {
  if (state.phase !== 'Progressing') return { state, pins: [] };
  const total = batchCount(state);
  const next: RolloutState = { ...state, updatedAt: now };
  const done = state.claims.slice(0, state.batch * state.batchSize);
  const dropped = done.filter(
    (c) => !observed.get(claimKey(c))?.gone && !atTarget(observed.get(claimKey(c)), state.revision),
  );
  if (dropped.length > 0) {
    return {
      state: {
        ...next,
        phase: 'Halted',
        message: `halted: readiness dropped in an earlier batch: ${summary(dropped, observed)}`,
      },
      pins: [],
    };
  }
  if (state.batch >= total)
    return {
      state: { ...next, phase: 'Completed', message: `revision ${state.revision} rolled out to every claim` },
      pins: [],
    };
  const batch = batchOf(state, state.batch);
  const label = `batch ${state.batch + 1}/${total}`;
  if (state.batchStartedAt === undefined) {
    const pins = batch
      .filter((c) => observed.get(claimKey(c))?.pin !== state.revision && !observed.get(claimKey(c))?.gone)
      .map((claim) => ({ claim, revision: state.revision }));
    return {
      state: {
        ...next,
        batchStartedAt: now,
        message: `${label}: pinned ${batch.map(claimKey).join(', ')} to revision ${state.revision}`,
      },
      pins,
    };
  }
  const waiting = batch.filter(
    (c) => !observed.get(claimKey(c))?.gone && !atTarget(observed.get(claimKey(c)), state.revision),
  );
  if (waiting.length === 0) {
    const advanced: RolloutState = { ...next, batch: state.batch + 1 };
    delete advanced.batchStartedAt;
    if (advanced.batch >= total)
      return {
        state: {
          ...advanced,
          phase: 'Completed',
          message: `revision ${state.revision} rolled out to every claim`,
        },
        pins: [],
      };
    return decide(advanced, observed, now);
  }
  const elapsed = (Date.parse(now) - Date.parse(state.batchStartedAt)) / 1000;
  if (elapsed > state.timeoutSeconds) {
    return {
      state: {
        ...next,
        phase: 'Halted',
        message: `halted: ${label} not Ready after ${state.timeoutSeconds}s: ${summary(waiting, observed)}`,
      },
      pins: [],
    };
  }
  return { state: { ...next, message: `${label}: waiting for ${summary(waiting, observed)}` }, pins: [] };
}

/** Resume a Paused or Halted rollout: the current batch is pinned again and its timer restarts. */
export function resumeRollout(state: RolloutState, now: string): RolloutState {
  if (state.phase !== 'Paused' && state.phase !== 'Halted')
    throw new Error(`cannot resume a rollout that is ${state.phase}`);
  const next: RolloutState = { ...state, phase: 'Progressing', updatedAt: now, message: 'resumed' };
  delete next.batchStartedAt;
  return next;
}

export function pauseRollout(state: RolloutState, now: string): RolloutState {
  if (state.phase !== 'Progressing') throw new Error(`cannot pause a rollout that is ${state.phase}`);
  return {
    ...state,
    phase: 'Paused',
    updatedAt: now,
    message: `paused at batch ${state.batch + 1}/${batchCount(state)}`,
  };
}

/** Promote: every claim not yet moved is pinned to the revision at once; the rollout completes. */
export function promoteRollout(state: RolloutState, now: string): Decision {
  if (state.phase === 'Completed' || state.phase === 'Aborted')
    throw new Error(`cannot promote a rollout that is ${state.phase}`);
  const pins = state.claims.map((claim) => ({ claim, revision: state.revision }));
  return {
    state: {
      ...state,
      phase: 'Completed',
      batch: batchCount(state),
      updatedAt: now,
      message: `promoted: revision ${state.revision} pinned on every claim`,
    },
    pins,
  };
}

/** Abort: every claim the rollout pinned goes back to its previous pin (or none). */
export function abortRollout(state: RolloutState, now: string): Decision {
  if (state.phase === 'Aborted') throw new Error('the rollout is already aborted');
  const touched = state.claims.slice(0, Math.min(state.claims.length, (state.batch + 1) * state.batchSize));
  const all = state.phase === 'Completed' ? state.claims : touched;
  return {
    state: {
      ...state,
      phase: 'Aborted',
      updatedAt: now,
      message: `aborted: ${all.length} claim(s) back to their previous pin`,
    },
    pins: all.map((claim) => ({ claim, revision: claim.previousPin })),
  };
}

export function parseRolloutState(text: string | undefined): RolloutState | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const value = JSON.parse(text) as RolloutState;
    return typeof value.revision === 'number' && Array.isArray(value.claims) ? value : undefined;
  } catch {
    return undefined;
  }
}
