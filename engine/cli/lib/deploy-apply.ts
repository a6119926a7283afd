/**
 * Applying a deploy plan: a server-side dry run of every object first (a missing API, a schema the server
 * rejects: nothing is written), then server-side apply in order: Secrets (only when missing), build-context
 * ConfigMaps, data services, Apps.
 */
import type { AuditLog } from '../../controller/audit.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import { KubeError, NoMatchError } from '../../kube/index.ts';
import type { DeployPlan } from './deploy-plan.ts';

export const CLI_FIELD_MANAGER = 'kubify-cli';

export interface ApplyStep {
  object: KubeObject;
  /** Secrets are created, never updated (a new random password would break what uses the old one). */
  createOnly: boolean;
}

const label = (o: KubeObject): string => `${o.kind}/${o.metadata.name ?? ''}`;

/** The objects to write, in order; Secrets that exist already are left out. */
export async function applySteps(client: KubeClient, plan: DeployPlan): Promise<ApplyStep[]> {
  const steps: ApplyStep[] = [];
  for (const s of plan.secrets as unknown as KubeObject[]) {
    const ref = { apiVersion: 'v1', kind: 'Secret', name: s.metadata.name ?? '', namespace: plan.namespace };
    if ((await client.find(ref)) === undefined) steps.push({ object: s, createOnly: true });
  }
  for (const c of plan.configMaps as unknown as KubeObject[]) steps.push({ object: c, createOnly: false });
  for (const c of plan.claims) {
    const object = { ...c, metadata: { ...c.metadata, namespace: plan.namespace } } as unknown as KubeObject;
    steps.push({ object, createOnly: false });
  }
  return steps;
}

/** Dry-runs every step; the errors, one line per object (empty: everything would be accepted). */
export async function preflight(client: KubeClient, steps: readonly ApplyStep[]): Promise<string[]> {
  const errors: string[] = [];
  for (const { object, createOnly } of steps) {
    try {
      const options = { dryRun: true, fieldValidation: 'Strict' as const, fieldManager: CLI_FIELD_MANAGER };
      if (createOnly) await client.create(object, options);
      else await client.apply(object, options);
    } catch (error) {
      errors.push(`${label(object)}: ${explain(error, object)}`);
    }
  }
  return errors;
}

/** Writes every step; `progress` gets one line per object; each write is audited when `audit` is given. */
export async function applyAll(
  client: KubeClient,
  steps: readonly ApplyStep[],
  progress: (line: string) => void,
  audit?: AuditLog,
): Promise<void> {
  for (const { object, createOnly } of steps) {
    if (createOnly) await client.create(object, { fieldManager: CLI_FIELD_MANAGER });
    else await client.apply(object, { fieldManager: CLI_FIELD_MANAGER, fieldValidation: 'Strict' });
    progress(`${createOnly ? 'created' : 'applied'} ${label(object)}`);
    const { name = '', namespace } = object.metadata;
    const target = {
      apiVersion: object.apiVersion,
      kind: object.kind,
      name,
      ...(namespace ? { namespace } : {}),
    };
    // A claim is audited on itself; a Secret or ConfigMap the deploy prepares is a line only.
    const isClaim = object.apiVersion.includes('.kubify.io/');
    audit?.record({ action: createOnly ? 'Create' : 'Apply', target, claim: target, event: isClaim });
  }
}

export function explain(error: unknown, object: KubeObject): string {
  if (error instanceof NoMatchError)
    return `the cluster does not serve ${object.apiVersion} ${object.kind}: install kubify and its packs first (kubify install)`;
  if (error instanceof KubeError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
