/**
 * `kubify install`: the ordered plan (kubify's CRDs, then one Composition per pack, then `deploy/`) and its
 * server-side apply (fieldManager `kubify-install`), idempotent, with a server-side dry-run mode that
 * reports what would change.
 */
import { isConditionTrue } from './claim/conditions.ts';
import {
  NoMatchError,
  NotFoundError,
  objectKey,
  type KubeClient,
  type KubeObject,
  type ObjectRef,
} from '../kube/index.ts';

export const INSTALL_FIELD_MANAGER = 'kubify-install';

export interface InstallStep {
  /** What the step installs, for progress lines: `kubify CRDs`, `compositions`, `deploy/`. */
  title: string;
  objects: KubeObject[];
}

export interface InstallPlanInput {
  /** kubify's own CRDs. */
  crds: readonly KubeObject[];
  /** One self-contained Composition per pack. */
  compositions: readonly KubeObject[];
  /** The objects of `deploy/` (namespace, service account, Deployment, Services, ...), in file order. */
  deploy?: readonly KubeObject[];
  /** The generated RBAC (ClusterRole, Role, bindings). */
  rbac?: readonly KubeObject[];
  /** Replaces the image of every container of the operator's Deployment. */
  image?: string;
}

/** The steps in the order they must be applied. Empty steps are left out. */
export function installPlan(input: InstallPlanInput): InstallStep[] {
  const deploy = (input.deploy ?? []).map((o) => (input.image ? withImage(o, input.image) : o));
  const namespaces = deploy.filter((o) => o.kind === 'Namespace');
  const rest = deploy.filter((o) => o.kind !== 'Namespace');
  const steps: InstallStep[] = [
    { title: 'kubify CRDs', objects: [...input.crds] },
    { title: 'compositions', objects: [...input.compositions] },
    { title: 'deploy/', objects: [...namespaces, ...(input.rbac ?? []), ...rest] },
  ];
  return steps.filter((s) => s.objects.length > 0);
}

function withImage(object: KubeObject, image: string): KubeObject {
  if (object.kind !== 'Deployment') return object;
  const copy = structuredClone(object);
  const spec = copy.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  for (const container of spec?.template?.spec?.containers ?? []) container.image = image;
  return copy;
}

export type InstallAction = 'created' | 'configured' | 'unchanged';

export interface InstallOutcome {
  /** `CustomResourceDefinition compositions.kubify.io`, `Deployment kubify-system/kubify-operator`. */
  object: string;
  action: InstallAction;
  /** Paths that change (`spec.replicas`), for `configured`. */
  changes: string[];
  /** Why a dry run could not ask the server (its CRD or namespace is created by an earlier step). */
  note?: string;
}

export interface InstallOptions {
  client: KubeClient;
  steps: readonly InstallStep[];
  /** Server-side dry-run: nothing is written; outcomes say what would change. */
  dryRun?: boolean;
  fieldManager?: string;
  onProgress?: (line: string) => void;
  /** How long to wait for CRDs to be Established. Default 60 s. */
  establishTimeoutMs?: number;
}

