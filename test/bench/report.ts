/** Scenario results: tables for the terminal and BENCHMARKS.md, goals with met / not met, raw data for JSON. */

export interface Table {
  title?: string;
  columns: string[];
  rows: string[][];
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  /** undefined: not measured in this run (e.g. a size only the full run takes). */
  met: boolean | undefined;
}

export interface ScenarioResult {
  name: string;
  title: string;
  durationMs: number;
  tables: Table[];
  goals: Goal[];
  notes: string[];
  data: unknown;
  error?: string;
}

export function metText(met: boolean | undefined): string {
  return met === undefined ? 'n/a' : met ? 'MET' : 'NOT MET';
}

export function goalsTable(goals: readonly Goal[]): Table {
  return {
    title: 'Goals (issue 8)',
    columns: ['goal', 'target', 'measured', 'result'],
    rows: goals.map((g) => [g.goal, g.target, g.measured, metText(g.met)]),
  };
}

/** A plain-text table with aligned columns (also valid Markdown when `markdown`). */
export function formatTable(table: Table, markdown = false): string {
  const widths = table.columns.map((c, i) =>
    Math.max(c.length, ...table.rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    markdown
      ? `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`
      : cells
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd();
  const out: string[] = [];
  if (table.title) out.push(markdown ? `**${table.title}**\n` : `  ${table.title}`);
  out.push(line(table.columns));
  out.push(
    markdown
      ? `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`
      : widths.map((w) => '-'.repeat(w)).join('  '),
  );
  for (const row of table.rows) out.push(line(row));
  return out.map((l) => (markdown ? l : `  ${l}`)).join('\n');
}

export function formatScenario(result: ScenarioResult, markdown = false): string {
  const parts: string[] = [];
  const head = `${result.title} (${(result.durationMs / 1000).toFixed(1)} s)`;
  parts.push(markdown ? `### ${head}` : `\n== ${head}`);
  if (result.error) parts.push(markdown ? `**FAILED**: ${result.error}` : `  FAILED: ${result.error}`);
  for (const t of result.tables) parts.push(formatTable(t, markdown));
  if (result.goals.length) parts.push(formatTable(goalsTable(result.goals), markdown));
  for (const n of result.notes) parts.push(markdown ? `- ${n}` : `  note: ${n}`);
  return parts.join('\n\n');
}
