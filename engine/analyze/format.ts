/** Human and JSON renderings of an `AnalysisReport`. Both are deterministic. */
import { formatProblem } from '../api/problem.ts';
import type { AnalysisReport, Evidence, Fact, ServiceFacts } from './types.ts';

function table(rows: readonly (readonly string[])[], indent = ''): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) =>
    (indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).trimEnd(),
  );
}

function where(e: readonly Evidence[]): string {
  const first = e[0];
  if (!first) return '';
  const more = e.length > 1 ? ` (+${e.length - 1})` : '';
  return `${first.file}:${first.line}${more}`;
}

function factRow(label: string, f: Fact<string | number> | undefined, extra = ''): string[] | undefined {
  if (!f) return undefined;
  return [label, `${String(f.value)}${extra}`, f.confidence, where(f.evidence), f.reason];
}

function dash(v: string | number | undefined): string {
  return v === undefined || v === '' ? '-' : String(v);
}

function serviceDetail(s: ServiceFacts): string[] {
  const rows: (string[] | undefined)[] = [
    factRow('language', s.language),
    factRow('framework', s.framework),
    factRow('port', s.port),
    factRow('start', s.startCommand),
    factRow('build', s.buildCommand),
    factRow('static dir', s.staticDir),
    factRow('health', s.healthPath),
    factRow('image', s.image),
    factRow('context', s.buildContext),
  ];
  for (const d of s.dependencies) {
    rows.push(['dependency', `${d.kind} (${d.via.join(', ')})`, d.confidence, where(d.evidence), d.reason]);
  }
  for (const p of s.processes)
    rows.push(['process', `${p.name}: ${p.command}`, '', where(p.evidence), 'Procfile']);
  if (s.dockerfile) {
    const df = s.dockerfile;
    const bits = [
      df.baseImage ? `FROM ${df.baseImage.value}` : '',
      df.user ? `USER ${df.user.value}` : 'no USER',
    ];
    if (df.exposes.length > 0) bits.push(`EXPOSE ${df.exposes.join(' ')}`);
    rows.push([
      'dockerfile',
      df.path,
      '',
      where(df.baseImage?.evidence ?? []),
      bits.filter((b) => b).join(', '),
    ]);
  }
  if (s.compose) {
    const c = s.compose;
    const bits = [
      c.ports.length > 0 ? `ports ${c.ports.join(' ')}` : '',
      c.dependsOn.length > 0 ? `depends_on ${c.dependsOn.join(' ')}` : '',
    ];
    if (c.volumes.length > 0) bits.push(`volumes ${c.volumes.map((v) => v.target).join(' ')}`);
    rows.push([
      'compose',
      `${c.file} service ${c.service}`,
      '',
      where(c.evidence),
      bits.filter((b) => b).join(', '),
    ]);
  }
  if (s.helmChart)
    rows.push([
      'helm chart',
      `${s.helmChart.name} (${s.helmChart.path})`,
      '',
      where(s.helmChart.evidence),
      '',
    ]);
  if (s.kustomization)
    rows.push(['kustomize', s.kustomization.path, '', where(s.kustomization.evidence), '']);
  const present = rows.filter((r): r is string[] => r !== undefined);
  const out = table(present, '  ');
  if (s.env.length > 0) {
    // After the table: a long list of names must not widen its columns.
    const width = Math.max(...present.map((r) => r[0]!.length), 'env'.length);
    const names = s.env.map((e) => (e.secret ? `${e.name} (secret)` : e.name));
    out.push(`  ${'env'.padEnd(width)}  ${names.join(', ')}`);
  }
  return out;
}

/** A readable report: a summary table, one block per service with evidence, then problems. */
export function formatReport(report: AnalysisReport): string {
  const lines: string[] = [];
  const n = report.services.length;
  lines.push(`Analysis of ${report.root}: ${n} service${n === 1 ? '' : 's'}`);
  if (n > 0) {
    lines.push('');
    const header = ['SERVICE', 'PATH', 'LANGUAGE', 'FRAMEWORK', 'PORT', 'START', 'HEALTH', 'DEPENDENCIES'];
    const rows = report.services.map((s) => [
      s.name,
      s.path,
      dash(s.language?.value),
      dash(s.framework?.value),
      dash(s.port?.value),
      dash(s.startCommand?.value),
      dash(s.healthPath?.value),
      dash(s.dependencies.map((d) => d.kind).join(', ')),
    ]);
    lines.push(...table([header, ...rows]));
    for (const s of report.services) {
      lines.push('', `${s.name} (${s.path})`, ...serviceDetail(s));
    }
  }
  if (report.workspaces.length > 0) {
    lines.push('', 'Workspaces');
    lines.push(
      ...table(
        report.workspaces.map((w) => [w.tool, w.path, `members: ${w.members.join(', ') || '-'}`]),
        '  ',
      ),
    );
  }
  if (report.problems.length > 0) {
    lines.push('', 'Problems');
    for (const p of report.problems)
      lines.push(`  ${(p.severity ?? 'Warning').padEnd(7)}  ${formatProblem(p)}`);
  }
  return `${lines.join('\n')}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

/** Stable JSON: keys sorted at every level, arrays in the report's own (sorted) order. */
export function reportToJson(report: AnalysisReport): string {
  return `${JSON.stringify(sortKeys(report), null, 2)}\n`;
}

/** Whether the report has a Fatal problem (the analysis could not be completed). */
export function hasFatal(report: AnalysisReport): boolean {
  return report.problems.some((p) => p.severity === 'Fatal');
}
