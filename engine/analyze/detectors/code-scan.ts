/**
 * Pattern scans over source files shared by every language detector: listening ports, environment
 * variable reads and health routes. Patterns are per language; each hit becomes a candidate with the
 * line it was found on.
 */
import { PRIORITY } from '../draft.ts';
import type { Evidence, Language } from '../types.ts';
import { type DetectContext, ownedWith } from './context.ts';
import { matchAll } from '../evidence.ts';

interface PortPattern {
  re: RegExp;
  /** `high` for a literal the server binds; `medium` for a default behind an environment variable. */
  confidence: 'high' | 'medium';
  reason: string;
}

export interface LanguageScan {
  language: Language;
  exts: readonly string[];
  ports: readonly PortPattern[];
  env: readonly RegExp[];
}

const N = '(\\d{2,5})';

export const SCANS: Readonly<Record<string, LanguageScan>> = {
  node: {
    language: 'node',
    exts: ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx'],
    ports: [
      {
        re: new RegExp(`\\.listen\\(\\s*${N}\\b`),
        confidence: 'high',
        reason: 'listen() with a literal port',
      },
      {
        re: new RegExp(`\\.listen\\(\\s*\\{[^}]*\\bport:\\s*${N}\\b`),
        confidence: 'high',
        reason: 'listen({ port })',
      },
      {
        re: new RegExp(`process\\.env\\.PORT\\s*(?:\\|\\||\\?\\?)\\s*['"]?${N}\\b`),
        confidence: 'medium',
        reason: 'default of process.env.PORT',
      },
      {
        re: new RegExp(`\\b(?:const|let|var)\\s+port\\s*=\\s*${N}\\b`, 'i'),
        confidence: 'medium',
        reason: 'port variable',
      },
    ],
    env: [/process\.env\.([A-Z_][A-Z0-9_]*)/, /process\.env\[\s*['"`]([A-Z_][A-Z0-9_]*)['"`]\s*\]/],
  },
  python: {
    language: 'python',
    exts: ['.py'],
    ports: [
      {
        re: new RegExp(`\\.run\\([^)]*\\bport\\s*=\\s*${N}\\b`),
        confidence: 'high',
        reason: 'run(port=...)',
      },
      {
        re: new RegExp(`(?:os\\.environ\\.get|os\\.getenv)\\(\\s*['"]PORT['"]\\s*,\\s*['"]?${N}\\b`),
        confidence: 'medium',
        reason: 'default of the PORT variable',
      },
      {
        re: new RegExp(`^\\s*bind\\s*=\\s*['"][^'"]*:${N}['"]`, 'm'),
        confidence: 'high',
        reason: 'gunicorn bind',
      },
    ],
    env: [
      /os\.environ\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\]/,
      /os\.environ\.get\(\s*['"]([A-Z_][A-Z0-9_]*)['"]/,
      /os\.getenv\(\s*['"]([A-Z_][A-Z0-9_]*)['"]/,
      /\benv(?:\.\w+)?\(\s*['"]([A-Z_][A-Z0-9_]*)['"]/,
    ],
  },
  go: {
    language: 'go',
    exts: ['.go'],
    ports: [
      {
        re: new RegExp(`\\b(?:ListenAndServe|ListenAndServeTLS|Run|Start|Listen)\\(\\s*"[^"]*:${N}"`),
        confidence: 'high',
        reason: 'server started on a literal address',
      },
      { re: new RegExp(`\\bAddr:\\s*"[^"]*:${N}"`), confidence: 'high', reason: 'http.Server Addr' },
    ],
    env: [/os\.(?:Getenv|LookupEnv)\(\s*"([A-Z_][A-Z0-9_]*)"\s*\)/],
  },
  java: {
    language: 'java',
    exts: ['.java', '.kt'],
    ports: [],
    env: [/System\.getenv\(\s*"([A-Z_][A-Z0-9_]*)"\s*\)/],
  },
  ruby: {
    language: 'ruby',
    exts: ['.rb'],
    ports: [
      {
        re: new RegExp(`^\\s*port\\s+ENV\\.fetch\\(\\s*["']PORT["']\\s*\\)\\s*\\{\\s*${N}\\s*\\}`, 'm'),
        confidence: 'medium',
        reason: 'puma default of PORT',
      },
      { re: new RegExp(`^\\s*port\\s+${N}\\b`, 'm'), confidence: 'high', reason: 'puma port' },
    ],
    env: [/ENV\[\s*["']([A-Z_][A-Z0-9_]*)["']\s*\]/, /ENV\.fetch\(\s*["']([A-Z_][A-Z0-9_]*)["']/],
  },
  php: {
    language: 'php',
    exts: ['.php'],
    ports: [],
    env: [
      /\benv\(\s*['"]([A-Z_][A-Z0-9_]*)['"]/,
      /\bgetenv\(\s*['"]([A-Z_][A-Z0-9_]*)['"]/,
      /\$_(?:ENV|SERVER)\[\s*['"]([A-Z_][A-Z0-9_]*)['"]\s*\]/,
    ],
  },
  dotnet: {
    language: 'dotnet',
    exts: ['.cs'],
    ports: [
      {
        re: new RegExp(`\\b(?:Run|UseUrls)\\(\\s*\\$?"https?://[^"]*:${N}`),
        confidence: 'high',
        reason: 'Kestrel URL in code',
      },
    ],
    env: [/GetEnvironmentVariable\(\s*"([A-Z_][A-Z0-9_]*)"\s*\)/],
  },
  rust: {
    language: 'rust',
    exts: ['.rs'],
    ports: [
      {
        re: new RegExp(`\\bbind\\(\\s*"[^"]*:${N}"`),
        confidence: 'high',
        reason: 'bind() on a literal address',
      },
      {
        re: new RegExp(`\\bbind\\(\\s*\\(\\s*"[^"]*"\\s*,\\s*${N}\\s*\\)`),
        confidence: 'high',
        reason: 'bind((host, port))',
      },
      {
        re: new RegExp(`SocketAddr::from\\(\\s*\\(\\s*\\[[^\\]]*\\]\\s*,\\s*${N}\\s*\\)`),
        confidence: 'high',
        reason: 'SocketAddr literal',
      },
      {
        re: new RegExp(`env::var\\(\\s*"PORT"\\s*\\)[^;]*?unwrap_or[^;]*?${N}`),
        confidence: 'medium',
        reason: 'default of the PORT variable',
      },
    ],
    env: [/env::var(?:_os)?\(\s*"([A-Z_][A-Z0-9_]*)"\s*\)/],
  },
};

/** Health route names, most specific first; the index is the preference. */
const HEALTH_NAMES = ['healthz', 'health', 'healthcheck', '_health', 'livez', 'readyz', 'ready', 'ping'];
const HEALTH_RE = new RegExp(`['"\`](/?(?:api/)?(?:${HEALTH_NAMES.join('|')}))/?['"\`]`);
const ROUTE_HINT =
  /\b(get|route|handle|handlefunc|path|re_path|url|mapget|maphealthchecks|mapping|getmapping|requestmapping|use|all|head|router|app|r|e|mux)\b|@/i;

function validPort(n: number): boolean {
  return n >= 1 && n <= 65535;
}

/** Scan the owned source files of a language for ports, environment reads and health routes. */
export async function scanCode(ctx: DetectContext, scan: LanguageScan): Promise<void> {
  const { draft, tree } = ctx;
  for (const file of ownedWith(ctx, scan.exts)) {
    const idx = await tree.text(file, true);
    if (!idx) continue;
    for (const p of scan.ports) {
      for (const m of matchAll(idx, p.re)) {
        const port = Number(m.groups[1]);
        if (!validPort(port)) continue;
        draft.port.push({
          value: port,
          confidence: p.confidence,
          reason: p.reason,
          evidence: [idx.evidence(file, m.line)],
          priority: PRIORITY.code,
          language: scan.language,
        });
      }
    }
    for (const re of scan.env) {
      for (const m of matchAll(idx, re))
        draft.addEnv(m.groups[1]!, 'code', 'high', idx.evidence(file, m.line));
    }
    for (const m of matchAll(idx, HEALTH_RE)) {
      addHealth(
        ctx,
        m.groups[1]!,
        idx.evidence(file, m.line),
        scan.language,
        ROUTE_HINT.test(idx.lineText(m.line)),
      );
    }
  }
}

export function addHealth(
  ctx: DetectContext,
  route: string,
  evidence: Evidence,
  language: Language | undefined,
  routeLike: boolean,
): void {
  const path = `/${route.replace(/^\/+|\/+$/g, '')}`;
  const name = path.replace(/^\/(api\/)?/, '');
  const pref = HEALTH_NAMES.indexOf(name);
  ctx.draft.health.push({
    value: path,
    confidence: routeLike ? 'high' : 'medium',
    reason: routeLike ? 'route declared in code' : 'path literal in code',
    evidence: [evidence],
    priority: PRIORITY.code - (pref < 0 ? HEALTH_NAMES.length : pref),
    ...(language ? { language } : {}),
  });
}

/** Ports a start command binds: `--port 8000`, `-p 4000`, `--bind 0.0.0.0:8000`, `--urls http://*:5000`. */
export function portsInCommand(command: string): number[] {
  const out: number[] = [];
  const res = [
    /(?:--port|--http-port|-p)[=\s]+(\d{2,5})\b/g,
    /(?:--bind|-b|--listen|--urls|--server\.port)[=\s]+\S*?:(\d{2,5})\b/g,
    /\b(?:0\.0\.0\.0|localhost|127\.0\.0\.1|\[::\]):(\d{2,5})\b/g,
    /--server\.port=(\d{2,5})\b/g,
    /\bPORT=(\d{2,5})\b/g,
  ];
  for (const re of res) for (const m of command.matchAll(re)) out.push(Number(m[1]));
  return [...new Set(out)].filter(validPort);
}

/** A start command candidate, plus the ports it binds. */
export function addStart(
  ctx: DetectContext,
  command: string,
  opts: {
    confidence: 'high' | 'medium' | 'low';
    reason: string;
    evidence: Evidence;
    priority: number;
    language?: Language;
    /** Text to look for ports in when it differs from the command (e.g. the script `npm start` runs). */
    scanned?: string;
  },
): void {
  const lang = opts.language ? { language: opts.language } : {};
  ctx.draft.start.push({
    value: command,
    confidence: opts.confidence,
    reason: opts.reason,
    evidence: [opts.evidence],
    priority: opts.priority,
    ...lang,
  });
  // A port in a command the package states is explicit; a conventional command only repeats our default.
  if (opts.confidence !== 'high') return;
  for (const port of portsInCommand(opts.scanned ?? command)) {
    ctx.draft.port.push({
      value: port,
      confidence: 'high',
      reason: `port in the start command (${opts.reason})`,
      evidence: [opts.evidence],
      priority: opts.priority,
      ...lang,
    });
  }
}

/** A framework or ecosystem default port: nothing in the package states it. */
export function addDefaultPort(
  ctx: DetectContext,
  port: number,
  reason: string,
  evidence: Evidence,
  language?: Language,
): void {
  ctx.draft.port.push({
    value: port,
    confidence: 'low',
    reason,
    evidence: [evidence],
    priority: PRIORITY.convention,
    ...(language ? { language } : {}),
  });
}

/** The best port a package states (not a default), for building conventional start commands. */
export function statedPort(ctx: DetectContext, language: Language): number | undefined {
  const stated = ctx.draft.port.filter(
    (c) => c.confidence !== 'low' && (c.language ?? language) === language,
  );
  const order = { high: 2, medium: 1, low: 0 };
  stated.sort((a, b) => order[b.confidence] - order[a.confidence] || b.priority - a.priority);
  return stated[0]?.value;
}
