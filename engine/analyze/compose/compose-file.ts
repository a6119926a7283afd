/**
 * Reads a Compose file into plain data with lines, the way kompose reads one: each service with its
 * image or build, ports, environment (names), depends_on, volumes, command and healthcheck. Syntax errors
 * (with line and column) and shape errors are problems; nothing throws.
 */
import { type Node, LineCounter, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Problem } from '../../api/problem.ts';
import { type LineIndex, problem } from '../evidence.ts';
import type { ComposeVolume, Evidence } from '../types.ts';

export interface ComposePort {
  target: number;
  published?: string;
  evidence: Evidence;
}

export interface ComposeService {
  name: string;
  evidence: Evidence;
  image?: { value: string; evidence: Evidence };
  build?: { context: string; dockerfile?: string; evidence: Evidence };
  ports: ComposePort[];
  expose: ComposePort[];
  environment: { name: string; value?: string; evidence: Evidence }[];
  envFiles: string[];
  dependsOn: { name: string; evidence: Evidence }[];
  volumes: ComposeVolume[];
  command?: { value: string; evidence: Evidence };
  healthcheck?: { value: string; evidence: Evidence };
}

export interface ComposeFile {
  file: string;
  services: ComposeService[];
}

/** `${VAR:-default}` and `${VAR-default}` become their default; other variables become empty. */
function interpolate(s: string): string {
  return s.replace(/\$\{\w+(?::?-([^}]*))?\}/g, (_, d: string | undefined) => d ?? '').replace(/\$\w+/g, '');
}

