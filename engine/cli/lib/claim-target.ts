/**
 * What a user types to name a claim: `<kind>/<name>` (kind as `widget`, `widgets`, `Widget` or
 * `widgets.demo.kubify.io`), resolved through discovery like kubectl does.
 */
import type { KubeClient, ObjectRef, ResourceMapping } from '../../kube/index.ts';
import { CliError, UsageError } from '../context.ts';

export interface ParsedTarget {
  type: string;
  name: string;
}

export function parseTarget(text: string): ParsedTarget {
  const slash = text.indexOf('/');
  const type = slash < 0 ? '' : text.slice(0, slash);
  const name = slash < 0 ? '' : text.slice(slash + 1);
  if (type === '' || name === '' || name.includes('/'))
    throw new UsageError(`name the claim as <kind>/<name> (e.g. rayservice/demo), not "${text}"`);
  return { type, name };
}

/**
 * Prefers kubify claim APIs (category `kubify`) when a short name also matches built-in kinds; a name
 * that matches claim APIs of several groups is ambiguous and must be qualified (`widgets.<group>`).
 */
export function pickMapping(type: string, found: readonly ResourceMapping[]): ResourceMapping {
  const kubify = found.filter((m) => m.categories.includes('kubify'));
  const pool = kubify.length > 0 ? kubify : found;
  const groups = [...new Set(pool.map((m) => `${m.resource}${m.group ? `.${m.group}` : ''}`))].sort();
  if (groups.length > 1)
    throw new UsageError(`"${type}" is ambiguous: it names ${groups.join(', ')}; use one of these`);
  const choice = pool[0];
  if (!choice) throw new CliError(`the server does not serve a resource type "${type}"`);
  return choice;
}

export async function resolveTarget(
  client: KubeClient,
  text: string,
  namespace: string | undefined,
): Promise<ObjectRef & { namespaced: boolean }> {
  const { type, name } = parseTarget(text);
  const mapping = pickMapping(type, await client.mapper.resolve(type));
  return {
    apiVersion: mapping.apiVersion,
    kind: mapping.kind,
    name,
    namespaced: mapping.namespaced,
    ...(mapping.namespaced ? { namespace: namespace ?? client.defaultNamespace } : {}),
  };
}
