import { systemClock, type Clock } from './clock.ts';
import { NoMatchError } from './errors.ts';
import type { DiscoveryResult } from './discovery.ts';
import { parseApiVersion, type ResourceMapping } from './types.ts';

export interface RestMapperOptions {
  /** A miss triggers at most one rediscovery per this interval; misses in between are NoMatch. */
  minRefreshIntervalMs?: number;
  clock?: Clock;
}

/**
 * `(apiVersion, kind) -> ResourceMapping` from discovery, cached. A miss rediscovers (rate
 * limited, concurrent misses share one refresh), so a CRD installed after start-up is found; a
 * kind that is still missing afterwards is a NoMatchError naming the apiVersion and kind.
 */
export class RestMapper {
  private byKind = new Map<string, ResourceMapping>();
  private groupVersions = new Set<string>();
  private all: ResourceMapping[] = [];
  private loadedAt: number | undefined;
  private inflight: Promise<void> | undefined;
  private readonly minRefreshIntervalMs: number;
  private readonly clock: Clock;

  constructor(
    private readonly source: () => Promise<DiscoveryResult>,
    options: RestMapperOptions = {},
  ) {
    this.minRefreshIntervalMs = options.minRefreshIntervalMs ?? 2_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Rediscovers now (shares an in-flight refresh). */
  refresh(): Promise<void> {
    this.inflight ??= this.source()
      .then((result) => {
        const byKind = new Map<string, ResourceMapping>();
        for (const m of result.mappings) {
          const key = `${m.apiVersion}/${m.kind}`;
          if (!byKind.has(key)) byKind.set(key, m);
        }
        this.byKind = byKind;
        this.groupVersions = new Set(result.groupVersions);
        this.all = result.mappings;
        this.loadedAt = this.clock.now();
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  /** The mapping if it is cached, without any request. */
  peek(apiVersion: string, kind: string): ResourceMapping | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  async mapping(apiVersion: string, kind: string): Promise<ResourceMapping> {
    const hit = this.peek(apiVersion, kind);
    if (hit) return hit;
    if (this.inflight) await this.inflight;
    else if (this.loadedAt === undefined || this.clock.now() - this.loadedAt >= this.minRefreshIntervalMs) {
      await this.refresh();
    }
    const found = this.peek(apiVersion, kind);
    if (found) return found;
    const { group, version } = parseApiVersion(apiVersion);
    const detail = this.groupVersions.has(apiVersion)
      ? `the API server serves ${apiVersion} but no kind ${kind} in it`
      : `the API server does not serve ${group ? `group ${group} version ${version}` : `core version ${version}`}`;
    throw new NoMatchError(apiVersion, kind, detail);
  }

  /** Every served resource (discovers on first use). */
  async list(): Promise<ResourceMapping[]> {
    if (this.loadedAt === undefined) await this.refresh();
    return this.all;
  }

  /**
   * Resolves what a user types (`deploy`, `deployments`, `Deployment`, `deployments.apps`,
   * `rayservice.ray.io`) to the matching mappings, preferred versions first as discovery lists them.
   */
  async resolve(name: string): Promise<ResourceMapping[]> {
    const lower = name.toLowerCase();
    const dot = lower.indexOf('.');
    const [base, group] = dot < 0 ? [lower, undefined] : [lower.slice(0, dot), lower.slice(dot + 1)];
    const matches = (all: ResourceMapping[]): ResourceMapping[] =>
      all.filter(
        (m) =>
          (group === undefined || m.group === group) &&
          (m.resource === base ||
            m.singular === base ||
            m.kind.toLowerCase() === base ||
            m.shortNames.includes(base)),
      );
    let found = matches(await this.list());
    if (
      found.length === 0 &&
      this.loadedAt !== undefined &&
      this.clock.now() - this.loadedAt >= this.minRefreshIntervalMs
    ) {
      await this.refresh();
      found = matches(this.all);
    }
    return found;
  }

  /** Resources in a category, e.g. `kubify` or `all`. */
  async category(name: string): Promise<ResourceMapping[]> {
    return (await this.list()).filter((m) => m.categories.includes(name));
  }
}
