/** Node.js: package.json dependencies and scripts, workspaces, static front-end builds. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { type LineIndex, dirOf, relJoin } from '../evidence.ts';
import type { Framework } from '../types.ts';
import { SCANS, addDefaultPort, addStart, scanCode } from './code-scan.ts';
import { type DetectContext, type Detector, escapeRe, isRecord, parseJson, readIn } from './context.ts';
import { globMembers } from './workspace-glob.ts';

const SERVER_FRAMEWORKS: readonly [string, Framework, number][] = [
  ['next', 'nextjs', 5],
  ['@nestjs/core', 'nestjs', 4],
  ['fastify', 'fastify', 3],
  ['koa', 'koa', 2],
  ['express', 'express', 1],
];

/** Front-end build tools whose output is a folder of static files, and that folder. */
const STATIC_BUILDERS: readonly [string, string][] = [
  ['@angular/cli', 'dist'],
  ['react-scripts', 'build'],
  ['@docusaurus/core', 'build'],
  ['gatsby', 'public'],
  ['astro', 'dist'],
  ['@vue/cli-service', 'dist'],
  ['vite', 'dist'],
  ['parcel', 'dist'],
];

const CONVENTIONAL_ENTRIES = ['server.js', 'index.js', 'app.js', 'main.js', 'server.mjs', 'index.mjs'];

/** The line of `"key":` in a JSON text, preferring one after the line of `"section":`. */
export function jsonKeyLine(idx: LineIndex, key: string, section?: string): number {
  const keyRe = new RegExp(`"${escapeRe(key)}"\\s*:`);
  let from = 0;
  if (section !== undefined) {
    const s = idx.lines.findIndex((l) => new RegExp(`"${escapeRe(section)}"\\s*:`).test(l));
    if (s >= 0) from = s;
  }
  for (let i = from; i < idx.lines.length; i++) if (keyRe.test(idx.lines[i]!)) return i + 1;
  return 1;
}

function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function packageManager(ctx: DetectContext): string {
  let dir: string | undefined = ctx.dir;
  for (;;) {
    if (ctx.tree.has(relJoin(dir, 'pnpm-lock.yaml'))) return 'pnpm';
    if (ctx.tree.has(relJoin(dir, 'yarn.lock'))) return 'yarn';
    if (ctx.tree.has(relJoin(dir, 'bun.lockb')) || ctx.tree.has(relJoin(dir, 'bun.lock'))) return 'bun';
    if (ctx.tree.has(relJoin(dir, 'package-lock.json'))) return 'npm';
    if (dir === '') return 'npm';
    dir = dirOf(dir);
  }
}

async function workspaces(ctx: DetectContext, pkg: Record<string, unknown>, idx: LineIndex, file: string) {
  const ws = pkg['workspaces'];
  let patterns: string[] = [];
  if (Array.isArray(ws)) patterns = ws.filter((x): x is string => typeof x === 'string');
  else if (isRecord(ws) && Array.isArray(ws['packages']))
    patterns = ws['packages'].filter((x): x is string => typeof x === 'string');
  let tool: 'npm' | 'pnpm' = 'npm';
  let evidence = idx.evidence(file, jsonKeyLine(idx, 'workspaces'));
  const pnpm = await readIn(ctx, 'pnpm-workspace.yaml');
  if (patterns.length === 0 && pnpm) {
    tool = 'pnpm';
    for (const [i, l] of pnpm.idx.lines.entries()) {
      const m = /^\s*-\s*['"]?([^'"#]+?)['"]?\s*$/.exec(l);
      if (m) patterns.push(m[1]!);
      if (i === 0) evidence = pnpm.idx.evidence(pnpm.file, 1);
    }
  }
  if (patterns.length === 0) return;
  const members = globMembers(ctx.tree, ctx.dir, patterns, 'package.json');
  ctx.draft.workspace = { path: ctx.dir === '' ? '.' : ctx.dir, tool, members, evidence: [evidence] };
}

