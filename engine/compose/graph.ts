/**
 * The dependency graph of a composition's resources: topological order, levels that can be applied in
 * parallel, the reverse for deletion, and cycles named as `a -> b -> a`.
 */

export interface DependencyGraph {
  /** Every id, dependencies first; ties broken by id. */
  readonly order: readonly string[];
  /** Level n holds ids whose dependencies are all in levels < n; apply a level's ids in parallel. */
  readonly levels: readonly (readonly string[])[];
  /** `levels` reversed: delete dependents before what they depend on. */
  readonly deletionLevels: readonly (readonly string[])[];
  /** id -> ids it depends on (data references and `dependsOn`), sorted. */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
  /** id -> ids that depend on it, sorted. */
  readonly dependents: Readonly<Record<string, readonly string[]>>;
}

export type GraphResult =
  { graph: DependencyGraph; cycles?: undefined } | { graph?: undefined; cycles: string[][] };

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `edges[id]` are the ids `id` depends on. Ids not in `ids` are ignored (reported elsewhere). */
export function buildGraph(
  ids: readonly string[],
  edges: Readonly<Record<string, readonly string[]>>,
): GraphResult {
  const nodes = [...new Set(ids)].sort(byId);
  const known = new Set(nodes);
  const dependencies: Record<string, string[]> = {};
  const dependents: Record<string, string[]> = {};
  for (const id of nodes) {
    dependencies[id] = [...new Set(edges[id] ?? [])].filter((d) => known.has(d) && d !== id).sort(byId);
    dependents[id] = [];
  }
  for (const id of nodes) for (const dep of dependencies[id] ?? []) dependents[dep]?.push(id);
  const cycles = findCycles(nodes, dependencies);
  if (cycles.length > 0) return { cycles };

  const level: Record<string, number> = {};
  const depth = (id: string): number => {
    const cached = level[id];
    if (cached !== undefined) return cached;
    const value = Math.max(-1, ...(dependencies[id] ?? []).map(depth)) + 1;
    level[id] = value;
    return value;
  };
  const levels: string[][] = [];
  for (const id of nodes) {
    const n = depth(id);
    while (levels.length <= n) levels.push([]);
    levels[n]?.push(id);
  }
  return {
    graph: {
      order: levels.flat(),
      levels,
      deletionLevels: [...levels].reverse().map((l) => [...l]),
      dependencies,
      dependents,
    },
  };
}

/** One cycle per strongly connected component, starting at its smallest id, e.g. `['a','b','a']`. */
function findCycles(nodes: readonly string[], deps: Record<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  for (const component of stronglyConnected(nodes, deps)) {
    if (component.length < 2) continue;
    const members = new Set(component);
    const start = [...component].sort(byId)[0] as string;
    const path = [start];
    const visited = new Set<string>([start]);
    const dfs = (id: string): boolean => {
      for (const next of deps[id] ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          path.push(start);
          return true;
        }
        if (visited.has(next)) continue;
        visited.add(next);
        path.push(next);
        if (dfs(next)) return true;
        path.pop();
      }
      return false;
    };
    dfs(start);
    cycles.push(path);
  }
  return cycles.sort((a, b) => byId(a[0] ?? '', b[0] ?? ''));
}

/** Tarjan's algorithm; iteration over sorted nodes and edges keeps the result deterministic. */
function stronglyConnected(nodes: readonly string[], deps: Record<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of deps[v] ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      out.push(component);
    }
  };
  for (const v of nodes) if (!index.has(v)) connect(v);
  return out;
}
