/**
 * A control plane of its own (so restarting it disturbs no other test), kubify's CRDs and a Widget
 * Composition in it, and a "world" of Widget claims the tests disturb and then check converged.
 */
import { Registry } from 'prom-client';
import { kubifyCrds } from '../../../engine/api/kubify-crds.ts';
import {
  startControlPlane,
  type ControlPlane,
  type ControlPlaneOptions,
} from '../../../engine/controlplane/index.ts';
import { silentLogger } from '../../../engine/controller/logger.ts';
import { startOperator, type Operator, type OperatorOptions } from '../../../engine/controller/operator.ts';
import {
  createKubeClient,
  loadKubeConfig,
  type HttpKubeClient,
  type KubeObject,
} from '../../../engine/kube/index.ts';
import { eventually } from '../../support/http.ts';
import { compositionReady, installCrd } from '../../support/operator.ts';
import {
  configResource,
  extraResource,
  widget,
  widgetComposition,
  widgetRef,
} from '../controller/fixtures.ts';

export const group = 'faults.test.kubify.io';

export interface FaultCluster {
  cp: ControlPlane;
  client: HttpKubeClient;
  stop(): Promise<void>;
}

/** Starts a dedicated control plane with kubify's CRDs, `kubify-system` and the `faults` Composition. */
export async function startFaultCluster(options: ControlPlaneOptions = {}): Promise<FaultCluster> {
  const cp = await startControlPlane({
    onProgress: (line) => {
      if (process.env.KUBIFY_TEST_VERBOSE) process.stderr.write(`${line}\n`);
    },
    ...options,
  });
  const client = createKubeClient({
    kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
    mapper: { minRefreshIntervalMs: 0 },
    logger: silentLogger,
    userAgent: 'kubify-test',
  });
  try {
    for (const crd of kubifyCrds()) await installCrd(client, crd as unknown as KubeObject);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubify-system' } });
  } catch (err) {
    client.close();
    await cp.stop();
    throw err;
  }
  return {
    cp,
    client,
    stop: async () => {
      client.close();
      await cp.stop();
    },
  };
}

/** Applies the Widget Composition (a ConfigMap per claim, a Secret when `extra`) and waits for it. */
export async function installWidgets(client: HttpKubeClient): Promise<void> {
  await client.apply(widgetComposition('faults', group, [configResource, extraResource]));
  await compositionReady(client, 'faults');
  await eventually('Widgets to be served', async () => {
    await client.mapper.refresh();
    return client.mapper.peek(`${group}/v1alpha1`, 'Widget');
  });
}

export interface TestOperator {
  operator: Operator;
  registry: Registry;
}

/** An in-process operator against `cp` (no leader election unless asked). */
export async function startFaultOperator(
  cp: ControlPlane,
  overrides: Partial<OperatorOptions> = {},
): Promise<TestOperator> {
  const registry = new Registry();
  const operator = await startOperator({
    kubeConfig: loadKubeConfig({ kubeconfig: cp.kubeconfigPath }),
    namespace: 'kubify-system',
    registry,
    logger: process.env.KUBIFY_TEST_VERBOSE
      ? (await import('../../../engine/controller/logger.ts')).createLogger('debug')
      : silentLogger,
    auditWrite: () => {},
    workers: 4,
    resyncMs: 0,
    ...overrides,
  });
  return { operator, registry };
}

