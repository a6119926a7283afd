import { errorFromStatus, parseStatus } from './errors.ts';
import { groupVersionPath } from './paths.ts';
import type { ResourceMapping } from './types.ts';

/** Fetches one discovery document; the client routes it through its transport and accounting. */
export type DiscoveryFetch = (path: string, accept: string) => Promise<{ status: number; body: string }>;

const AGGREGATED =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json;q=0.9';

interface AggregatedResource {
  resource: string;
  responseKind?: { group?: string; version?: string; kind?: string };
  scope?: string;
  singularResource?: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: { subresource: string }[];
}

interface AggregatedList {
  kind?: string;
  items?: {
    metadata?: { name?: string };
    versions?: { version: string; resources?: AggregatedResource[] }[];
  }[];
}

interface PlainResource {
  name: string;
  singularName?: string;
  namespaced?: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
  categories?: string[];
}

export interface DiscoveryResult {
  mappings: ResourceMapping[];
  /** Every served `group/version` (`v1` for core), even ones without resources. */
  groupVersions: string[];
}

async function fetchJson<T>(fetch: DiscoveryFetch, path: string, accept: string): Promise<T> {
  const res = await fetch(path, accept);
  if (res.status < 200 || res.status >= 300) {
    throw errorFromStatus(res.status, parseStatus(res.body), { verb: 'get', resource: path });
  }
  return JSON.parse(res.body) as T;
}

function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

function fromAggregated(list: AggregatedList, out: DiscoveryResult): void {
  for (const item of list.items ?? []) {
    const group = item.metadata?.name ?? '';
    for (const v of item.versions ?? []) {
      out.groupVersions.push(apiVersionOf(group, v.version));
      for (const r of v.resources ?? []) {
        const kind = r.responseKind?.kind;
        if (!kind) continue;
        out.mappings.push({
          group,
          version: v.version,
          apiVersion: apiVersionOf(group, v.version),
          kind,
          resource: r.resource,
          singular: r.singularResource ?? kind.toLowerCase(),
          namespaced: r.scope === 'Namespaced',
          verbs: r.verbs ?? [],
          shortNames: r.shortNames ?? [],
          categories: r.categories ?? [],
          subresources: (r.subresources ?? []).map((s) => s.subresource),
        });
      }
    }
  }
}

function fromPlain(group: string, version: string, resources: PlainResource[], out: DiscoveryResult): void {
  out.groupVersions.push(apiVersionOf(group, version));
  const subs = new Map<string, string[]>();
  for (const r of resources) {
    const [parent, sub] = r.name.split('/');
    if (parent && sub) subs.set(parent, [...(subs.get(parent) ?? []), sub]);
  }
  for (const r of resources) {
    if (r.name.includes('/')) continue;
    out.mappings.push({
      group,
      version,
      apiVersion: apiVersionOf(group, version),
      kind: r.kind,
      resource: r.name,
      singular: r.singularName || r.kind.toLowerCase(),
      namespaced: Boolean(r.namespaced),
      verbs: r.verbs ?? [],
      shortNames: r.shortNames ?? [],
      categories: r.categories ?? [],
      subresources: subs.get(r.name) ?? [],
    });
  }
}

/** Plain discovery for servers without the aggregated endpoint: one request per group/version. */
async function plainDiscovery(fetch: DiscoveryFetch, out: DiscoveryResult): Promise<void> {
  const core = await fetchJson<{ versions?: string[] }>(fetch, '/api', 'application/json');
  const groups = await fetchJson<{ groups?: { name: string; versions?: { version: string }[] }[] }>(
    fetch,
    '/apis',
    'application/json',
  );
  const targets: { group: string; version: string }[] = (core.versions ?? []).map((version) => ({
    group: '',
    version,
  }));
  for (const g of groups.groups ?? [])
    for (const v of g.versions ?? []) targets.push({ group: g.name, version: v.version });
  const lists = await Promise.all(
    targets.map(async (t) => {
      try {
        const l = await fetchJson<{ resources?: PlainResource[] }>(
          fetch,
          groupVersionPath(t.group, t.version),
          'application/json',
        );
        return { ...t, resources: l.resources ?? [] };
      } catch {
        return { ...t, resources: [] }; // an unavailable aggregated API must not hide the rest
      }
    }),
  );
  for (const l of lists) fromPlain(l.group, l.version, l.resources, out);
}

/** Reads `/api` and `/apis` (aggregated discovery when served, plain discovery otherwise). */
export async function discover(fetch: DiscoveryFetch): Promise<DiscoveryResult> {
  const out: DiscoveryResult = { mappings: [], groupVersions: [] };
  const [core, groups] = await Promise.all([
    fetchJson<AggregatedList>(fetch, '/api', AGGREGATED),
    fetchJson<AggregatedList>(fetch, '/apis', AGGREGATED),
  ]);
  if (core.kind !== 'APIGroupDiscoveryList' || groups.kind !== 'APIGroupDiscoveryList') {
    await plainDiscovery(fetch, out);
    return out;
  }
  fromAggregated(core, out);
  fromAggregated(groups, out);
  return out;
}
