import type { ResourceStatus } from '../../api/claim.ts';
import { formatProblem } from '../../api/problem.ts';
import {
  isReassessable,
  reassess,
  render,
  type CompiledComposition,
  type RenderInput,
  type RenderResult,
} from '../../compose/index.ts';
import { ForbiddenError, NoMatchError } from '../../kube/errors.ts';
import { splitObjectKey, type KubeObject, type ObjectRef } from '../../kube/types.ts';
import type { Requirement } from '../../api/composition.ts';
import type { AuditTransition } from '../audit.ts';
import { applyDesired, emptyOutcome, type ApplyOutcome } from './apply.ts';
import { claimIndexValue } from '../child-index.ts';
import { OWNERSHIP_CONFLICT } from './ownership.ts';
import { ensureInstaller } from './installers.ts';
import { identity, observedById, ownedObjects, refOf, type OwnedObject } from './children.ts';
import type { ConditionInput } from './conditions.ts';
import { conditionTime, getCondition } from './conditions.ts';
import { finalizeChildren } from './finalize.ts';
import { UnconfirmedApplies } from './unconfirmed.ts';
import { prune, pruneTargets } from './prune.ts';
import { buildStatus, jsonEqual } from './status.ts';
import { FINALIZER, PAUSE_ANNOTATION, type ClaimDeps, type ReconcileResult } from './types.ts';

const WAIT_FOR_DELETION_MS = 2_000;
const RETRY_MISSING_API_MS = 30_000;
/** An unmanaged object in the way cannot be watched (it is not labelled): look again this often. */
const RETRY_OWNERSHIP_MS = 60_000;

/** What a reconcile changed: audited, and reported in the claim's one Event for the reconcile. */
interface Changes {
  action: 'Apply' | 'Prune' | 'Delete';
  /** `apply ConfigMap/a-config, apply Secret/a-secret` */
  summary: string;
  revision?: number;
}

interface Outcome {
  synced: ConditionInput;
  ready?: ConditionInput;
  render?: RenderResult;
  resourceErrors?: Map<string, string>;
  /** Per resource id: the object exists and this claim may not take it. */
  resourceConflicts?: Map<string, string>;
  revision?: number;
  changes?: Changes;
  result: ReconcileResult;
}

const synced = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
  type: 'Synced',
  status,
  reason,
  message,
});
const ready = (status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
  type: 'Ready',
  status,
  reason,
  message,
});

/**
 * Level-based reconcile of one claim, controller-runtime style: read the claim from the cache,
 * finalize when deleting, render, apply what changed, prune what is no longer rendered, and write
 * status only when it changed. Throws on errors worth retrying (the caller backs off).
 */
export class ClaimReconciler {
  /** Per claim key: the inputs of its last successful reconcile (see inputsFingerprint). */
  private readonly converged = new Map<string, string>();
  /** Claims whose last reconcile found a required or composed API missing: re-queued when CRDs change. */
  readonly waitingForApis = new Set<string>();
  /** Objects applied that the child caches have not shown yet. */
  private readonly unconfirmed = new UnconfirmedApplies();
  /** Claims whose finalizer this process removed: their disappearance needs no clean-up. */
  private readonly finalized = new Set<string>();
  /** The last state of claims deleted without kubify's finalizer, for the audit of their clean-up. */
  private readonly tombstones = new Map<string, KubeObject>();

  constructor(private readonly deps: ClaimDeps) {}

