/**
 * Carries out rollout decisions (rollout.ts) against the API server: observes the claims, pins them
 * (merge patch of `spec.compositionRevision`, audited), and stores the state on the Composition with a
 * resourceVersion precondition, so a `pause` written meanwhile is never overwritten.
 */
import { conditionTime } from './claim/conditions.ts';
import type { KubeClient, KubeObject } from '../kube/index.ts';
import { isConflict, isNotFound } from '../kube/index.ts';
import type { AuditLog } from './audit.ts';
import type { ClaimObservation, Decision, PinAction, RolloutClaim, RolloutState } from './rollout.ts';
import { claimKey, decide, parseRolloutState, ROLLOUT_ANNOTATION } from './rollout.ts';

const COMPOSITION = { apiVersion: 'kubify.io/v1alpha1', kind: 'Composition' };

export interface RolloutRunnerOptions {
  client: KubeClient;
  composition: string;
  audit?: AuditLog;
  now?: () => Date;
}

export interface LoadedRollout {
  composition: KubeObject;
  state: RolloutState | undefined;
}

interface ConditionLike {
  type?: string;
  status?: string;
  message?: string;
}

export function observe(claim: KubeObject | undefined): ClaimObservation {
  if (!claim) return { ready: false, message: 'the claim is gone', gone: true };
  const status = (claim.status ?? {}) as {
    compositionRevision?: number;
    observedGeneration?: number;
    conditions?: ConditionLike[];
  };
  const pin = (claim.spec as { compositionRevision?: unknown } | undefined)?.compositionRevision;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const current = status.observedGeneration === claim.metadata.generation;
  return {
    ...(typeof status.compositionRevision === 'number' ? { revision: status.compositionRevision } : {}),
    ...(typeof pin === 'number' ? { pin } : {}),
    ready: current && ready?.status === 'True',
    message: !current
      ? 'not reconciled yet'
      : ready?.status === 'True'
        ? 'Ready'
        : (ready?.message ?? 'no Ready condition'),
  };
}

export class RolloutRunner {
  private readonly client: KubeClient;
  constructor(private readonly options: RolloutRunnerOptions) {
    this.client = options.client;
  }

  private now(): string {
    return conditionTime(this.options.now?.() ?? new Date());
  }

  async load(): Promise<LoadedRollout> {
    const composition = await this.client.get({ ...COMPOSITION, name: this.options.composition });
    return { composition, state: parseRolloutState(composition.metadata.annotations?.[ROLLOUT_ANNOTATION]) };
  }

  /** Writes the state; false when the Composition changed since `loaded` (someone else wrote). */
  async save(loaded: LoadedRollout, state: RolloutState): Promise<boolean> {
    try {
      await this.client.patch(
        { ...COMPOSITION, name: this.options.composition },
        {
          metadata: {
            resourceVersion: loaded.composition.metadata.resourceVersion,
            annotations: { [ROLLOUT_ANNOTATION]: JSON.stringify(state) },
          },
        },
        { type: 'merge', fieldManager: 'kubify-rollout' },
      );
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }

  async observeAll(claims: readonly RolloutClaim[]): Promise<Map<string, ClaimObservation>> {
    const out = new Map<string, ClaimObservation>();
    for (const c of claims) out.set(claimKey(c), observe(await this.client.find(c)));
    return out;
  }

  async pin(actions: readonly PinAction[], state: RolloutState): Promise<void> {
    for (const { claim, revision } of actions) {
      const target = {
        apiVersion: claim.apiVersion,
        kind: claim.kind,
        name: claim.name,
        ...(claim.namespace ? { namespace: claim.namespace } : {}),
      };
      try {
        await this.client.patch(
          target,
          { spec: { compositionRevision: revision } },
          { type: 'merge', fieldManager: 'kubify-rollout' },
        );
        this.options.audit?.record({
          action: revision === null ? 'Unpin' : 'Pin',
          target,
          claim: target,
          revision: revision ?? undefined,
          message: `rollout of ${state.composition} revision ${state.revision}: ${state.phase}`,
        });
      } catch (err) {
        if (isNotFound(err)) continue;
        this.options.audit?.record({
          action: 'Pin',
          target,
          claim: target,
          result: 'Failure',
          message: (err as Error).message,
        });
        throw err;
      }
    }
  }

  /**
   * One step: observe, decide, pin, save. Returns the state after the step (the stored one when another
   * writer won the race, e.g. a `pause`).
   */
  async step(): Promise<RolloutState | undefined> {
    const loaded = await this.load();
    if (!loaded.state || loaded.state.phase !== 'Progressing') return loaded.state;
    const decision = decide(loaded.state, await this.observeAll(loaded.state.claims), this.now());
    return this.commit(loaded, decision);
  }

  /** Saves the decision's state first (so a lost race pins nothing), then pins. */
  async commit(loaded: LoadedRollout, decision: Decision): Promise<RolloutState | undefined> {
    if (!(await this.save(loaded, decision.state))) return (await this.load()).state;
    await this.pin(decision.pins, decision.state);
    return decision.state;
  }

  /** Steps until the rollout is no longer Progressing or the signal aborts; reports every new message. */
  async run(options: {
    pollMs: number;
    signal?: AbortSignal;
    onProgress?: (state: RolloutState) => void;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  }): Promise<RolloutState | undefined> {
    const sleep = options.sleep ?? defaultSleep;
    let last = '';
    for (;;) {
      const state = await this.step();
      if (state && state.message !== last) {
        last = state.message;
        options.onProgress?.(state);
      }
      if (!state || state.phase !== 'Progressing' || options.signal?.aborted) return state;
      await sleep(options.pollMs, options.signal);
    }
  }
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
