/** Dockerfiles: base images, EXPOSE, CMD/ENTRYPOINT, USER, ENV, HEALTHCHECK of the final stage. */
import { PRIORITY, type ServiceDraft } from '../draft.ts';
import type { LineIndex } from '../evidence.ts';
import type { DockerfileFacts, Evidence, Fact, Language } from '../types.ts';
import { type DetectContext, type Detector, readIn } from './context.ts';
import { addStart } from './code-scan.ts';

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined; `line` is where each starts. */
function instructions(idx: LineIndex): Instruction[] {
  const out: Instruction[] = [];
  let current: Instruction | undefined;
  for (const [i, raw] of idx.lines.entries()) {
    const line = raw.trim();
    if (current === undefined && (line === '' || line.startsWith('#'))) continue;
    if (current !== undefined && line.startsWith('#')) continue;
    const text = line.endsWith('\\') ? line.slice(0, -1).trimEnd() : line;
    if (current === undefined) {
      const m = /^(\w+)\s*(.*)$/.exec(text);
      if (!m) continue;
      current = { op: m[1]!.toUpperCase(), args: m[2]!, line: i + 1 };
    } else current.args += ` ${text}`;
    if (!line.endsWith('\\')) {
      current.args = current.args.trim();
      out.push(current);
      current = undefined;
    }
  }
  if (current) out.push(current);
  return out;
}

/** Exec form (`["a", "b"]`) or shell form, as one command line. */
function commandOf(args: string): string {
  if (args.startsWith('[')) {
    try {
      const parts = JSON.parse(args) as unknown;
      if (Array.isArray(parts) && parts.every((p) => typeof p === 'string')) {
        return parts.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ');
      }
    } catch {
      // fall through to the shell form
    }
  }
  return args;
}