export const nodeDetector: Detector = {
  id: 'node',
  claims: (names) => names.includes('package.json'),
  async detect(ctx) {
    const { draft } = ctx;
    const read = await readIn(ctx, 'package.json');
    if (!read) return;
    const { file, idx } = read;
    draft.strong = true;
    draft.language.push({
      value: 'node',
      confidence: 'high',
      reason: 'package.json',
      evidence: [idx.evidence(file, 1)],
      priority: PRIORITY.manifest,
    });
    const parsed = parseJson(ctx, file, idx);
    if (!isRecord(parsed)) return;
    const pkg = parsed;
    if (typeof pkg['name'] === 'string' && pkg['name'] !== '') {
      draft.names.push({
        value: pkg['name'].replace(/^@[^/]+\//, ''),
        confidence: 'high',
        reason: 'package.json name',
        evidence: [idx.evidence(file, jsonKeyLine(idx, 'name'))],
        priority: PRIORITY.manifest,
      });
    }
    await workspaces(ctx, pkg, idx, file);

    const deps = { ...stringMap(pkg['optionalDependencies']), ...stringMap(pkg['dependencies']) };
    const devDeps = stringMap(pkg['devDependencies']);
    const scripts = stringMap(pkg['scripts']);
    const depLine = (name: string): number =>
      jsonKeyLine(idx, name, name in deps ? 'dependencies' : 'devDependencies');

    let server = false;
    for (const [dep, fw, rank] of SERVER_FRAMEWORKS) {
      if (!(dep in deps)) continue;
      server = true;
      draft.framework.push({
        value: fw,
        confidence: 'high',
        reason: `package.json dependency "${dep}"`,
        evidence: [idx.evidence(file, depLine(dep))],
        priority: PRIORITY.manifest + rank,
      });
    }
    for (const name of Object.keys(deps).sort()) {
      const kind = dataServiceForPackage('npm', name);
      if (kind) {
        draft.addDep(kind, name, 'high', `package.json dependency "${name}"`, [
          idx.evidence(file, depLine(name)),
        ]);
      }
    }

    const pm = packageManager(ctx);
    const run = (script: string): string => (script === 'start' ? `${pm} start` : `${pm} run ${script}`);
    const scriptEvidence = (s: string) => idx.evidence(file, jsonKeyLine(idx, s, 'scripts'));
    if (scripts['build'] !== undefined) {
      draft.build.push({
        value: run('build'),
        confidence: 'high',
        reason: 'package.json "build" script',
        evidence: [scriptEvidence('build')],
        priority: PRIORITY.manifest,
        language: 'node',
      });
    }

    const builder = STATIC_BUILDERS.find(([dep]) => dep in deps || dep in devDeps);
    if (!server && builder) {
      const [dep, out] = builder;
      draft.framework.push({
        value: 'static',
        confidence: 'medium',
        reason: `front-end build with "${dep}" and no server framework`,
        evidence: [idx.evidence(file, depLine(dep))],
        priority: PRIORITY.manifest,
      });
      draft.staticDir.push({
        value: out,
        confidence: 'medium',
        reason: `"${dep}" writes its output to ${out}/`,
        evidence: [idx.evidence(file, depLine(dep))],
        priority: PRIORITY.manifest,
      });
      addDefaultPort(ctx, 8080, 'static files served by an unprivileged web server', idx.evidence(file, 1));
      return;
    }

    const prodScript = ['start:prod', 'start'].find((s) => scripts[s] !== undefined);
    if (prodScript) {
      addStart(ctx, run(prodScript), {
        confidence: 'high',
        reason: `package.json "${prodScript}" script`,
        evidence: scriptEvidence(prodScript),
        priority: PRIORITY.manifest,
        language: 'node',
        scanned: scripts[prodScript],
      });
    } else if (typeof pkg['main'] === 'string' && ctx.tree.has(relJoin(ctx.dir, pkg['main']))) {
      // low: libraries have a "main" too, so it alone does not make a package a service
      addStart(ctx, `node ${pkg['main']}`, {
        confidence: 'low',
        reason: 'package.json "main"',
        evidence: idx.evidence(file, jsonKeyLine(idx, 'main')),
        priority: PRIORITY.manifest,
        language: 'node',
      });
    } else {
      const entry = CONVENTIONAL_ENTRIES.find((e) => ctx.tree.has(relJoin(ctx.dir, e)));
      if (entry) {
        addStart(ctx, `node ${entry}`, {
          confidence: 'low',
          reason: `conventional entry file ${entry}`,
          evidence: idx.evidence(file, 1),
          priority: PRIORITY.convention,
          language: 'node',
        });
      }
    }
    const devScript = scripts['dev'];
    if (devScript !== undefined && /next dev/.test(devScript) && scripts['start'] === undefined) {
      addStart(ctx, 'npx next start', {
        confidence: 'medium',
        reason: 'Next.js production server',
        evidence: scriptEvidence('dev'),
        priority: PRIORITY.convention,
        language: 'node',
      });
    }
    if ('next' in deps)
      addDefaultPort(ctx, 3000, 'Next.js default port', idx.evidence(file, depLine('next')), 'node');
    else if (server) addDefaultPort(ctx, 3000, 'common Node.js convention', idx.evidence(file, 1), 'node');

    await scanCode(ctx, SCANS['node']!);
    if (!server && !builder && ctx.tree.has(relJoin(ctx.dir, 'index.html')) && !prodScript) {
      draft.framework.push({
        value: 'static',
        confidence: 'low',
        reason: 'index.html beside a package.json without a server',
        evidence: [idx.evidence(file, 1)],
        priority: PRIORITY.convention,
      });
    }
  },
};
