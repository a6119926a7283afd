/** Go: go.mod requirements, go.work workspaces; net/http, gin, echo, fiber, chi. */
import { dataServiceForPackage } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { baseName, dirOf, matchAll, relJoin } from '../evidence.ts';
import type { Evidence, Framework } from '../types.ts';
import { SCANS, addDefaultPort, addStart, scanCode } from './code-scan.ts';
import { type DetectContext, type Detector, ownedWith, readIn } from './context.ts';

const FRAMEWORKS: readonly [RegExp, Framework, number][] = [
  [/^github\.com\/gin-gonic\/gin$/, 'gin', 4],
  [/^github\.com\/labstack\/echo(\/v\d+)?$/, 'echo', 3],
  [/^github\.com\/gofiber\/fiber(\/v\d+)?$/, 'fiber', 3],
  [/^github\.com\/go-chi\/chi(\/v\d+)?$/, 'chi', 2],
];

interface Requirement {
  path: string;
  line: number;
}

function requirements(lines: readonly string[]): Requirement[] {
  const out: Requirement[] = [];
  let block = false;
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (/^require\s*\($/.test(line)) block = true;
    else if (block && line === ')') block = false;
    else if (block && line !== '') out.push({ path: line.split(/\s+/)[0]!, line: i + 1 });
    else {
      const m = /^require\s+(\S+)\s+\S+/.exec(line);
      if (m) out.push({ path: m[1]!, line: i + 1 });
    }
  }
  return out;
}

/** Directories of `package main` files, root-relative. */
async function mainPackages(ctx: DetectContext): Promise<{ dir: string; evidence: Evidence }[]> {
  const found = new Map<string, Evidence>();
  for (const file of ownedWith(ctx, ['.go'])) {
    if (file.endsWith('_test.go') || found.has(dirOf(file))) continue;
    const idx = await ctx.tree.text(file, true);
    const m = idx ? matchAll(idx, /^package main\s*$/m)[0] : undefined;
    if (idx && m && /func main\(\)/.test(idx.text)) found.set(dirOf(file), idx.evidence(file, m.line));
  }
  return [...found.entries()]
    .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : 1))
    .map(([dir, evidence]) => ({ dir, evidence }));
}

/** `port := os.Getenv("PORT")` followed within a few lines by a fallback literal. */
async function envPortDefaults(ctx: DetectContext): Promise<void> {
  for (const file of ownedWith(ctx, ['.go'])) {
    const idx = await ctx.tree.text(file, true);
    if (!idx) continue;
    for (const m of matchAll(idx, /os\.Getenv\(\s*"PORT"\s*\)/)) {
      for (let l = m.line; l <= Math.min(m.line + 5, idx.lines.length); l++) {
        const d = /=\s*"(?::)?(\d{2,5})"/.exec(idx.lineText(l));
        if (d) {
          ctx.draft.port.push({
            value: Number(d[1]),
            confidence: 'medium',
            reason: 'default of the PORT variable',
            evidence: [idx.evidence(file, l)],
            priority: PRIORITY.code,
            language: 'go',
          });
          break;
        }
      }
    }
  }
}

export const goDetector: Detector = {
  id: 'go',
  claims: (names) => names.includes('go.mod') || names.includes('go.work'),
  async detect(ctx) {
    const { draft } = ctx;
    const work = await readIn(ctx, 'go.work');
    if (work) {
      const members: string[] = [];
      for (const m of matchAll(work.idx, /^\s*(?:use\s+)?(\.\/?[\w./-]*)\s*$/m)) {
        const dir = relJoin(ctx.dir, m.groups[1]!.replace(/^\.\/?/, ''));
        if (ctx.tree.has(relJoin(dir, 'go.mod')) && dir !== ctx.dir) members.push(dir);
      }
      draft.workspace = {
        path: ctx.dir || '.',
        tool: 'go',
        members: members.sort(),
        evidence: [work.idx.evidence(work.file, 1)],
      };
    }
    const mod = await readIn(ctx, 'go.mod');
    if (!mod) return;
    draft.strong = true;
    const { file, idx } = mod;
    const moduleLine = idx.lines.findIndex((l) => /^module\s+\S+/.test(l));
    const modulePath =
      moduleLine >= 0 ? /^module\s+(\S+)/.exec(idx.lines[moduleLine]!)![1]! : baseName(ctx.dir);
    draft.language.push({
      value: 'go',
      confidence: 'high',
      reason: 'go.mod',
      evidence: [idx.evidence(file, moduleLine + 1 || 1)],
      priority: PRIORITY.manifest,
    });
    const binary = baseName(modulePath.replace(/\/v\d+$/, '')) || 'app';
    draft.names.push({
      value: binary,
      confidence: 'high',
      reason: 'go.mod module',
      evidence: [idx.evidence(file, moduleLine + 1 || 1)],
      priority: PRIORITY.manifest,
    });
    let framework = false;
    for (const req of requirements(idx.lines)) {
      for (const [re, fw, rank] of FRAMEWORKS) {
        if (!re.test(req.path)) continue;
        framework = true;
        draft.framework.push({
          value: fw,
          confidence: 'high',
          reason: `go.mod requires ${req.path}`,
          evidence: [idx.evidence(file, req.line)],
          priority: PRIORITY.manifest + rank,
        });
      }
      const kind =
        dataServiceForPackage('go', req.path) ?? dataServiceForPackage('go', req.path.replace(/\/v\d+$/, ''));
      if (kind)
        draft.addDep(kind, req.path, 'high', `go.mod requires ${req.path}`, [idx.evidence(file, req.line)]);
    }

    await scanCode(ctx, SCANS['go']!);
    await envPortDefaults(ctx);
    if (!framework) {
      for (const f of ownedWith(ctx, ['.go'])) {
        const text = await ctx.tree.text(f, true);
        const m = text
          ? matchAll(text, /\bhttp\.(?:ListenAndServe|ListenAndServeTLS|HandleFunc|NewServeMux)\(/)[0]
          : undefined;
        if (text && m) {
          draft.framework.push({
            value: 'net-http',
            confidence: 'high',
            reason: 'net/http server in code',
            evidence: [text.evidence(f, m.line)],
            priority: PRIORITY.code,
          });
          break;
        }
      }
    }
    for (const f of ownedWith(ctx, ['.go'])) {
      const text = await ctx.tree.text(f, true);
      const m = text ? matchAll(text, /\b\w+\.Run\(\s*\)/)[0] : undefined;
      if (text && m && /gin\.(Default|New)\(/.test(text.text)) {
        addDefaultPort(ctx, 8080, 'gin Run() default port', text.evidence(f, m.line), 'go');
        break;
      }
    }

    const mains = await mainPackages(ctx);
    const main = mains[0];
    if (main) {
      const pkg = main.dir === ctx.dir ? '.' : `./${main.dir.slice(ctx.dir === '' ? 0 : ctx.dir.length + 1)}`;
      draft.build.push({
        value: `go build -o bin/${binary} ${pkg}`,
        confidence: 'medium',
        reason: mains.length > 1 ? `first of ${mains.length} main packages` : 'main package',
        evidence: [main.evidence],
        priority: PRIORITY.convention,
        language: 'go',
      });
      addStart(ctx, `./bin/${binary}`, {
        confidence: mains.length > 1 ? 'low' : 'medium',
        reason: 'binary built from the main package',
        evidence: main.evidence,
        priority: PRIORITY.convention,
        language: 'go',
      });
    }
    addDefaultPort(ctx, 8080, 'common Go convention', idx.evidence(file, moduleLine + 1 || 1), 'go');
  },
};
