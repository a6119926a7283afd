/**
 * The source tree as the analyser sees it: one bounded walk, then cached, checked reads.
 *
 * Limits keep analysis cheap and safe on any folder: dependency and build directories are not entered,
 * symbolic links are not followed, files over `maxFileBytes` and binary files are not read, at most
 * `maxFiles` files are listed, and a real `.env` is never opened (only its name is noted).
 */
import type { Problem } from '../api/problem.ts';
import { type AnalyzeFs, errorCode, joinPath } from './fs.ts';
import { LineIndex, baseName, problem, relJoin } from './evidence.ts';

export interface TreeLimits {
  maxFiles: number;
  maxFileBytes: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: TreeLimits = { maxFiles: 20_000, maxFileBytes: 1024 * 1024, maxDepth: 16 };

/** Directories never entered: dependencies, build output, VCS and tool caches. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'vendor',
  'target',
  'dist',
  'venv',
  '.venv',
  '__pycache__',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.next',
  '.nuxt',
  '.gradle',
  '.idea',
  '.vscode',
  'bower_components',
  'coverage',
  '.cache',
  '.terraform',
  'obj',
]);

/** Real environment files hold secrets: never read. Examples and templates are fine. */
export function isPrivateEnvFile(name: string): boolean {
  if (name !== '.env' && !name.startsWith('.env.')) return false;
  return !/\.(example|sample|template|dist|defaults?)$/.test(name);
}

export class SourceTree {
  /** Every listed file, root-relative, sorted. */
  readonly files: string[] = [];
  readonly sizes = new Map<string, number>();
  /** Every directory entered, root-relative (`''` is the root), sorted. */
  readonly dirs: string[] = [];
  /** Directories seen but not entered (e.g. `dist`), root-relative. */
  readonly skippedDirs = new Set<string>();
  readonly problems: Problem[] = [];
  private readonly childFiles = new Map<string, string[]>();
  private readonly cache = new Map<string, LineIndex | undefined>();
  private readonly reported = new Set<string>();

  private constructor(
    private readonly fs: AnalyzeFs,
    readonly root: string,
    private readonly limits: TreeLimits,
  ) {}

  static async walk(fs: AnalyzeFs, root: string, limits: TreeLimits): Promise<SourceTree> {
    const tree = new SourceTree(fs, root, limits);
    await tree.walkFrom();
    return tree;
  }

  private async walkFrom(): Promise<void> {
    const queue: { rel: string; depth: number }[] = [{ rel: '', depth: 0 }];
    let capped = false;
    while (queue.length > 0) {
      const { rel, depth } = queue.shift()!;
      let names: string[];
      try {
        names = (await this.fs.readdir(joinPath(this.root, rel))).sort();
      } catch (err) {
        this.problems.push(
          problem('analyze.unreadable', 'Warning', `cannot list directory (${errorCode(err)}); skipped`, {
            file: rel || '.',
          }),
        );
        continue;
      }
      this.dirs.push(rel);
      const here: string[] = [];
      this.childFiles.set(rel, here);
      for (const name of names) {
        const child = relJoin(rel, name);
        let kind: string;
        let size: number;
        try {
          ({ kind, size } = await this.fs.stat(joinPath(this.root, child)));
        } catch (err) {
          this.problems.push(
            problem('analyze.unreadable', 'Warning', `cannot read (${errorCode(err)}); skipped`, {
              file: child,
            }),
          );
          continue;
        }
        if (kind === 'dir') {
          if (SKIPPED_DIRS.has(name)) this.skippedDirs.add(child);
          else if (depth + 1 > this.limits.maxDepth) {
            this.problems.push(
              problem(
                'analyze.limit.depth',
                'Normal',
                `deeper than ${this.limits.maxDepth} levels; not entered`,
                {
                  file: child,
                },
              ),
            );
          } else queue.push({ rel: child, depth: depth + 1 });
        } else if (kind === 'file') {
          if (this.files.length >= this.limits.maxFiles) {
            if (!capped) {
              this.problems.push(
                problem(
                  'analyze.limit.files',
                  'Warning',
                  `more than ${this.limits.maxFiles} files; the rest were not analysed`,
                  { file: child },
                ),
              );
            }
            capped = true;
            continue;
          }
          this.files.push(child);
          this.sizes.set(child, size);
          here.push(name);
        }
      }
      if (capped) break;
    }
    this.files.sort();
    this.dirs.sort();
  }

  has(rel: string): boolean {
    return this.sizes.has(rel);
  }

  /** File names directly in `dir`. */
  filesIn(dir: string): string[] {
    return this.childFiles.get(dir) ?? [];
  }

  hasDir(rel: string): boolean {
    return this.childFiles.has(rel) || this.skippedDirs.has(rel);
  }

  /**
   * The text of a file, or undefined when it cannot or must not be read (missing, too large, binary,
   * unreadable, a private `.env`). Each reason is reported once as a problem; `quiet` suppresses that for
   * speculative reads.
   */
  async text(rel: string, quiet = false): Promise<LineIndex | undefined> {
    if (this.cache.has(rel)) return this.cache.get(rel);
    const result = await this.load(rel, quiet);
    this.cache.set(rel, result);
    return result;
  }

  private note(p: Problem, quiet: boolean): void {
    const key = `${p.code}:${p.file ?? ''}`;
    if (quiet || this.reported.has(key)) return;
    this.reported.add(key);
    this.problems.push(p);
  }

  private async load(rel: string, quiet: boolean): Promise<LineIndex | undefined> {
    const size = this.sizes.get(rel);
    if (size === undefined) return undefined;
    if (isPrivateEnvFile(baseName(rel))) return undefined;
    if (size > this.limits.maxFileBytes) {
      this.note(
        problem(
          'analyze.limit.file-size',
          'Normal',
          `larger than ${this.limits.maxFileBytes} bytes; not read`,
          {
            file: rel,
          },
        ),
        quiet,
      );
      return undefined;
    }
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(joinPath(this.root, rel));
    } catch (err) {
      this.note(
        problem('analyze.unreadable', 'Warning', `cannot read (${errorCode(err)}); skipped`, { file: rel }),
        false,
      );
      return undefined;
    }
    if (bytes.length > this.limits.maxFileBytes) return undefined;
    const text = decodeText(bytes);
    if (text === undefined) {
      this.note(
        problem('analyze.binary', 'Warning', 'binary content where text was expected; skipped', {
          file: rel,
        }),
        quiet,
      );
      return undefined;
    }
    return new LineIndex(text);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text without NUL bytes, a leading BOM removed; undefined for binary content. */
export function decodeText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  try {
    const s = decoder.decode(bytes);
    return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
  } catch {
    return undefined;
  }
}
