/** What every scenario gets: the sizes of this run (quick or full) and a progress logger. */

export interface Sizes {
  /** Render: time budget per example (ms). */
  renderBudgetMs: number;
  /** Convergence (and scaling): claim counts, each on a fresh control plane. */
  convergence: number[];
  /** Claim counts that also get a floor run. */
  floor: number[];
  idleClaims: number;
  idleWindowMs: number;
  memory: number[];
  latencyClaims: number;
  startup: number[];
}

export const QUICK: Sizes = {
  renderBudgetMs: 400,
  convergence: [50, 200],
  floor: [50, 200],
  idleClaims: 100,
  idleWindowMs: 30_000,
  memory: [100],
  latencyClaims: 10,
  startup: [200],
};

export const FULL: Sizes = {
  renderBudgetMs: 2_000,
  convergence: [100, 1000, 5000],
  floor: [100, 1000, 5000],
  idleClaims: 1000,
  idleWindowMs: 5 * 60_000,
  memory: [100, 1000, 5000],
  latencyClaims: 50,
  startup: [1000, 5000],
};

export interface BenchContext {
  quick: boolean;
  sizes: Sizes;
  log: (line: string) => void;
  /** Node flags for operator children (e.g. CPU profiling). */
  childFlags: string[];
  /** Where `--profile` writes kube-apiserver CPU profiles of the convergence runs (unset: none). */
  apiserverProfileDir?: string;
  /** How operator children run: compiled JavaScript (default) or tsx, as shipped. */
  runtime: 'js' | 'tsx';
  /** `--deletion`: the bench Composition's `spec.deletion` (absent: the default). */
  deletion?: 'Foreground' | 'Background';
  /** Shared between scenarios of one run (scaling reuses convergence). */
  shared: Map<string, unknown>;
}

/** Generous upper bound for N claims to converge on a loaded 2-core machine. */
export function convergeTimeoutMs(claims: number): number {
  return 120_000 + claims * 200;
}
