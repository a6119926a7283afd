/**
 * What `kubify analyze`, `init` and `deploy` share: the package folder the user named, its analysis, the
 * claims generated from it and the packs that validate them.
 */
import { basename } from 'node:path';
import { analyze, dnsLabel, hasFatal } from '../../analyze/index.ts';
import type { AnalysisReport } from '../../analyze/index.ts';
import type { PackIndex } from '../../analyze/claims/index.ts';
import type { CompiledComposition } from '../../compose/compiled.ts';
import type { CliIo } from '../context.ts';
import { CliError, UsageError } from '../context.ts';
import { absolutePath, displayPath, pathKind } from './files.ts';
import { compileLoaded, findPackFor } from './packs.ts';

export interface SourceDir {
  absolute: string;
  /** As shown to the user (relative to the working directory when inside it). */
  display: string;
  /** The `kubify.io/source` label value. */
  source: string;
}

/** The folder the user named; a path that does not exist or is a file is a usage error (exit 2). */
export function sourceDir(io: CliIo, dir: string): SourceDir {
  const absolute = absolutePath(io, dir);
  const display = displayPath(io, absolute);
  const kind = pathKind(absolute);
  if (kind === 'missing') throw new UsageError(`no such directory: ${display}`);
  if (kind === 'file')
    throw new UsageError(`not a directory: ${display} (give the folder that holds the package)`);
  return { absolute, display, source: dnsLabel(basename(absolute)) };
}

/** Analyses the folder; problem files are relative to it and the report's root is what the user typed. */
export async function analyzeSource(dir: SourceDir): Promise<AnalysisReport> {
  const report = await analyze(dir.absolute);
  return {
    ...report,
    root: dir.display,
    problems: report.problems.map((p) => (p.file === dir.absolute ? { ...p, file: dir.display } : p)),
  };
}

export { hasFatal };

export const CLAIM_APIS: readonly [string, string][] = [
  ['apps.kubify.io/v1alpha1', 'App'],
  ['apps.kubify.io/v1alpha1', 'Build'],
  ['data.kubify.io/v1alpha1', 'PostgreSQL'],
  ['data.kubify.io/v1alpha1', 'Redis'],
];

/** The packs of the claims kubify generates (from the pack search path), compiled. */
export async function claimPackIndex(io: CliIo): Promise<PackIndex> {
  const index = new Map<string, CompiledComposition>();
  for (const [apiVersion, kind] of CLAIM_APIS) {
    const loaded = await findPackFor(io, apiVersion, kind);
    if (!loaded) throw new CliError(`no pack serves ${apiVersion} ${kind}: check $KUBIFY_COMPOSITIONS`);
    const pack = compileLoaded(loaded);
    if (!pack.compiled)
      throw new CliError(`pack ${loaded.display} does not compile: run kubify validate ${loaded.display}`);
    index.set(`${apiVersion} ${kind}`, pack.compiled);
  }
  return index;
}

/** `--image web=ghcr.io/a/web:1` (repeatable) -> `{web: ...}`; a single service may omit `name=`. */
export function parseAssignments(
  values: readonly string[],
  flag: string,
  services: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    const looksNamed = eq > 0 && /^[a-z0-9-]+$/.test(v.slice(0, eq));
    let name: string;
    let value: string;
    if (looksNamed) {
      name = v.slice(0, eq);
      value = v.slice(eq + 1);
    } else if (services.length === 1) {
      name = services[0]!;
      value = v;
    } else
      throw new UsageError(
        `${flag} ${v}: name the service (${flag} <service>=<value>), one of: ${services.join(', ')}`,
      );
    if (!services.includes(name))
      throw new UsageError(`${flag} ${v}: no service "${name}" (services: ${services.join(', ')})`);
    out[name] = value;
  }
  return out;
}

/** `--port web=3000` / `--port worker=none`. */
export function parsePorts(
  values: readonly string[],
  services: readonly string[],
): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [name, text] of Object.entries(parseAssignments(values, '--port', services))) {
    const port = parsePort(text);
    if (port === undefined) throw new UsageError(`--port ${name}=${text}: give a port 1-65535 or "none"`);
    out[name] = port;
  }
  return out;
}

export function parsePort(text: string): number | null | undefined {
  if (text === 'none') return null;
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : undefined;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