  async reconcile(key: string): Promise<ReconcileResult> {
    const claim = this.deps.claims.get(key);
    if (!claim) return this.gone(key);
    this.tombstones.delete(key);
    if (!claim.metadata.deletionTimestamp) this.finalized.delete(key);
    const log = this.deps.logger.with({ namespace: claim.metadata.namespace, name: claim.metadata.name });
    if (claim.metadata.annotations?.[PAUSE_ANNOTATION] === 'true') {
      await this.writeStatus(claim, {
        synced: synced(
          'False',
          'ReconcilePaused',
          `reconciliation is paused by the ${PAUSE_ANNOTATION} annotation`,
        ),
        result: {},
      });
      return {};
    }
    if (claim.metadata.deletionTimestamp) return this.finalize(key, claim);
    let outcome: Outcome | 'unchanged';
    try {
      outcome = await this.sync(key, claim);
      if (outcome === 'unchanged') return {};
    } catch (err) {
      const failed =
        err instanceof ReconcileError
          ? err.outcome
          : err instanceof ForbiddenError
            ? { synced: synced('False', 'Forbidden', forbiddenMessage(err)), result: {} }
            : {
                synced: synced('False', 'ReconcileError', err instanceof Error ? err.message : String(err)),
                result: {},
              };
      log.warn('reconcile failed', { error: err });
      await this.writeStatus(claim, failed).catch((e: unknown) =>
        log.debug('status write failed', { error: e }),
      );
      throw err;
    }
    if (outcome.synced.reason === 'MissingAPI') this.waitingForApis.add(key);
    else this.waitingForApis.delete(key);
    await this.writeStatus(claim, outcome);
    return outcome.result;
  }

  private async sync(key: string, claim: KubeObject): Promise<Outcome | 'unchanged'> {
    const lookup = this.deps.composition(claim);
    if (!lookup.ok) {
      return { synced: synced('False', lookup.reason, lookup.message), result: {} };
    }
    const { compiled, revision } = lookup;
    // Foreground deletion needs the finalizer before anything is composed; Background never has one.
    if (compiled.deletion === 'Foreground' && !claim.metadata.finalizers?.includes(FINALIZER))
      await this.addFinalizer(claim);
    // Observe every kind this revision composes before rendering: an unwatched kind would look absent.
    await this.deps.ensureWatches(
      compiled.resources.map((r) => ({ apiVersion: r.apiVersion, kind: r.kind })),
    );
    const missing = await this.missingRequirements(compiled.requires);
    if (missing.length) {
      const message = `required API not served: ${missing.join('; ')}`;
      return {
        synced: synced('False', 'MissingAPI', message),
        revision,
        result: { requeueAfterMs: RETRY_MISSING_API_MS },
      };
    }
    const children = this.deps.childrenOf(key);
    // Nothing render reads has changed since a successful reconcile: skip render and writes alike.
    const before = inputsFingerprint(claim, revision, children);
    if (this.converged.get(key) === before) return 'unchanged';
    this.converged.delete(key);
    const rendered = await this.renderAndApply(claim, compiled, revision, children);
    if ('fatal' in rendered) {
      this.deps.events.event(claim, 'Warning', 'RenderFailed', rendered.fatal);
      return {
        synced: synced('False', 'RenderFailed', rendered.fatal),
        revision,
        result: { terminal: true },
      };
    }
    const { result, applied } = rendered;
    this.deps.blockedOn?.(
      key,
      [...applied.conflicts.values()].filter((c) => c.holder).map((c) => c.key),
    );
    for (const [id, what] of applied.adopted)
      this.deps.events.event(claim, 'Normal', 'Adopted', `${id}: took over ${what} (adoption: IfUnmanaged)`);
    const conflicts = new Map([...applied.conflicts].map(([id, c]) => [id, c.message]));
    if (conflicts.size)
      this.deps.events.event(
        claim,
        'Warning',
        OWNERSHIP_CONFLICT,
        [...conflicts].map(([id, m]) => `${id}: ${m}`).join('; '),
      );
    this.unconfirmed.remember(key, [...applied.objects.values()]);
    // The caches as they are now (not as the reconcile began): read in the same tick as `unconfirmed`.
    const owned = this.owned(key, claim, this.deps.childrenOf(key));
    const pruned = await prune(this.deps, pruneTargets(result, owned));
    this.unconfirmed.forget(key, pruned.deleted);
    const errors = new Map([...applied.errors, ...pruned.errors]);
    const changes = this.recordChanges(claim, revision, [
      ...[...applied.objects.values()].map((o) => ({ action: 'Apply' as const, target: o })),
      ...pruned.deleted.map((t) => ({ action: 'Prune' as const, target: t.ref })),
    ]);
    const changed = changes ? { changes } : {};
    if (applied.missingApis.length) {
      const message = `composed API not served: ${applied.missingApis.join(', ')}`;
      return {
        synced: synced('False', 'MissingAPI', message),
        render: result,
        resourceErrors: errors,
        resourceConflicts: conflicts,
        revision,
        ...changed,
        result: { requeueAfterMs: RETRY_MISSING_API_MS },
      };
    }
    if (errors.size) {
      const message = [...errors, ...conflicts].map(([id, e]) => `${id}: ${e}`).join('; ');
      throw new ReconcileError(message, {
        synced: synced('False', 'ApplyFailed', message),
        render: result,
        resourceErrors: errors,
        resourceConflicts: conflicts,
        revision,
        ...changed,
        result: {},
      });
    }
    if (conflicts.size) {
      // Not an error to retry fast: the holder has to let go first. A claim holding it re-queues this
      // one when the object is deleted (blockedOn); an unmanaged object is looked at again later.
      const message = [...conflicts].map(([id, e]) => `${id}: ${e}`).join('; ');
      return {
        synced: synced('False', OWNERSHIP_CONFLICT, message),
        render: result,
        resourceConflicts: conflicts,
        revision,
        result: { requeueAfterMs: RETRY_OWNERSHIP_MS },
      };
    }
    const pending = result.pending.length
      ? `; waiting: ${result.pending.map((p) => p.message).join('; ')}`
      : '';
    this.converged.set(key, inputsFingerprint(claim, revision, children, applied.objects));
    return {
      synced: synced('True', 'ReconcileSuccess', `${result.desired.length} object(s) in sync${pending}`),
      render: result,
      revision,
      ...changed,
      result: {},
    };
  }

