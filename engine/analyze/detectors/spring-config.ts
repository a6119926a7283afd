/** Spring Boot configuration files: server.port, datasource URLs, environment placeholders. */
import { dataServiceForUrl } from '../data-services.ts';
import { PRIORITY } from '../draft.ts';
import { matchAll } from '../evidence.ts';
import type { DataServiceKind } from '../types.ts';
import type { DetectContext } from './context.ts';

const CONFIG_RE = /(^|\/)src\/main\/resources\/application(-[\w]+)?\.(properties|ya?ml)$/;

/** Property prefixes that mean a data service is configured. */
const PROPERTY_KINDS: readonly [RegExp, DataServiceKind][] = [
  [/^\s*spring\.(?:data\.)?redis\.|^\s*redis:/, 'redis'],
  [/^\s*spring\.kafka\.|^\s*kafka:/, 'kafka'],
  [/^\s*spring\.rabbitmq\.|^\s*rabbitmq:/, 'rabbitmq'],
  [/^\s*spring\.(?:data\.)?mongodb\.|^\s*mongodb:/, 'mongodb'],
  [/^\s*spring\.elasticsearch\./, 'elasticsearch'],
];

/** The `port:` line of a top-level `server:` block in YAML, by indentation. */
function yamlServerPort(lines: readonly string[]): { line: number; value: string } | undefined {
  let inServer = false;
  for (const [i, l] of lines.entries()) {
    if (/^server:\s*$/.test(l)) inServer = true;
    else if (/^\S/.test(l)) inServer = false;
    else if (inServer) {
      const m = /^\s+port:\s*(.+?)\s*$/.exec(l);
      if (m) return { line: i + 1, value: m[1]!.replace(/^["']|["']$/g, '') };
    }
  }
  return undefined;
}

export async function springConfig(ctx: DetectContext): Promise<void> {
  const files = ctx.files
    .filter((f) => CONFIG_RE.test(f))
    .sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  for (const file of files) {
    const idx = await ctx.tree.text(file);
    if (!idx) continue;
    const profile = /application-/.test(file);
    let port: { line: number; value: string } | undefined;
    if (file.endsWith('.properties')) {
      const m = matchAll(idx, /^\s*server\.port\s*[=:]\s*(\S+)\s*$/m)[0];
      if (m) port = { line: m.line, value: m.groups[1]! };
    } else port = yamlServerPort(idx.lines);
    if (port) {
      const literal = /^(\d{2,5})$/.exec(port.value);
      const fallback = /^\$\{(\w+):(\d{2,5})\}$/.exec(port.value);
      if (literal || fallback) {
        ctx.draft.port.push({
          value: Number(literal ? literal[1] : fallback![2]),
          confidence: profile ? 'low' : literal ? 'high' : 'medium',
          reason: literal ? 'server.port' : `server.port default of ${fallback![1]!}`,
          evidence: [idx.evidence(file, port.line)],
          priority: PRIORITY.config,
          language: 'java',
        });
      }
    }
    for (const m of matchAll(idx, /^.*\burl\s*[=:]\s*(jdbc:\S+|r2dbc:\S+|mongodb:\S+|redis:\S+)/m)) {
      const kind = dataServiceForUrl(m.groups[1]!.replace(/^r2dbc:/, ''));
      if (kind)
        ctx.draft.addDep(kind, 'spring configuration', 'high', 'connection URL in Spring configuration', [
          idx.evidence(file, m.line),
        ]);
    }
    for (const [i, l] of idx.lines.entries()) {
      for (const [re, kind] of PROPERTY_KINDS) {
        if (re.test(l))
          ctx.draft.addDep(kind, 'spring configuration', 'medium', 'Spring configuration property', [
            idx.evidence(file, i + 1),
          ]);
      }
    }
    for (const m of matchAll(idx, /\$\{([A-Z][A-Z0-9_]*)(?::[^}]*)?\}/)) {
      ctx.draft.addEnv(m.groups[1]!, 'config', 'high', idx.evidence(file, m.line));
    }
  }
}
