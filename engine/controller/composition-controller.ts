import {
  compositionFromRevision,
  toCompositionRevision,
  type CompositionRevision,
} from '../api/composition-revision.ts';
import type { Composition } from '../api/composition.ts';
import { KUBIFY_API_VERSION } from '../api/composition.ts';
import { formatProblem, type Problem } from '../api/problem.ts';
import { compile, type CompiledComposition } from '../compose/index.ts';
import {
  AlreadyExistsError,
  objectKey,
  type InformerLease,
  type KubeClient,
  type KubeObject,
  type SharedInformerFactory,
} from '../kube/index.ts';
import { ClaimController } from './claim-controller.ts';
import { conditionTime, isConditionTrue, setCondition, type ConditionInput } from './claim/conditions.ts';
import { needsApply, withDesiredHash } from './claim/drift.ts';
import { jsonEqual } from './claim/status.ts';
import type { ClaimKind, CompositionLookup, EventSink } from './claim/types.ts';
import type { Logger } from './logger.ts';
import type { ControllerMetrics } from './metrics.ts';
import { planRevision } from './revisions.ts';
import type { AuditLog } from './audit.ts';
import { runWorkers, WorkQueue } from './work-queue.ts';
import type { Condition } from '../api/claim.ts';
import { kindOf } from './claim-kind.ts';

export interface CompositionControllerOptions {
  client: KubeClient;
  factory: SharedInformerFactory;
  events: EventSink;
  audit?: AuditLog;
  metrics?: ControllerMetrics;
  logger: Logger;
  /** Workers per claim kind. */
  workers: number;
  resyncMs: number;
  /** Create installer claims for missing APIs (`requires[].installedBy`), namespaced ones in this namespace. */
  autoInstall?: { namespace: string };
  now?: () => Date;
}

/** Problems recorded in a Composition's status; the Ready condition says how many there are in all. */
export const MAX_STATUS_PROBLEMS = 50;

const CRD_API = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' };

interface Served {
  controller: ClaimController;
  /** `group/Kind` this composition serves. */
  claimApi: string;
  latest: { revision: number; compiled: CompiledComposition };
}

/**
 * Watches Compositions: compiles each, records an immutable CompositionRevision per content change,
 * creates or updates the claim CRD, and runs one ClaimController per claim kind. A Composition that
 * fails to compile gets the problems in its status; its claims keep rendering from the last good
 * revision, and other Compositions are unaffected.
 */
