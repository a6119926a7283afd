import type { ResourceMapping } from './types.ts';

/** `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`;
}

/**
 * The REST path of a collection (no name) or an object. `namespace` is dropped for cluster-scoped
 * kinds; a namespaced kind without a namespace addresses all namespaces (lists and watches only).
 */
export function resourcePath(
  m: Pick<ResourceMapping, 'group' | 'version' | 'resource' | 'namespaced'>,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  let p = groupVersionPath(m.group, m.version);
  if (m.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${m.resource}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

/** `deployments.apps`, `configmaps`, `rayservices.ray.io/status`: how requests are labelled. */
export function resourceLabel(m: Pick<ResourceMapping, 'group' | 'resource'>, subresource?: string): string {
  const r = m.group ? `${m.resource}.${m.group}` : m.resource;
  return subresource ? `${r}/${subresource}` : r;
}

/** Appends a query string built from the defined entries. */
export function withQuery(
  path: string,
  query: Record<string, string | number | boolean | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
