/**
 * A deliberately small TOML reader for the few keys the analyser needs from `Cargo.toml`,
 * `pyproject.toml`, `Pipfile` and `Rocket.toml`: table headers, `key = value` pairs with their line, and
 * the string elements of (possibly multi-line) arrays with their lines. It does not evaluate values and
 * never throws; what it cannot read it skips.
 */

export interface TomlString {
  value: string;
  line: number;
}

export interface TomlEntry {
  /** Dotted table name, e.g. `tool.poetry.dependencies`; `''` at the top. */
  table: string;
  /** Key, dotted keys joined with `.`, quotes removed. */
  key: string;
  /** The raw value text (multi-line values joined with `\n`). */
  raw: string;
  /** The value when it is a plain string. */
  string?: string;
  /** String elements found in the value (arrays, inline tables), with their lines. */
  strings: TomlString[];
  line: number;
}

const STRING_RE = /"((?:[^"\\]|\\.)*)"|'([^']*)'/g;

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

function unquoteKey(k: string): string {
  return k
    .split('.')
    .map((p) => p.trim().replace(/^["'](.*)["']$/, '$1'))
    .join('.');
}

function depth(text: string): number {
  let d = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') d++;
    else if (c === ']' || c === '}') d--;
  }
  return d;
}

function stringsOf(text: string, line: number): TomlString[] {
  const out: TomlString[] = [];
  for (const m of text.matchAll(STRING_RE)) out.push({ value: m[1] ?? m[2] ?? '', line });
  return out;
}

export function readToml(text: string): TomlEntry[] {
  const lines = text.split(/\r?\n/);
  const out: TomlEntry[] = [];
  let table = '';
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      table = unquoteKey(header[1]!);
      continue;
    }
    const kv =
      /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=\s*(.*)$/.exec(
        line,
      );
    if (!kv) continue;
    const key = unquoteKey(kv[1]!);
    let raw = kv[2]!;
    const startLine = i + 1;
    const strings = stringsOf(raw, startLine);
    if (raw.startsWith('"""') || raw.startsWith("'''")) {
      const fence = raw.slice(0, 3);
      while (!raw.slice(3).includes(fence) && i + 1 < lines.length) raw += `\n${lines[++i]!}`;
    } else {
      let d = depth(raw);
      while (d > 0 && i + 1 < lines.length) {
        const next = stripComment(lines[++i]!);
        raw += `\n${next.trim()}`;
        strings.push(...stringsOf(next, i + 1));
        d += depth(next);
      }
    }
    const entry: TomlEntry = { table, key, raw, strings, line: startLine };
    const plain = /^"((?:[^"\\]|\\.)*)"$|^'([^']*)'$/.exec(raw);
    if (plain) entry.string = plain[1] ?? plain[2] ?? '';
    out.push(entry);
  }
  return out;
}

/** Entries of one table (exact name). */
export function tomlTable(entries: readonly TomlEntry[], table: string): TomlEntry[] {
  return entries.filter((e) => e.table === table);
}

/** Whether the document declares a table (as a header or as a dotted-key prefix). */
export function tomlHasTable(text: string, table: string): boolean {
  const re = new RegExp(`^\\s*\\[\\s*${table.replace(/\./g, '\\.')}\\s*\\]`, 'm');
  return re.test(text);
}
