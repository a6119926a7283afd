import type { CompiledComposition } from '../../compose/index.ts';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../logger.ts';
import type { ControllerMetrics } from '../metrics.ts';
import type { LastApplied } from './drift.ts';
import type { InstallerOptions } from './installers.ts';
import type { AuditLog } from '../audit.ts';

/** The claim API a claim controller serves. */
export interface ClaimKind {
  group: string;
  version: string;
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  /** `Kind.group`, shortened to a label value: the `kubify.io/claim-kind` label of every child. */
  kindLabel: string;
}

/** Read access to an informer cache. */
export interface ObjectCache {
  get(key: string): KubeObject | undefined;
}

/** The composition (revision) a claim renders from, or why there is none. */
export type CompositionLookup =
  | { ok: true; compiled: CompiledComposition; revision: number }
  | { ok: false; reason: string; message: string };

export interface EventSink {
  event(object: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ClaimDeps {
  kind: ClaimKind;
  client: KubeClient;
  /** The claim informer's cache (level-based: reconcile reads the claim from here, never a watch payload). */
  claims: ObjectCache;
  /** Composed objects labelled as children of the claim, from the child informers' caches. */
  childrenOf(claimKey: string): KubeObject[];
  /**
   * The child informers' copy of the object with this apiVersion, kind, namespace and name, whichever
   * claim it belongs to (the caches hold every object labelled managed-by kubify).
   */
  cached(object: KubeObject): KubeObject | undefined;
  /**
   * Records the objects (by `identity()`) another claim holds that keep this claim from syncing, so
   * the claim is re-queued when one of them is deleted. An empty list clears the record.
   */
  blockedOn?(claimKey: string, identities: readonly string[]): void;
  /** Whether the operator watches this kind (so its cache can be trusted). */
  watches(apiVersion: string, kind: string): boolean;
  /** Starts (and waits for the caches of) watches on these kinds, e.g. those of a pinned older revision. */
  ensureWatches(kinds: readonly { apiVersion: string; kind: string }[]): Promise<void>;
  composition(claim: KubeObject): CompositionLookup;
  events: EventSink;
  metrics?: ControllerMetrics;
  logger: Logger;
  now(): Date;
  /** What kubify last applied, by object UID; lets an unchanged object skip its apply. */
  lastApplied: Map<string, LastApplied>;
  /** Creates installer claims for missing APIs (`requires[].installedBy`); absent: auto-install is off. */
  installers?: InstallerOptions;
  /** Records every change (a log line each) and one audit Event per reconcile that changed something. */
  audit?: AuditLog;
  /** Max concurrent writes for one claim's independent resources. */
  applyConcurrency: number;
}

export interface ReconcileResult {
  /** Reconcile again after this long even without a change (e.g. waiting for a deletion). */
  requeueAfterMs?: number;
  /** The claim cannot be reconciled until it (or its composition) changes, e.g. it does not render. */
  terminal?: boolean;
}

export const FINALIZER = 'kubify.io/finalizer';
export const PAUSE_ANNOTATION = 'kubify.io/paused';