function scalarText(n: unknown): string | undefined {
  if (!isScalar(n)) return undefined;
  const v = n.value;
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function commandText(n: unknown): string | undefined {
  if (isSeq(n)) {
    const parts = n.items.map(scalarText);
    return parts.every((p) => p !== undefined)
      ? parts.map((p) => (/\s/.test(p) ? JSON.stringify(p) : p)).join(' ')
      : undefined;
  }
  return scalarText(n);
}

/** Short port syntax: `[ip:][published:]target[/proto]`; ranges use their first port. */
function shortPort(s: string): { target: number; published?: string } | undefined {
  const noProto = interpolate(s).replace(/\/(tcp|udp|sctp)$/, '');
  const parts = noProto.split(':');
  const target = Number(parts[parts.length - 1]!.split('-')[0]);
  if (!Number.isInteger(target) || target < 1 || target > 65535) return undefined;
  const published = parts.length > 1 ? parts[parts.length - 2] : undefined;
  return published ? { target, published } : { target };
}

function shortVolume(s: string, evidence: Evidence): ComposeVolume {
  const parts = s.split(':');
  if (parts.length === 1) return { target: parts[0]!, type: 'anonymous', evidence: [evidence] };
  const source = parts[0]!;
  const bind = /^[./~]/.test(source) || source.startsWith('$');
  return { source, target: parts[1]!, type: bind ? 'bind' : 'volume', evidence: [evidence] };
}

export function readComposeFile(file: string, idx: LineIndex, problems: Problem[]): ComposeFile | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(idx.text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      problems.push(
        problem(
          'analyze.compose.syntax',
          'Fatal',
          `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          {
            file,
            line: pos?.line,
            column: pos?.col,
          },
        ),
      );
    }
    return undefined;
  }
  const ev = (n: Node | null | undefined): Evidence => {
    const offset = n?.range?.[0] ?? 0;
    return idx.evidence(file, lc.linePos(offset).line);
  };
  const shape = (path: string, message: string, n: Node | null | undefined): void => {
    const line = lc.linePos(n?.range?.[0] ?? 0);
    problems.push(
      problem('analyze.compose.shape', 'Fatal', message, { file, line: line.line, column: line.col, path }),
    );
  };
  const root = doc.contents;
  if (!isMap(root)) {
    shape('', 'a Compose file must be a mapping with a "services" key', root);
    return undefined;
  }
  const services = root.get('services', true);
  if (!isMap(services)) {
    shape(
      'services',
      services === undefined ? 'no "services" key' : '"services" must be a mapping of service names',
      services ?? root,
    );
    return undefined;
  }
  const out: ComposeFile = { file, services: [] };
  for (const pair of services.items) {
    const name = scalarText(pair.key);
    const body = pair.value;
    if (name === undefined) continue;
    const path = `services.${name}`;
    if (!isMap(body)) {
      shape(path, `service "${name}" must be a mapping`, (body as Node | null) ?? (pair.key as Node));
      continue;
    }
    const svc: ComposeService = {
      name,
      evidence: ev(pair.key as Node),
      ports: [],
      expose: [],
      environment: [],
      envFiles: [],
      dependsOn: [],
      volumes: [],
    };
    const get = (k: string): Node | undefined => body.get(k, true);
    const image = scalarText(get('image'));
    if (image !== undefined) svc.image = { value: image, evidence: ev(get('image')) };
    const build = get('build');
    if (build !== undefined) {
      const context = isMap(build) ? (scalarText(build.get('context', true)) ?? '.') : scalarText(build);
      const dockerfile = isMap(build) ? scalarText(build.get('dockerfile', true)) : undefined;
      if (context === undefined)
        shape(`${path}.build`, 'build must be a path or a mapping with "context"', build);
      else
        svc.build = {
          context: interpolate(context),
          ...(dockerfile ? { dockerfile } : {}),
          evidence: ev(build),
        };
    }
    if (svc.image === undefined && svc.build === undefined)
      shape(path, `service "${name}" has neither "image" nor "build"`, pair.key as Node);
    for (const [key, list] of [
      ['ports', svc.ports],
      ['expose', svc.expose],
    ] as const) {
      const n = get(key);
      if (n === undefined) continue;
      if (!isSeq(n)) {
        shape(`${path}.${key}`, `${key} must be a list`, n);
        continue;
      }
      for (const item of n.items as Node[]) {
        let port: { target: number; published?: string } | undefined;
        if (isMap(item)) {
          const t = Number(scalarText(item.get('target', true)));
          const p = scalarText(item.get('published', true));
          if (Number.isInteger(t) && t > 0) port = p ? { target: t, published: p } : { target: t };
        } else {
          const s = scalarText(item);
          port = s === undefined ? undefined : shortPort(s);
        }
        if (port) list.push({ ...port, evidence: ev(item) });
        else shape(`${path}.${key}`, `cannot read port ${JSON.stringify(scalarText(item) ?? '')}`, item);
      }
    }
    const env = get('environment');
    if (isMap(env)) {
      for (const p of env.items) {
        const k = scalarText(p.key);
        const v = scalarText(p.value);
        if (k !== undefined)
          svc.environment.push({
            name: k,
            ...(v !== undefined ? { value: v } : {}),
            evidence: ev(p.key as Node),
          });
      }
    } else if (isSeq(env)) {
      for (const item of env.items as Node[]) {
        const s = scalarText(item);
        const m = s === undefined ? null : /^([^=]+?)(?:=(.*))?$/.exec(s);
        if (m)
          svc.environment.push({
            name: m[1]!,
            ...(m[2] !== undefined ? { value: m[2] } : {}),
            evidence: ev(item),
          });
      }
    } else if (env !== undefined)
      shape(`${path}.environment`, 'environment must be a mapping or a list', env);
    const envFile = get('env_file');
    for (const item of isSeq(envFile) ? (envFile.items as Node[]) : envFile ? [envFile] : []) {
      const s = isMap(item) ? scalarText(item.get('path', true)) : scalarText(item);
      if (s !== undefined) svc.envFiles.push(s);
    }
    const deps = get('depends_on');
    if (isSeq(deps)) {
      for (const item of deps.items as Node[]) {
        const s = scalarText(item);
        if (s !== undefined) svc.dependsOn.push({ name: s, evidence: ev(item) });
      }
    } else if (isMap(deps)) {
      for (const p of deps.items) {
        const s = scalarText(p.key);
        if (s !== undefined) svc.dependsOn.push({ name: s, evidence: ev(p.key as Node) });
      }
    } else if (deps !== undefined)
      shape(`${path}.depends_on`, 'depends_on must be a list or a mapping', deps);
    const volumes = get('volumes');
    if (isSeq(volumes)) {
      for (const item of volumes.items as Node[]) {
        const s = scalarText(item);
        if (s !== undefined) svc.volumes.push(shortVolume(s, ev(item)));
        else if (isMap(item)) {
          const target = scalarText(item.get('target', true));
          const source = scalarText(item.get('source', true));
          const type =
            scalarText(item.get('type', true)) === 'bind' ? 'bind' : source ? 'volume' : 'anonymous';
          if (target) svc.volumes.push({ ...(source ? { source } : {}), target, type, evidence: [ev(item)] });
        }
      }
    }
    const entrypoint = commandText(get('entrypoint'));
    const command = commandText(get('command'));
    const cmd = [entrypoint, command].filter((x) => x !== undefined).join(' ');
    if (cmd !== '') svc.command = { value: cmd, evidence: ev(get('entrypoint') ?? get('command')) };
    const hc = get('healthcheck');
    if (isMap(hc)) {
      const test = commandText(hc.get('test', true));
      if (test !== undefined) svc.healthcheck = { value: test, evidence: ev(hc.get('test', true)) };
    }
    out.services.push(svc);
  }
  return out;
}