  /**
   * Renders, applies what changed, and renders again with what the API server returned, until nothing
   * more is applied: readiness and dependents unblocked by a just-created object are handled in this
   * reconcile rather than the next one. Bounded by the depth of the dependency graph. A composition
   * whose objects read no observed object is rendered once, then reassessed (readiness and status).
   */
  private async renderAndApply(
    claim: KubeObject,
    compiled: CompiledComposition,
    revision: number,
    children: readonly KubeObject[],
  ): Promise<{ fatal: string } | { result: RenderResult; applied: ApplyOutcome }> {
    const total: ApplyOutcome = emptyOutcome();
    const self = claimIndexValue(
      this.deps.kind.kindLabel,
      claim.metadata.namespace,
      claim.metadata.name ?? '',
    );
    let preferred = new Map<string, string>();
    const input = (): RenderInput => ({
      claim,
      compiled,
      observed: Object.fromEntries([...observedById(children, preferred), ...total.objects]),
      revision,
      now: this.deps.now().toISOString(),
    });
    for (let round = 0; ; round++) {
      const result = render(input());
      const fatal = result.results.filter((p) => p.severity === 'Fatal');
      if (fatal.length) return { fatal: fatal.slice(0, 5).map(formatProblem).join('; ') };
      preferred = new Map(
        result.desired.map((d) => [d.id, String((d.object.metadata as { name?: string }).name)]),
      );
      const current = new Map([...observedById(children, preferred), ...total.objects]);
      const outcome = await applyDesired(
        this.deps,
        compiled,
        // an object refused in an earlier round stays refused: no second request for it
        result.desired.filter((d) => !total.conflicts.has(d.id)),
        current,
        this.deps.kind.namespaced,
        self,
      );
      total.applied += outcome.applied;
      for (const [id, object] of outcome.objects) total.objects.set(id, object);
      for (const [id, error] of outcome.errors) total.errors.set(id, error);
      for (const [id, conflict] of outcome.conflicts) total.conflicts.set(id, conflict);
      for (const [id, what] of outcome.adopted) total.adopted.set(id, what);
      total.missingApis.push(...outcome.missingApis);
      const done = outcome.applied === 0 || outcome.errors.size > 0 || round >= compiled.graph.levels.length;
      if (done) return { result, applied: total };
      // Rendering again would give the same objects: judge readiness and status against what was applied.
      if (isReassessable(compiled)) return { result: reassess(result, input()), applied: total };
    }
  }