/** A failed install step, naming the object. */
export class InstallError extends Error {
  constructor(
    readonly object: string,
    cause: unknown,
  ) {
    super(`${object}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InstallError';
  }
}

export function describeObject(o: KubeObject): string {
  return `${o.kind} ${objectKey(o)}`;
}

/** Applies every step in order; CRDs are waited for until Established before the next step. */
export async function applyInstall(options: InstallOptions): Promise<InstallOutcome[]> {
  const progress = options.onProgress ?? (() => {});
  const { client } = options;
  const dryRun = options.dryRun === true;
  const outcomes: InstallOutcome[] = [];
  /** What this run creates (or would create): a later object may need it. */
  const planned = { crds: new Set<string>(), namespaces: new Set<string>() };
  for (const step of options.steps) {
    progress(`${dryRun ? 'checking' : 'applying'} ${step.title} (${step.objects.length})`);
    for (const object of step.objects) {
      const outcome = await applyOne(options, object, planned);
      outcomes.push(outcome);
      if (outcome.action === 'created') {
        if (object.kind === 'CustomResourceDefinition') planned.crds.add(crdKey(object));
        if (object.kind === 'Namespace') planned.namespaces.add(object.metadata.name ?? '');
      }
      progress(`  ${actionWord(outcome.action, dryRun)} ${outcome.object}${detail(outcome)}`);
    }
    const crds = step.objects.filter((o) => o.kind === 'CustomResourceDefinition');
    if (!dryRun && crds.length > 0) {
      const started = Date.now();
      await waitEstablished(client, crds, options.establishTimeoutMs ?? 60_000);
      await client.mapper.refresh();
      progress(`  ${crds.length} CRDs established in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
  }
  return outcomes;
}

function actionWord(action: InstallAction, dryRun: boolean): string {
  if (!dryRun) return action;
  return { created: 'would create', configured: 'would configure', unchanged: 'unchanged' }[action];
}

function detail(o: InstallOutcome): string {
  if (o.note) return ` (${o.note})`;
  return o.changes.length > 0 ? `: ${o.changes.join(', ')}` : '';
}

/** `group/Kind` served by a CRD object. */
function crdKey(crd: KubeObject): string {
  const spec = crd.spec as { group?: string; names?: { kind?: string } } | undefined;
  return `${spec?.group ?? ''}/${spec?.names?.kind ?? ''}`;
}

async function applyOne(
  options: InstallOptions,
  object: KubeObject,
  planned: { crds: Set<string>; namespaces: Set<string> },
): Promise<InstallOutcome> {
  const { client } = options;
  const name = describeObject(object);
  const dryRun = options.dryRun === true;
  const ref: ObjectRef = {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: object.metadata.name ?? '',
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
  };
  const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
  const unvalidated = (note: string): InstallOutcome => ({
    object: name,
    action: 'created',
    changes: [],
    note,
  });
  try {
    const before = await client.find(ref);
    const applied = await client.apply(object, {
      fieldManager: options.fieldManager ?? INSTALL_FIELD_MANAGER,
      force: true,
      fieldValidation: 'Strict',
      dryRun,
    });
    if (!before) return { object: name, action: 'created', changes: [] };
    const changes = changedPaths(normalize(before), normalize(applied));
    return {
      object: name,
      action: changes.length > 0 ? 'configured' : 'unchanged',
      changes: changes.slice(0, 6),
    };
  } catch (error) {
    if (dryRun && error instanceof NoMatchError && planned.crds.has(`${group}/${object.kind}`))
      return unvalidated('not validated: its CRD is created by this install');
    const ns = object.metadata.namespace;
    if (dryRun && error instanceof NotFoundError && ns !== undefined && planned.namespaces.has(ns))
      return unvalidated(`not validated: namespace ${ns} is created by this install`);
    throw new InstallError(name, error);
  }
}

/** What install compares: the object without server bookkeeping and without status. */
function normalize(o: KubeObject): Record<string, unknown> {
  const { status: _status, metadata, ...rest } = o;
  const {
    managedFields: _mf,
    resourceVersion: _rv,
    generation: _gen,
    creationTimestamp: _ct,
    ...meta
  } = metadata;
  return { ...rest, metadata: meta };
}

/** JSON paths at which `a` and `b` differ (`spec.template.spec.containers[0].image`), sorted. */
export function changedPaths(a: unknown, b: unknown, path = ''): string[] {
  if (a === b) return [];
  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: string[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++)
      out.push(...changedPaths(a[i], b[i], `${path}[${i}]`));
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => changedPaths(a[k], b[k], path ? `${path}.${k}` : k));
  }
  return [path || '.'];
}

/** Polls the CRDs until each has `Established=True`. */
async function waitEstablished(
  client: KubeClient,
  crds: readonly KubeObject[],
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(crds.map((c) => c.metadata.name ?? ''));
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const crd = await client.find({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        name,
      });
      if (isConditionTrue(crd, 'Established')) pending.delete(name);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline)
      throw new InstallError(
        `CustomResourceDefinition ${[...pending].join(', ')}`,
        new Error(`not Established after ${Math.round(timeoutMs / 1000)}s`),
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