let nsCounter = 0;
export async function newNamespace(client: HttpKubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${++nsCounter}-${Math.random().toString(36).slice(2, 7)}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/** Retries a test-side request for a while: right after a restart the server may still refuse some. */
export async function retrying<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return eventually(what, async () => ({ value: await fn() }), 30_000).then((r) => r.value);
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

type WithData = KubeObject & { data?: Record<string, string> };

interface ClaimSpec {
  color: string;
  extra: boolean;
}

/**
 * Widget claims in one namespace with what the cluster must look like: each live claim Ready with
 * `<name>-config` (and `<name>-extra` when extra) carrying its colour; deleted claims and their
 * ConfigMaps gone.
 */
export class ClaimWorld {
  readonly live = new Map<string, ClaimSpec>();
  readonly deleted = new Set<string>();
  private round = 0;

  constructor(
    private readonly client: HttpKubeClient,
    readonly namespace: string,
  ) {}

  async create(name: string, spec: ClaimSpec): Promise<void> {
    await retrying(`create ${name}`, () =>
      this.client.apply(widget(group, this.namespace, name, { ...spec })),
    );
    this.live.set(name, spec);
    this.deleted.delete(name);
  }

  async setColor(name: string, color: string): Promise<void> {
    const spec = { ...this.live.get(name)!, color };
    await retrying(`update ${name}`, () =>
      this.client.apply(widget(group, this.namespace, name, { ...spec })),
    );
    this.live.set(name, spec);
  }

  async deleteClaim(name: string): Promise<void> {
    await retrying(`delete ${name}`, () => this.client.delete(widgetRef(group, this.namespace, name)));
    this.live.delete(name);
    this.deleted.add(name);
  }

  /** Another writer changes a composed object: kubify must put it back. */
  async tamper(name: string): Promise<void> {
    await retrying(`tamper ${name}-config`, () =>
      this.client.patch(
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: this.namespace, name: `${name}-config` },
        { data: { color: 'tampered' } },
        { fieldManager: 'intruder' },
      ),
    );
  }

  /** Someone deletes a composed object: kubify must create it again. */
  async deleteComposed(name: string): Promise<void> {
    await retrying(`delete ${name}-extra`, () =>
      this.client.delete({
        apiVersion: 'v1',
        kind: 'Secret',
        namespace: this.namespace,
        name: `${name}-extra`,
      }),
    );
  }

  /**
   * One round of every kind of change: create a claim, update one, tamper with a composed ConfigMap,
   * delete a composed Secret, delete a claim. Needs at least three live claims with `extra`.
   */
  async disturb(): Promise<string[]> {
    const n = ++this.round;
    const names = [...this.live.keys()].sort();
    const [updated, tampered, robbed, victim] = [names[0]!, names[1]!, names[2]!, names.at(-1)!];
    await this.create(`c${n}`, { color: `green${n}`, extra: true });
    await this.setColor(updated, `red${n}`);
    await this.tamper(tampered);
    await this.deleteComposed(robbed);
    await this.deleteClaim(victim);
    return [
      `create c${n}`,
      `update ${updated}`,
      `tamper ${tampered}-config`,
      `delete ${robbed}-extra`,
      `delete ${victim}`,
    ];
  }

  /** The first difference between the cluster and the world, or undefined when converged. */
  async difference(): Promise<string | undefined> {
    const ns = this.namespace;
    for (const [name, spec] of this.live) {
      const claim = await this.client.find(widgetRef(group, ns, name));
      const status = claim?.status as
        { observedGeneration?: number; conditions?: { type: string; status: string }[] } | undefined;
      if (!claim) return `claim ${name} missing`;
      if (status?.observedGeneration !== claim.metadata.generation) return `claim ${name} not observed`;
      if (status?.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
        return `claim ${name} not Ready`;
      const cm = await this.client.find<WithData>({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        namespace: ns,
        name: `${name}-config`,
      });
      if (cm?.data?.color !== spec.color)
        return `${name}-config color ${cm ? cm.data?.color : 'missing'}, want ${spec.color}`;
      if (spec.extra) {
        const secret = await this.client.find<WithData>({
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: ns,
          name: `${name}-extra`,
        });
        if (secret?.data?.color !== b64(spec.color)) return `${name}-extra ${secret ? 'wrong' : 'missing'}`;
      }
    }
    for (const name of this.deleted) {
      if (await this.client.find(widgetRef(group, ns, name))) return `claim ${name} still there`;
      if (
        await this.client.find({ apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name: `${name}-config` })
      )
        return `${name}-config still there`;
    }
    return undefined;
  }

  /** Waits until converged; returns how long that took from `since` (Date.now() ms). */
  async converged(since: number, timeoutMs = 60_000): Promise<number> {
    let last: string | undefined;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      last = await this.difference().catch((err: unknown) => `error: ${String(err)}`);
      if (last === undefined) return Date.now() - since;
      if (Date.now() > deadline) throw new Error(`not converged after ${timeoutMs} ms: ${last}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A namespace with claims p0..p3 (all with `extra`), converged. */
export async function seededWorld(client: HttpKubeClient, prefix: string): Promise<ClaimWorld> {
  const world = new ClaimWorld(client, await newNamespace(client, prefix));
  for (let i = 0; i < 4; i++) await world.create(`p${i}`, { color: `blue${i}`, extra: true });
  await world.converged(Date.now());
  return world;
}

/** A measured figure, printed so the run's log carries it. */
export function report(line: string): void {
  process.stdout.write(`      [measured] ${line}\n`);
}