export class CompositionController {
  private readonly queue = new WorkQueue();
  private readonly leases: InformerLease<KubeObject>[] = [];
  private compositions!: InformerLease<KubeObject>;
  private revisions!: InformerLease<KubeObject>;
  private crds!: InformerLease<KubeObject>;
  private readonly served = new Map<string, Served>();
  private readonly compiledRevisions = new Map<string, CompiledComposition>();
  /** Compile results by composition name, valid while the generation is unchanged. */
  private readonly compileCache = new Map<
    string,
    { generation: number | undefined; result: ReturnType<typeof compile> }
  >();
  private workersDone: Promise<void> | undefined;
  private apisTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CompositionControllerOptions) {}

  async start(): Promise<void> {
    const { factory } = this.options;
    this.compositions = factory.acquire({ apiVersion: KUBIFY_API_VERSION, kind: 'Composition' });
    this.revisions = factory.acquire({ apiVersion: KUBIFY_API_VERSION, kind: 'CompositionRevision' });
    this.crds = factory.acquire(CRD_API);
    this.leases.push(this.compositions, this.revisions, this.crds);
    const enqueue = (obj: KubeObject): void => this.queue.add(objectKey(obj));
    this.compositions.informer.addHandlers({
      onAdd: enqueue,
      onUpdate: (o, n) => o.metadata.generation !== n.metadata.generation && enqueue(n),
      onDelete: enqueue,
    });
    this.revisions.informer.addHandlers({
      onAdd: (r) =>
        this.queue.add(String((r.spec as { compositionName?: string } | undefined)?.compositionName)),
    });
    // The initial list of CRDs is no news: only CRDs added or changed later re-check missing APIs.
    const crdChanged = (): void => {
      if (this.crds.informer.hasSynced()) this.apisChanged();
    };
    this.crds.informer.addHandlers({ onAdd: crdChanged, onUpdate: crdChanged });
    await Promise.all(this.leases.map((l) => l.informer.waitForSync()));
    for (const key of this.compositions.informer.store.keys()) this.queue.add(key);
    this.workersDone = runWorkers(this.queue, 2, (name) => this.process(name));
  }

  /** Every claim controller (for tests, trace and metrics). */
  controllers(): ClaimController[] {
    return [...this.served.values()].map((s) => s.controller);
  }

  hasSynced(): boolean {
    return this.leases.every((l) => l.informer.hasSynced());
  }

  private apisChanged(): void {
    if (this.apisTimer) return;
    this.apisTimer = setTimeout(() => {
      this.apisTimer = undefined;
      void this.options.client.mapper
        .refresh()
        .catch(() => undefined)
        .then(() => {
          for (const key of this.compositions.informer.store.keys()) this.queue.add(key);
          return Promise.all(this.controllers().map((c) => c.apisChanged()));
        })
        .catch((err: unknown) => this.options.logger.warn('re-checking APIs failed', { error: err }));
    }, 300);
    this.apisTimer.unref();
  }

  private async process(name: string): Promise<void> {
    try {
      await this.reconcile(name);
      this.queue.forget(name);
    } catch (err) {
      const delay = this.queue.addRateLimited(name);
      this.options.logger.warn('composition reconcile failed', {
        composition: name,
        retryInMs: delay,
        error: err,
      });
    }
  }

  private async reconcile(name: string): Promise<void> {
    const object = this.compositions.informer.store.get(name);
    if (!object) {
      this.compileCache.delete(name);
      await this.stopServing(name);
      return;
    }
    const result = this.compile(name, object);
    if (!result.compiled) {
      this.options.events.event(
        object,
        'Warning',
        'CompileFailed',
        result.problems.slice(0, 3).map(formatProblem).join('; '),
      );
      await this.writeStatus(
        object,
        {
          type: 'Ready',
          status: 'False',
          reason: 'CompileFailed',
          message: `${result.problems.length} problem(s): ${result.problems.slice(0, 3).map(formatProblem).join('; ')}`,
        },
        // Bounded: a Composition with thousands of problems must not make its status too large to write.
        { problems: result.problems.slice(0, MAX_STATUS_PROBLEMS) },
      );
      return;
    }
    const compiled = result.compiled;
    const claimApi = `${compiled.api.group}/${compiled.api.kind}`;
    const owner = this.ownerOf(claimApi, name);
    if (owner) {
      await this.writeStatus(
        object,
        {
          type: 'Ready',
          status: 'False',
          reason: 'KindConflict',
          message: `${compiled.api.kind}.${compiled.api.group} is already served by Composition ${owner}`,
        },
        { problems: [] },
      );
      return;
    }
    const plan = planRevision(name, compiled.hash, this.revisionObjects());
    if (plan.create) await this.createRevision(compiled.composition, plan.revision, compiled.hash);
    const crdReady = await this.ensureCrd(compiled);
    const base = {
      latestRevision: plan.revision,
      contentHash: compiled.hash,
      claimApi: {
        apiVersion: `${compiled.api.group}/${compiled.api.version}`,
        kind: compiled.api.kind,
        plural: compiled.api.plural,
      },
      problems: [],
    };
    if (!crdReady) {
      await this.writeStatus(
        object,
        {
          type: 'Ready',
          status: 'False',
          reason: 'WaitingForCRD',
          message: `waiting for CRD ${compiled.crd.metadata.name} to be established`,
        },
        base,
      );
      return;
    }
    await this.serve(name, compiled, plan.revision);
    await this.writeStatus(
      object,
      {
        type: 'Ready',
        status: 'True',
        reason: 'Ready',
        message: `serving ${compiled.api.kind}.${compiled.api.group} at revision ${plan.revision}`,
      },
      base,
    );
  }

  private compile(name: string, object: KubeObject): ReturnType<typeof compile> {
    const cached = this.compileCache.get(name);
    if (cached && cached.generation === object.metadata.generation) return cached.result;
    // Compile what the user wrote: the server's metadata and kubify's own status are not part of it.
    const source = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      metadata: { name },
      spec: object.spec,
    };
    const result = compile({ object: source, file: `Composition/${name}` });
    this.compileCache.set(name, { generation: object.metadata.generation, result });
    return result;
  }

  private ownerOf(claimApi: string, name: string): string | undefined {
    for (const [other, served] of this.served)
      if (other !== name && served.claimApi === claimApi) return other;
    return undefined;
  }

  private revisionObjects(): CompositionRevision[] {
    return this.revisions.informer.store.list() as unknown as CompositionRevision[];
  }

  private async createRevision(composition: Composition, revision: number, hash: string): Promise<void> {
    try {
      await this.options.client.create(
        toCompositionRevision(composition, revision, hash) as unknown as KubeObject,
      );
      this.options.metrics?.writes.inc({ verb: 'create', kind: 'CompositionRevision' });
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
    }
  }

  /** Applies the claim CRD when it changed; true once it is Established. */
  private async ensureCrd(compiled: CompiledComposition): Promise<boolean> {
    const { object, hash } = withDesiredHash(compiled.crd as unknown as Record<string, unknown>);
    const observed = this.crds.informer.store.get(compiled.crd.metadata.name);
    if (needsApply(object, hash, observed, undefined)) {
      await this.options.client.apply(object as KubeObject);
      this.options.metrics?.writes.inc({ verb: 'apply', kind: 'CustomResourceDefinition' });
      return false;
    }
    return isConditionTrue(observed, 'Established');
  }

  private async serve(name: string, compiled: CompiledComposition, revision: number): Promise<void> {
    const kinds = compiled.resources.map((r) => ({ apiVersion: r.apiVersion, kind: r.kind }));
    const existing = this.served.get(name);
    if (existing) {
      const changed = existing.latest.revision !== revision;
      existing.latest = { revision, compiled };
      // A kind the operator may not watch (RBAC) is reported on the claims that compose it.
      await existing.controller
        .watchComposedKinds(kinds)
        .catch((err: unknown) =>
          this.options.logger.warn('cannot watch a composed kind', { composition: name, error: err }),
        );
      if (changed) existing.controller.enqueueAll();
      return;
    }
    const kind: ClaimKind = kindOf(compiled);
    // The claim CRD was just established: learn its REST mapping now rather than after a failed list.
    await this.options.client.mapper.refresh().catch(() => undefined);
    const controller = new ClaimController({
      kind,
      composition: name,
      client: this.options.client,
      factory: this.options.factory,
      lookup: (claim) => this.lookup(name, served, claim),
      events: this.options.events,
      ...(this.options.audit ? { audit: this.options.audit } : {}),
      ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
      logger: this.options.logger,
      workers: this.options.workers,
      resyncMs: this.options.resyncMs,
      ...(this.options.autoInstall
        ? {
            installers: {
              client: this.options.client,
              namespace: this.options.autoInstall.namespace,
              kinds: (composition: string) => {
                const s = this.served.get(composition);
                return s ? kindOf(s.latest.compiled) : undefined;
              },
            },
          }
        : {}),
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    const served: Served = {
      claimApi: `${compiled.api.group}/${compiled.api.kind}`,
      latest: { revision, compiled },
      controller,
    };
    this.served.set(name, served);
    await controller.start(kinds);
    this.options.logger.info('serving claims', { composition: name, kind: kind.kind, revision });
  }

  private lookup(name: string, served: Served, claim: KubeObject): CompositionLookup {
    const pinned = (claim.spec as { compositionRevision?: number } | undefined)?.compositionRevision;
    if (pinned === undefined || pinned === served.latest.revision) return { ok: true, ...served.latest };
    const revisionName = `${name}-${pinned}`;
    let compiled = this.compiledRevisions.get(revisionName);
    if (!compiled) {
      const rev = this.revisions.informer.store.get(revisionName) as unknown as
        CompositionRevision | undefined;
      if (!rev)
        return {
          ok: false,
          reason: 'RevisionNotFound',
          message: `CompositionRevision ${revisionName} does not exist`,
        };
      const result = compile({
        object: compositionFromRevision(rev),
        file: `CompositionRevision/${revisionName}`,
      });
      if (!result.compiled)
        return {
          ok: false,
          reason: 'RevisionInvalid',
          message: result.problems.map(formatProblem).join('; '),
        };
      compiled = result.compiled;
      this.compiledRevisions.set(revisionName, compiled);
    }
    return { ok: true, compiled, revision: pinned };
  }

  private async stopServing(name: string): Promise<void> {
    const served = this.served.get(name);
    if (!served) return;
    this.served.delete(name);
    await served.controller.stop();
    this.options.logger.info('stopped serving claims', { composition: name });
  }

  private async writeStatus(
    object: KubeObject,
    ready: ConditionInput,
    fields: Record<string, unknown>,
  ): Promise<void> {
    const previous = (object.status ?? {}) as Record<string, unknown>;
    const now = conditionTime(this.options.now?.() ?? new Date());
    const conditions = setCondition(
      (previous.conditions ?? []) as Condition[],
      ready,
      now,
      object.metadata.generation,
    );
    const status: Record<string, unknown> = {
      ...previous,
      ...fields,
      conditions,
      observedGeneration: object.metadata.generation,
    };
    if (Array.isArray(status.problems))
      status.problems = (status.problems as Problem[]).map(({ severity: _s, ...p }) => p);
    if (jsonEqual(status, previous)) return;
    await this.options.client.applyStatus({
      apiVersion: KUBIFY_API_VERSION,
      kind: 'Composition',
      metadata: { name: object.metadata.name ?? '' },
      status,
    });
    this.options.metrics?.writes.inc({ verb: 'status', kind: 'Composition' });
  }

  async stop(): Promise<void> {
    if (this.apisTimer) clearTimeout(this.apisTimer);
    this.queue.shutDown();
    await this.workersDone;
    await Promise.all([...this.served.keys()].map((name) => this.stopServing(name)));
    await Promise.all(this.leases.map((l) => l.release()));
  }
}
