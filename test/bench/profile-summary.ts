/**
 * `npx tsx test/bench/profile-summary.ts <file.cpuprofile> [top]`: where an operator child's CPU time
 * went (from `npm run bench -- --profile`): self time by area (engine layer, npm package, node
 * internals, GC, idle) and the top functions.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm ${pkg[1]}`;
  const engine = /\/engine\/([^/]+)/.exec(url);
  if (engine) return `engine/${engine[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url.includes('/test/bench/')) return 'bench child';
  return url;
}

function keyOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(engine|node_modules|test)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

/**
 * Inclusive time per function (a function counted once per stack, however deep it recurses), and
 * for functions matching `callersOf`: their time split by the function that called them.
 */
function inclusive(
  profile: Profile,
  self: Map<number, number>,
  callersOf?: RegExp,
): { total: Map<string, number>; callers: Map<string, number> } {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const total = new Map<string, number>();
  const callers = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    let matched = false;
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const node = byId.get(cur);
      if (!node) break;
      const key = keyOf(node);
      if (matched) {
        callers.set(`${key}`, (callers.get(key) ?? 0) + us);
        matched = false;
      }
      if (callersOf && !matched && callersOf.test(key) && !seen.has(`caller:${key}`)) {
        seen.add(`caller:${key}`);
        matched = true;
      }
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  return { total, callers };
}

export function summarizeProfile(profile: Profile, top = 25, callersOf?: RegExp): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const file = url.replace(/^.*\/(engine|node_modules|test)\//, '$1/');
    const key = `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const busy = totalUs - (areas.get('(idle)') ?? 0);
  const inc = inclusive(profile, self, callersOf);
  const pct = (us: number, of: number): string => `${((us / of) * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `total ${(totalUs / 1e6).toFixed(2)} s sampled, busy ${(busy / 1e6).toFixed(2)} s`,
    '',
    'self time by area (% of busy):',
    ...[...areas]
      .filter(([a]) => a !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .map(([a, us]) => `  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${a}`),
    '',
    `top ${top} functions by self time (% of busy):`,
    ...[...functions]
      .filter(([f]) => !f.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => `  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${f}`),
    '',
    `top ${top} kubify functions by inclusive time (% of busy):`,
    ...[...inc.total]
      .filter(([f]) => f.includes('engine/'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, us]) => `  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${f}`),
  ];
  if (callersOf) {
    lines.push('', `callers of ${String(callersOf)}:`);
    for (const [f, us] of [...inc.callers].sort((a, b) => b[1] - a[1]).slice(0, top))
      lines.push(`  ${pct(us, busy)}  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${f}`);
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write(
      'usage: npx tsx test/bench/profile-summary.ts <file.cpuprofile> [top] [callers-of-regexp]\n',
    );
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const callers = process.argv[4] ? new RegExp(process.argv[4]) : undefined;
  process.stdout.write(`${summarizeProfile(profile, Number(process.argv[3] ?? 25), callers)}\n`);
}