  /**
   * Audits what a reconcile changed: one log line per object now; the claim-level record (one Event
   * summing it up: an Event per object would double the writes a new claim costs) goes out with the
   * status write, as the same Event as the condition transition it caused (see announce).
   */
  private recordChanges(
    claim: KubeObject,
    revision: number | undefined,
    changes: readonly { action: 'Apply' | 'Prune' | 'Delete'; target: ObjectRef | KubeObject }[],
  ): Changes | undefined {
    if (changes.length === 0) return undefined;
    const target = (t: ObjectRef | KubeObject): ObjectRef => ('metadata' in t ? refOf(t) : t);
    const audit = this.deps.audit;
    for (const c of changes) {
      audit?.record({
        action: c.action,
        target: target(c.target),
        claim,
        ...(revision !== undefined ? { revision } : {}),
        event: false,
      });
    }
    const summary = changes
      .map((c) => `${c.action.toLowerCase()} ${target(c.target).kind}/${target(c.target).name}`)
      .join(', ');
    return { action: changes[0]!.action, summary, ...(revision !== undefined ? { revision } : {}) };
  }

  /**
   * The one Event of a reconcile: the audit record of what it changed, reporting the condition
   * transition it caused too (reason `Ready`, `SyncedFalse`, ...; the transition's note first), or the
   * transition alone when nothing changed. A new claim costs one Event create, not two.
   */
  private announce(claim: KubeObject, changes: Changes | undefined, transition?: AuditTransition): void {
    const audit = this.deps.audit;
    if (changes && audit) {
      audit.record({
        action: changes.action,
        target: this.ref(claim),
        claim,
        ...(changes.revision !== undefined ? { revision: changes.revision } : {}),
        message: changes.summary,
        ...(transition ? { transition } : {}),
      });
    } else if (transition) {
      const note = changes ? `${transition.note} | ${changes.summary}` : transition.note;
      this.deps.events.event(claim, transition.type, transition.reason, note);
    } else if (changes) {
      this.deps.events.event(claim, 'Normal', 'Applied', changes.summary);
    }
  }

  /**
   * What the claim owns: its labelled children, the unwatched kinds of its recorded inventory, and what
   * this process applied that the caches have not shown yet.
   */
  private owned(key: string, claim: KubeObject | undefined, children: readonly KubeObject[]): OwnedObject[] {
    const inventory = (claim?.status as { resources?: ResourceStatus[] } | undefined)?.resources ?? [];
    return this.unconfirmed.addTo(
      key,
      ownedObjects(children, inventory, (v, k) => this.deps.watches(v, k)),
    );
  }

  /** The claim informer saw claim `key` deleted: keep its last state when nothing finalized it. */
  claimDeleted(key: string, claim: KubeObject): void {
    if (!claim.metadata.finalizers?.includes(FINALIZER)) this.tombstones.set(key, claim);
  }

  /** A child informer saw this object of claim `key`: the cache has it now. */
  childSeen(key: string, object: KubeObject): void {
    this.unconfirmed.forget(key, [{ key: identity(object) }]);
  }

  /**
   * The claim is gone. When its finalizer ran, so did the clean-up. When it had none, its children are
   * deleted now: a claim of a `deletion: Background` composition, or one whose finalizer the API server
   * dropped (a finalizer patched in while the claim's deletion is under way is lost although both calls
   * succeed, and a reconcile that had read the claim before then has applied its children anyway).
   * Those with the Orphan policy stay. Audited against the claim's last state when this process saw it
   * go (after a restart, against its name).
   */
  private async gone(key: string): Promise<ReconcileResult> {
    this.converged.delete(key);
    this.waitingForApis.delete(key);
    this.deps.blockedOn?.(key, []);
    const tombstone = this.tombstones.get(key);
    this.tombstones.delete(key);
    if (this.finalized.delete(key)) {
      this.unconfirmed.clear(key);
      return {};
    }
    const leftovers = this.owned(key, undefined, this.deps.childrenOf(key)).filter((o) => !o.terminating);
    this.unconfirmed.clear(key);
    if (leftovers.length === 0) return {};
    const pruned = await prune(this.deps, leftovers);
    const claim = tombstone ?? this.claimNamed(key);
    const lookup = tombstone ? this.deps.composition(tombstone) : undefined;
    const changes = this.recordChanges(
      claim,
      lookup?.ok ? lookup.revision : undefined,
      pruned.deleted.map((t) => ({ action: 'Delete' as const, target: t.ref })),
    );
    if (changes)
      this.announce(claim, changes, {
        type: 'Normal',
        reason: 'Deleted',
        note: 'the claim is gone; its composed objects are deleted or orphaned',
      });
    if (pruned.errors.size) {
      this.tombstones.set(key, claim);
      throw new Error([...pruned.errors.values()].join('; '));
    }
    return {};
  }

