import type { Requirement } from '../../api/composition.ts';
import { conditionOf } from './conditions.ts';
import type { KubeClient, KubeObject } from '../../kube/index.ts';
import type { ClaimKind } from './types.ts';

/** Finds the claim API a composition serves (for installer claims). */
export type InstallerKinds = (composition: string) => ClaimKind | undefined;

export interface InstallerOptions {
  client: KubeClient;
  kinds: InstallerKinds;
  /** Namespace for namespaced installer claims (the operator's). */
  namespace: string;
}

/** The default installer claim name: the required API's group, dots as dashes (`ray.io` -> `ray-io`). */
export function installerName(requirement: Requirement): string {
  return requirement.installedBy?.name ?? requiredGroup(requirement).replace(/\./g, '-');
}

function requiredGroup(requirement: Requirement): string {
  return (requirement.apiVersion.includes('/') ? requirement.apiVersion.split('/')[0]! : 'core').slice(0, 63);
}

/**
 * Makes sure the claim that installs a missing API exists (creating it from `installedBy.claim`), and
 * says what is being waited for. Only reached when an API is missing, so its one GET is not on the
 * steady-state path.
 */
export async function ensureInstaller(options: InstallerOptions, requirement: Requirement): Promise<string> {
  const by = requirement.installedBy;
  if (!by) return 'no installer is declared (requires[].installedBy)';
  const kind = options.kinds(by.composition);
  if (!kind) return `its installer composition "${by.composition}" is not installed or not ready`;
  const name = installerName(requirement);
  const ref = {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name,
    ...(kind.namespaced ? { namespace: options.namespace } : {}),
  };
  const label = `${kind.kind}/${name}`;
  const existing = await options.client.find(ref);
  if (!existing) {
    const claim: KubeObject = {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: {
        name,
        ...(kind.namespaced ? { namespace: options.namespace } : {}),
        labels: { 'kubify.io/installs': requiredGroup(requirement) },
      },
      spec: structuredClone(by.claim ?? {}),
    };
    await options.client.create(claim);
    return `installing it through ${label} (composition ${by.composition})`;
  }
  const ready = conditionOf(existing, 'Ready');
  return `installing it through ${label} (composition ${by.composition}): ${ready?.status === 'True' ? 'installed, waiting for the API to be served' : (ready?.message ?? 'not ready yet')}`;
}
