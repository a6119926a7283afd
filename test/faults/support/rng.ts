/**
 * A small seeded pseudo-random generator for fault suites: the same seed gives the same fault
 * schedule, so a failing seed can be re-run (`KUBIFY_FAULT_SEEDS=7 npm run test:faults`).
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    // Spread small seeds (1, 2, 3, ...) over the whole state space before the first draw.
    let s = (seed ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.state = (s ^ (s >>> 16)) >>> 0 || 1;
  }

  /** The next value in [0, 1). */
  next(): number {
    // xorshift32
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x / 0x1_0000_0000;
  }

  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A number in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
}

/**
 * Seeds to run: the list in `KUBIFY_FAULT_SEEDS` (`7` or `3,7,11`) when set, else `1..count`, where
 * `KUBIFY_FAULT_SEED_COUNT` may change `count`.
 */
export function faultSeeds(count: number, env: NodeJS.ProcessEnv = process.env): number[] {
  const list = env.KUBIFY_FAULT_SEEDS?.trim();
  if (list) {
    const seeds = list.split(',').map((s) => Number(s.trim()));
    if (seeds.some((s) => !Number.isInteger(s))) throw new Error(`KUBIFY_FAULT_SEEDS: not integers: ${list}`);
    return seeds;
  }
  const n = env.KUBIFY_FAULT_SEED_COUNT ? Number(env.KUBIFY_FAULT_SEED_COUNT) : count;
  return Array.from({ length: n }, (_, i) => i + 1);
}