  /** A claim known only by its key (`namespace/name`). */
  private claimNamed(key: string): KubeObject {
    const { apiVersion, kind } = this.deps.kind;
    return { apiVersion, kind, metadata: splitObjectKey(key) };
  }

  /** Each required API that is not served, with what is being done about it. */
  private async missingRequirements(requires: readonly Requirement[]): Promise<string[]> {
    const missing: string[] = [];
    for (const r of requires) {
      try {
        await this.deps.client.mapper.mapping(r.apiVersion, r.kind);
      } catch (err) {
        if (!(err instanceof NoMatchError)) throw err;
        const action =
          r.installedBy && this.deps.installers
            ? await ensureInstaller(this.deps.installers, r)
            : 'install its CRDs or operator';
        missing.push(`${r.kind} (${r.apiVersion}): ${action}`);
      }
    }
    return missing;
  }

  private async finalize(key: string, claim: KubeObject): Promise<ReconcileResult> {
    if (!claim.metadata.finalizers?.includes(FINALIZER)) return {};
    const lookup = this.deps.composition(claim);
    const owned = this.owned(key, claim, this.deps.childrenOf(key));
    const outcome = await finalizeChildren(this.deps, lookup.ok ? lookup.compiled : undefined, owned);
    const changes = this.recordChanges(
      claim,
      lookup.ok ? lookup.revision : undefined,
      outcome.deleted.map((target) => ({ action: 'Delete' as const, target })),
    );
    if (!outcome.done) {
      const message = `deleting: waiting for ${outcome.waitingFor.join(', ')}${outcome.errors.length ? `; errors: ${outcome.errors.join('; ')}` : ''}`;
      await this.writeStatus(claim, {
        synced: synced(outcome.errors.length ? 'False' : 'True', 'Deleting', message),
        ready: ready('False', 'Deleting', message),
        ...(changes ? { changes } : {}),
        result: {},
      });
      return { requeueAfterMs: WAIT_FOR_DELETION_MS };
    }
    await this.removeFinalizer(claim);
    this.unconfirmed.clear(key);
    this.finalized.add(key);
    this.announce(claim, changes, {
      type: 'Normal',
      reason: 'Deleted',
      note: 'all composed objects deleted or orphaned',
    });
    return {};
  }

  private async addFinalizer(claim: KubeObject): Promise<void> {
    const ops = claim.metadata.finalizers
      ? [{ op: 'add', path: '/metadata/finalizers/-', value: FINALIZER }]
      : [{ op: 'add', path: '/metadata/finalizers', value: [FINALIZER] }];
    await this.deps.client.patch(
      this.ref(claim),
      [{ op: 'test', path: '/metadata/resourceVersion', value: claim.metadata.resourceVersion }, ...ops],
      { type: 'json' },
    );
    this.deps.metrics?.writes.inc({ verb: 'patch', kind: this.deps.kind.kind });
  }

  private async removeFinalizer(claim: KubeObject): Promise<void> {
    const index = claim.metadata.finalizers?.indexOf(FINALIZER) ?? -1;
    if (index < 0) return;
    await this.deps.client.patch(
      this.ref(claim),
      [
        { op: 'test', path: '/metadata/resourceVersion', value: claim.metadata.resourceVersion },
        { op: 'remove', path: `/metadata/finalizers/${index}` },
      ],
      { type: 'json' },
    );
    this.deps.metrics?.writes.inc({ verb: 'patch', kind: this.deps.kind.kind });
  }

