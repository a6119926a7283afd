/**
 * `kubify rollout` operations over the cluster: start, hold, status rows, and the manual transitions
 * (pause, resume, promote, abort), each a read-decide-write on the Composition's rollout annotation.
 */
import { batchCount, startRollout } from '../../controller/rollout.ts';
import type { ClaimObservation, Decision, RolloutState } from '../../controller/rollout.ts';
import { claimKey } from '../../controller/rollout.ts';
import type { RolloutRunner } from '../../controller/rollout-runner.ts';
import type { KubeClient } from '../../kube/index.ts';
import { CliError } from '../context.ts';
import { compositionNamed } from './diff-cluster.ts';

export interface StartOptions {
  composition: string;
  revision?: number;
  batchSize: number;
  timeoutSeconds: number;
  now: string;
  /** Replace a rollout that is still Progressing or Paused. */
  force?: boolean;
}

export async function startOn(
  client: KubeClient,
  runner: RolloutRunner,
  options: StartOptions,
): Promise<RolloutState> {
  const cluster = await compositionNamed(client, options.composition);
  const revision = options.revision ?? cluster.latestRevision;
  if (revision < 1 || revision > cluster.latestRevision)
    throw new CliError(
      `Composition ${options.composition} has revisions 1..${cluster.latestRevision}, not ${revision}`,
    );
  const loaded = await runner.load();
  if (loaded.state && ['Progressing', 'Paused', 'Halted'].includes(loaded.state.phase) && !options.force)
    throw new CliError(
      `a rollout of revision ${loaded.state.revision} is ${loaded.state.phase}: promote or abort it first (or pass --force)`,
    );
  const claims = (await client.listAll(cluster.claimApi)).items.map((c) => {
    const pin = (c.spec as { compositionRevision?: unknown } | undefined)?.compositionRevision;
    return {
      apiVersion: c.apiVersion,
      kind: c.kind,
      name: c.metadata.name ?? '',
      ...(c.metadata.namespace ? { namespace: c.metadata.namespace } : {}),
      ...(typeof pin === 'number' ? { pin } : {}),
    };
  });
  const state = startRollout({ ...options, revision, claims });
  if (!(await runner.save(loaded, state)))
    throw new CliError('the Composition changed meanwhile; run the command again');
  return state;
}

/** Pins every unpinned claim to the revision it renders now, so a Composition change moves nobody. */
export async function holdClaims(
  client: KubeClient,
  runner: RolloutRunner,
  composition: string,
): Promise<number> {
  const cluster = await compositionNamed(client, composition);
  const items = (await client.listAll(cluster.claimApi)).items;
  const pins = items
    .filter(
      (c) =>
        typeof (c.spec as { compositionRevision?: unknown } | undefined)?.compositionRevision !== 'number',
    )
    .map((c) => {
      const rev = (c.status as { compositionRevision?: unknown } | undefined)?.compositionRevision;
      return {
        claim: {
          apiVersion: c.apiVersion,
          kind: c.kind,
          name: c.metadata.name ?? '',
          ...(c.metadata.namespace ? { namespace: c.metadata.namespace } : {}),
          previousPin: null,
        },
        revision: typeof rev === 'number' ? rev : cluster.latestRevision,
      };
    });
  const state = { composition, revision: cluster.latestRevision, phase: 'Paused' } as RolloutState;
  await runner.pin(pins, { ...state, phase: 'Paused' });
  return pins.length;
}

/** pause/resume/promote/abort: apply `transition` to the stored state and carry out its pins. */
export async function transition(
  runner: RolloutRunner,
  change: (state: RolloutState) => Decision,
): Promise<RolloutState> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const loaded = await runner.load();
    if (!loaded.state)
      throw new CliError(`no rollout recorded on Composition ${loaded.composition.metadata.name ?? ''}`);
    let decision: Decision;
    try {
      decision = change(loaded.state);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    if (!(await runner.save(loaded, decision.state))) continue;
    await runner.pin(decision.pins, decision.state);
    return decision.state;
  }
  throw new CliError('the Composition kept changing; run the command again');
}

export interface StatusRow {
  claim: string;
  batch: number;
  pin: string;
  revision: string;
  ready: string;
  message: string;
}

export async function statusRows(runner: RolloutRunner, state: RolloutState): Promise<StatusRow[]> {
  const observed = await runner.observeAll(state.claims);
  return state.claims.map((c, i) =>
    row(claimKey(c), Math.floor(i / state.batchSize) + 1, observed.get(claimKey(c))),
  );
}

function row(claim: string, batch: number, o: ClaimObservation | undefined): StatusRow {
  return {
    claim,
    batch,
    pin: o?.pin !== undefined ? String(o.pin) : '-',
    revision: o?.revision !== undefined ? String(o.revision) : '-',
    ready: o?.gone ? 'Gone' : o?.ready ? 'True' : 'False',
    message: o?.message ?? '',
  };
}

export function formatStatus(state: RolloutState, rows: readonly StatusRow[]): string {
  const lines = [
    `Composition: ${state.composition}`,
    `Revision:    ${state.revision}`,
    `Phase:       ${state.phase}`,
    `Batch:       ${Math.min(state.batch + 1, batchCount(state))}/${batchCount(state)} (size ${state.batchSize}, timeout ${state.timeoutSeconds}s)`,
    `Message:     ${state.message}`,
    '',
  ];
  const header = ['CLAIM', 'BATCH', 'PIN', 'REVISION', 'READY', 'MESSAGE'];
  const cells = rows.map((r) => [r.claim, String(r.batch), r.pin, r.revision, r.ready, r.message]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  for (const r of [header, ...cells])
    lines.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   '));
  return `${lines.join('\n')}\n`;
}

/** `90`, `90s`, `5m`, `1h` -> seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new CliError(`not a duration: "${text}" (use 90s, 5m or 1h)`, 2);
  const n = Number(m[1]);
  return Math.round(n * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1));
}