/** `KEY=value KEY2=value2` or the legacy `KEY value` form. */
function envPairs(args: string): [string, string][] {
  if (!/^\w+=/.test(args)) {
    const m = /^(\w+)\s+(.*)$/.exec(args);
    return m ? [[m[1]!, m[2]!]] : [];
  }
  return [...args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)].map((m) => [
    m[1]!,
    m[2]!.replace(/^["']|["']$/g, ''),
  ]);
}

const IMAGE_LANGUAGE: readonly [RegExp, Language][] = [
  [/(^|\/)node(:|$)/, 'node'],
  [/(^|\/)(python|pypy)(:|$)/, 'python'],
  [/(^|\/)golang(:|$)/, 'go'],
  [/(^|\/)(eclipse-temurin|openjdk|amazoncorretto|maven|gradle)(:|$)/, 'java'],
  [/(^|\/)ruby(:|$)/, 'ruby'],
  [/(^|\/)(php|composer)(:|$)/, 'php'],
  [/dotnet\/(sdk|aspnet|runtime)/, 'dotnet'],
  [/(^|\/)rust(:|$)/, 'rust'],
];

export interface ParsedDockerfile {
  facts: DockerfileFacts;
  env: { name: string; value: string; evidence: Evidence }[];
  ports: { port: number; evidence: Evidence; reason: string }[];
  start?: { command: string; evidence: Evidence };
  healthPath?: { path: string; evidence: Evidence };
  language?: { value: Language; evidence: Evidence };
}

export function parseDockerfile(file: string, idx: LineIndex): ParsedDockerfile {
  const all = instructions(idx);
  const stages = all.filter((i) => i.op === 'FROM');
  const lastFrom = stages[stages.length - 1];
  const final = lastFrom ? all.filter((i) => i.line >= lastFrom.line) : all;
  const ev = (i: Instruction): Evidence => idx.evidence(file, i.line);
  const fact = (value: string, reason: string, i: Instruction): Fact<string> => ({
    value,
    confidence: 'high',
    reason,
    evidence: [ev(i)],
  });
  const images = stages.map((s) => s.args.replace(/^--platform=\S+\s+/, '').split(/\s+/)[0]!);
  const facts: DockerfileFacts = { path: file, stages: images, exposes: [] };
  const parsed: ParsedDockerfile = { facts, env: [], ports: [] };
  if (lastFrom) facts.baseImage = fact(images[images.length - 1]!, 'final stage FROM', lastFrom);
  for (const [n, image] of images.entries()) {
    const lang = IMAGE_LANGUAGE.find(([re]) => re.test(image));
    if (lang && !parsed.language) parsed.language = { value: lang[1], evidence: ev(stages[n]!) };
  }
  const vars = new Map<string, string>();
  for (const i of all) {
    if (i.op === 'ARG') {
      const m = /^(\w+)=(\S+)/.exec(i.args);
      if (m) vars.set(m[1]!, m[2]!.replace(/^["']|["']$/g, ''));
    }
  }
  let cmd: Instruction | undefined;
  let entrypoint: Instruction | undefined;
  for (const i of final) {
    if (i.op === 'ENV') {
      for (const [name, value] of envPairs(i.args)) {
        vars.set(name, value);
        parsed.env.push({ name, value, evidence: ev(i) });
        const port =
          name === 'PORT' || name === 'ASPNETCORE_HTTP_PORTS'
            ? /^(\d{2,5})$/.exec(value)
            : /:(\d{2,5})\b/.exec(value);
        if (port && ['PORT', 'ASPNETCORE_HTTP_PORTS', 'ASPNETCORE_URLS'].includes(name)) {
          parsed.ports.push({ port: Number(port[1]), evidence: ev(i), reason: `Dockerfile ENV ${name}` });
        }
      }
    } else if (i.op === 'EXPOSE') {
      for (const tok of i.args.split(/\s+/)) {
        const resolved = tok.replace(/\$\{?(\w+)\}?/g, (_, v: string) => vars.get(v) ?? '');
        const m = /^(\d{1,5})(\/tcp)?$/.exec(resolved);
        if (m) {
          facts.exposes.push(Number(m[1]));
          if (facts.exposes.length === 1)
            parsed.ports.push({ port: Number(m[1]), evidence: ev(i), reason: 'Dockerfile EXPOSE' });
        }
      }
    } else if (i.op === 'CMD') cmd = i;
    else if (i.op === 'ENTRYPOINT') entrypoint = i;
    else if (i.op === 'USER') facts.user = fact(i.args, 'USER instruction', i);
    else if (i.op === 'HEALTHCHECK' && !/^NONE$/i.test(i.args)) {
      facts.healthcheck = fact(i.args.replace(/^.*?\bCMD\s+/i, ''), 'HEALTHCHECK instruction', i);
      const url = /https?:\/\/[^/\s"']+(\/[^\s"'|;&]*)/.exec(i.args);
      if (url && url[1] !== '/') parsed.healthPath = { path: url[1]!, evidence: ev(i) };
    }
  }
  if (cmd) facts.cmd = fact(commandOf(cmd.args), 'CMD instruction', cmd);
  if (entrypoint) facts.entrypoint = fact(commandOf(entrypoint.args), 'ENTRYPOINT instruction', entrypoint);
  const command = [facts.entrypoint?.value, facts.cmd?.value].filter((x) => x !== undefined).join(' ');
  const at = entrypoint ?? cmd;
  if (command !== '' && at) parsed.start = { command, evidence: ev(at) };
  return parsed;
}

/** Put what a Dockerfile says into a draft, at Dockerfile precedence. */
export function applyDockerfile(ctx: DetectContext, draft: ServiceDraft, parsed: ParsedDockerfile): void {
  draft.dockerfile = parsed.facts;
  for (const e of parsed.env) draft.addEnv(e.name, 'dockerfile', 'high', e.evidence);
  for (const p of parsed.ports) {
    draft.port.push({
      value: p.port,
      confidence: 'high',
      reason: p.reason,
      evidence: [p.evidence],
      priority: PRIORITY.dockerfile,
    });
  }
  if (parsed.start) {
    addStart({ ...ctx, draft }, parsed.start.command, {
      confidence: 'high',
      reason: 'Dockerfile CMD/ENTRYPOINT',
      evidence: parsed.start.evidence,
      priority: PRIORITY.dockerfile,
    });
  }
  if (parsed.healthPath) {
    draft.health.push({
      value: parsed.healthPath.path,
      confidence: 'high',
      reason: 'Dockerfile HEALTHCHECK',
      evidence: [parsed.healthPath.evidence],
      priority: PRIORITY.dockerfile,
    });
  }
  if (parsed.language) {
    draft.language.push({
      value: parsed.language.value,
      confidence: 'low',
      reason: 'Dockerfile base image',
      evidence: [parsed.language.evidence],
      priority: PRIORITY.dockerfile,
    });
  }
}

export const dockerfileDetector: Detector = {
  id: 'dockerfile',
  claims: (names) => names.includes('Dockerfile'),
  async detect(ctx) {
    const read = await readIn(ctx, 'Dockerfile');
    if (read) applyDockerfile(ctx, ctx.draft, parseDockerfile(read.file, read.idx));
  },
};