  /**
   * Writes the claim status when it differs from what the cache holds; emits the reconcile's one Event
   * (what it changed, the condition transition, or both).
   */
  async writeStatus(claim: KubeObject, outcome: Outcome): Promise<void> {
    const previous = claim.status as Record<string, unknown> | undefined;
    const readyCondition =
      outcome.ready ??
      (outcome.render && outcome.synced.status === 'True'
        ? ready(outcome.render.ready.status, outcome.render.ready.reason, outcome.render.ready.message)
        : ready('False', outcome.synced.reason, outcome.synced.message));
    const status = buildStatus({
      previous,
      generation: claim.metadata.generation,
      revision: outcome.revision,
      synced: outcome.synced,
      ready: readyCondition,
      ...(outcome.render ? { render: outcome.render } : {}),
      ...(outcome.resourceErrors ? { resourceErrors: outcome.resourceErrors } : {}),
      ...(outcome.resourceConflicts ? { resourceConflicts: outcome.resourceConflicts } : {}),
      now: conditionTime(this.deps.now()),
    });
    if (jsonEqual(status, previous)) {
      this.announce(claim, outcome.changes);
      return;
    }
    // One Event per status change that moved a condition (a new claim going Synced and Ready at once is
    // one Event, not two): the reason names the most telling transition, the note says both.
    const changed = ['Ready', 'Synced']
      .map((type) => ({
        type,
        before: getCondition(previous?.conditions as never, type),
        after: getCondition(status.conditions as never, type),
      }))
      .filter((c) => c.after && c.before?.status !== c.after.status);
    const first = changed[0]?.after;
    this.announce(
      claim,
      outcome.changes,
      first && {
        type: changed.every((c) => c.after?.status === 'True') ? 'Normal' : 'Warning',
        reason: `${changed[0]!.type}${first.status === 'True' ? '' : 'False'}`,
        note: changed.map((c) => `${c.type}=${c.after!.status}: ${c.after!.message}`).join('; '),
      },
    );
    const { apiVersion, kind, name, namespace } = this.ref(claim);
    await this.deps.client.applyStatus({
      apiVersion,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
      status,
    });
    this.deps.metrics?.writes.inc({ verb: 'status', kind: this.deps.kind.kind });
  }

  private ref(claim: KubeObject): ObjectRef {
    const { name = '', namespace } = claim.metadata;
    return {
      apiVersion: this.deps.kind.apiVersion,
      kind: this.deps.kind.kind,
      name,
      ...(namespace ? { namespace } : {}),
    };
  }
}

/** The server's refusal, and what to do about it: the operator's RBAC is generated from the compositions. */
export function forbiddenMessage(err: Error): string {
  return `${err.message}: the operator's RBAC does not grant this; regenerate it from the installed compositions (kubify rbac) and apply it`;
}

/** A reconcile failure that still carries the status to record before backing off. */
export class ReconcileError extends Error {
  constructor(
    message: string,
    readonly outcome: Outcome,
  ) {
    super(message);
  }
}

/**
 * Everything a reconcile's outcome depends on besides the composition revision: the claim's generation,
 * labels and annotations (its status is kubify's own output), and each child's resourceVersion — with
 * what this reconcile just applied in place of the cached copies.
 */
function inputsFingerprint(
  claim: KubeObject,
  revision: number,
  children: readonly KubeObject[],
  applied: ReadonlyMap<string, KubeObject> = new Map(),
): string {
  const versions = new Map(
    children.map((c) => [c.metadata.uid ?? c.metadata.name, c.metadata.resourceVersion]),
  );
  for (const obj of applied.values())
    versions.set(obj.metadata.uid ?? obj.metadata.name, obj.metadata.resourceVersion);
  const meta = claim.metadata;
  return JSON.stringify([
    revision,
    meta.generation,
    meta.labels,
    meta.annotations,
    [...versions].sort(([a], [b]) => String(a).localeCompare(String(b))),
  ]);
}
