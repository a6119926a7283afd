import type { Condition } from '../api/claim.ts';
import {
  PROGRAM_SOURCE_API_VERSION,
  PROGRAM_SOURCE_KIND,
  PROGRAM_SOURCE_REASONS,
  type ProgramArtifact,
  type ProgramSourceSpec,
} from '../api/program-source.ts';
import {
  objectKey,
  type InformerLease,
  type KubeClient,
  type KubeObject,
  type SharedInformerFactory,
} from '../kube/index.ts';
import type { ArtifactServer } from './artifacts/server.ts';
import { buildTarball, TarPathError, type Tarball } from './artifacts/tarball.ts';
import { conditionTime, setCondition, type ConditionInput } from './claim/conditions.ts';
import { jsonEqual } from './claim/status.ts';
import type { Logger } from './logger.ts';
import type { ControllerMetrics } from './metrics.ts';
import { runWorkers, WorkQueue } from './work-queue.ts';

export interface ProgramSourceControllerOptions {
  client: KubeClient;
  factory: SharedInformerFactory;
  server: ArtifactServer;
  /** Base URL the Pulumi Kubernetes Operator reaches the artifact server at, e.g. `http://kubify-artifacts.kubify-system.svc:8090`. */
  advertiseUrl: string;
  metrics?: ControllerMetrics;
  logger: Logger;
  now?: () => Date;
}

type Built = { generation: number | undefined; result: { tarball: Tarball } | { error: string } };

/**
 * Turns each ProgramSource into a deterministic tarball served by the artifact server, and publishes
 * `status.artifact` the way a Flux source does so PKO's `fluxSource.sourceRef` can use it. Every
 * replica serves the artifacts (they are byte-identical everywhere); only the leader writes status.
 */
export class ProgramSourceController {
  private readonly queue = new WorkQueue();
  private lease: InformerLease<KubeObject> | undefined;
  private readonly built = new Map<string, Built>();
  private leading = false;
  private workersDone: Promise<void> | undefined;

  constructor(private readonly options: ProgramSourceControllerOptions) {}

  async start(): Promise<void> {
    this.lease = this.options.factory.acquire({
      apiVersion: PROGRAM_SOURCE_API_VERSION,
      kind: PROGRAM_SOURCE_KIND,
    });
    const enqueue = (obj: KubeObject): void => this.queue.add(objectKey(obj));
    this.lease.informer.addHandlers({
      onAdd: enqueue,
      onUpdate: (o, n) => o.metadata.generation !== n.metadata.generation && enqueue(n),
      onDelete: enqueue,
    });
    await this.lease.informer.waitForSync();
    this.workersDone = runWorkers(this.queue, 2, (key) => this.process(key));
  }

  /** Leadership changed: the leader writes status for every ProgramSource. */
  setLeading(leading: boolean): void {
    this.leading = leading;
    if (leading) for (const key of this.lease?.informer.store.keys() ?? []) this.queue.add(key);
  }

  hasSynced(): boolean {
    return this.lease?.informer.hasSynced() ?? false;
  }

  private async process(key: string): Promise<void> {
    try {
      await this.reconcile(key);
      this.queue.forget(key);
    } catch (err) {
      const delay = this.queue.addRateLimited(key);
      this.options.logger.warn('program source reconcile failed', { key, retryInMs: delay, error: err });
    }
  }

  private async reconcile(key: string): Promise<void> {
    const [namespace = '', name = ''] = key.split('/');
    const obj = this.lease?.informer.store.get(key);
    if (!obj) {
      this.options.server.remove(namespace, name);
      this.built.delete(key);
      return;
    }
    const built = this.build(key, obj);
    if ('error' in built.result) {
      this.options.server.remove(namespace, name);
      await this.writeStatus(obj, undefined, {
        type: 'Ready',
        status: 'False',
        reason: PROGRAM_SOURCE_REASONS.invalidProgram,
        message: built.result.error,
      });
      return;
    }
    const { tarball } = built.result;
    const path = this.options.server.publish(namespace, name, tarball);
    const previous = (obj.status as { artifact?: ProgramArtifact } | undefined)?.artifact;
    const artifact: ProgramArtifact = {
      url: `${this.options.advertiseUrl.replace(/\/$/, '')}${path}`,
      digest: tarball.digest,
      revision: tarball.revision,
      size: tarball.bytes.length,
      lastUpdateTime: previous?.revision === tarball.revision ? previous.lastUpdateTime : this.now(),
      path,
    };
    await this.writeStatus(obj, artifact, {
      type: 'Ready',
      status: 'True',
      reason: PROGRAM_SOURCE_REASONS.artifactReady,
      message: `stored artifact for revision ${tarball.revision}`,
    });
  }

  private build(key: string, obj: KubeObject): Built {
    const cached = this.built.get(key);
    if (cached && cached.generation === obj.metadata.generation) return cached;
    const built: Built = {
      generation: obj.metadata.generation,
      result: buildProgram(obj.spec as ProgramSourceSpec | undefined),
    };
    this.built.set(key, built);
    return built;
  }

  private now(): string {
    return conditionTime(this.options.now?.() ?? new Date());
  }

  private async writeStatus(
    obj: KubeObject,
    artifact: ProgramArtifact | undefined,
    ready: ConditionInput,
  ): Promise<void> {
    if (!this.leading) return;
    const previous = (obj.status ?? {}) as Record<string, unknown>;
    const status: Record<string, unknown> = {
      conditions: setCondition(
        (previous.conditions ?? []) as Condition[],
        ready,
        this.now(),
        obj.metadata.generation,
      ),
      observedGeneration: obj.metadata.generation,
    };
    if (artifact) status.artifact = artifact;
    if (jsonEqual(status, previous)) return;
    await this.options.client.applyStatus({
      apiVersion: PROGRAM_SOURCE_API_VERSION,
      kind: PROGRAM_SOURCE_KIND,
      metadata: { name: obj.metadata.name ?? '', namespace: obj.metadata.namespace ?? '' },
      status,
    });
    this.options.metrics?.writes.inc({ verb: 'status', kind: PROGRAM_SOURCE_KIND });
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workersDone;
    await this.lease?.release();
  }
}

/** Checks a ProgramSource's files and packs them; an invalid program gives a message naming the problem. */
export function buildProgram(spec: ProgramSourceSpec | undefined): { tarball: Tarball } | { error: string } {
  const files = spec?.files ?? {};
  const dir = spec?.dir ? `${spec.dir.replace(/\/+$/, '')}/` : '';
  if (!Object.hasOwn(files, `${dir}Pulumi.yaml`)) {
    return { error: `spec.files has no ${dir}Pulumi.yaml: a Pulumi project needs one` };
  }
  if (spec?.entrypoint && !Object.hasOwn(files, `${dir}${spec.entrypoint}`)) {
    return { error: `spec.entrypoint ${spec.entrypoint} is not one of spec.files` };
  }
  try {
    return { tarball: buildTarball(files) };
  } catch (err) {
    if (err instanceof TarPathError) return { error: `spec.files: ${err.message}` };
    throw err;
  }
}
