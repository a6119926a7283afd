/** Helpers that turn a match in a file into `Evidence`, and keep secrets out of excerpts. */
import type { Problem, Severity } from '../api/problem.ts';
import type { Evidence } from './types.ts';

const MAX_EXCERPT = 120;

const SECRET_NAME =
  /(pass(word|wd)?|pwd|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential|auth(?!or))/i;

/** A variable or key name that probably holds a credential. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || /(^|_)KEY$/i.test(name);
}

/**
 * Mask values that may be secrets: the value of `NAME=value` / `NAME: value` when NAME looks secret, and
 * the password in `scheme://user:password@host` URLs.
 */
export function redact(text: string): string {
  let out = text.replace(/(\/\/[^/:@\s'"]+:)[^@\s'"]+@/g, '$1***@');
  out = out.replace(
    /(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*[:=]\s*)(["']?)[^\s"',}]+\4/g,
    (whole: string, q: string, name: string, sep: string, vq: string) =>
      isSecretName(name) ? `${q}${name}${q}${sep}${vq}***${vq}` : whole,
  );
  return out;
}

export function excerptOf(line: string): string {
  const t = redact(line.trim());
  return t.length > MAX_EXCERPT ? `${t.slice(0, MAX_EXCERPT - 1)}…` : t;
}

/** Line starts (character offsets) of a text, for offset → line lookups. */
export class LineIndex {
  private readonly starts: number[] = [0];
  readonly lines: string[];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    this.lines = text.split(/\r?\n/);
  }
  /** 1-based line of a character offset. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  lineText(line: number): string {
    return this.lines[line - 1] ?? '';
  }
  evidence(file: string, line: number): Evidence {
    return { file, line, excerpt: excerptOf(this.lineText(line)) };
  }
  evidenceAt(file: string, offset: number): Evidence {
    return this.evidence(file, this.lineOf(offset));
  }
}

export interface Match {
  /** Capture groups; index 0 is the whole match. */
  groups: (string | undefined)[];
  line: number;
  index: number;
}

/** Every match of a global regex, with its 1-based line. */
export function matchAll(idx: LineIndex, re: RegExp): Match[] {
  const flags = re.flags.includes('g') ? re.flags : `${re.flags}g`;
  const g = new RegExp(re.source, flags);
  const out: Match[] = [];
  for (const m of idx.text.matchAll(g)) {
    const index = m.index;
    out.push({ groups: [...m], line: idx.lineOf(index), index });
  }
  return out;
}

export interface ProblemOpts {
  file?: string;
  line?: number;
  column?: number;
  path?: string;
}

export function problem(code: string, severity: Severity, message: string, opts: ProblemOpts = {}): Problem {
  const p: Problem = { code, message, path: opts.path ?? '', severity };
  if (opts.file !== undefined) p.file = opts.file;
  if (opts.line !== undefined) p.line = opts.line;
  if (opts.column !== undefined) p.column = opts.column;
  return p;
}

/** `a/b` joined with `c` as a root-relative path; `.` and `` are the root. */
export function relJoin(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return `${dir}/${name}`;
}

/** Normalise a relative path: drop `.` segments, resolve `..`; undefined when it leaves the root. */
export function normalizeRel(p: string): string | undefined {
  const out: string[] = [];
  for (const part of p.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

export function dirOf(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? '' : rel.slice(0, i);
}

export function baseName(rel: string): string {
  const i = rel.lastIndexOf('/');
  return i < 0 ? rel : rel.slice(i + 1);
}

/** Whether `rel` is `dir` or lies under it (`''` is the root and contains everything). */
export function isWithin(rel: string, dir: string): boolean {
  return dir === '' || rel === dir || rel.startsWith(`${dir}/`);
}
