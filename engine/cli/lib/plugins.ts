/**
 * kubectl-style plugins: an executable named `kubify-<name>` on the PATH runs as `kubify <name>`, with
 * every argument after the name passed through. The first one on the PATH wins; a plugin never
 * replaces a built-in command.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const PLUGIN_PREFIX = 'kubify-';

export interface Plugin {
  name: string;
  path: string;
  /** Later PATH entries with the same name, never run. */
  shadowed: string[];
}

function executable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Every plugin on `pathVariable`, sorted by name. Names must be lowercase words joined by `-`/`_`. */
export function findPlugins(pathVariable: string | undefined): Plugin[] {
  const byName = new Map<string, Plugin>();
  for (const dir of (pathVariable ?? '').split(delimiter).filter((d) => d !== '')) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const file of names.sort()) {
      if (!file.startsWith(PLUGIN_PREFIX)) continue;
      const name = file.slice(PLUGIN_PREFIX.length);
      if (!/^[a-z0-9][a-z0-9_-]*$/.test(name)) continue;
      const path = join(dir, file);
      if (!executable(path)) continue;
      const seen = byName.get(name);
      if (seen) seen.shadowed.push(path);
      else byName.set(name, { name, path, shadowed: [] });
    }
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export interface PluginRun {
  path: string;
  args: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  out(text: string): void;
  err(text: string): void;
}

/** Runs a plugin to completion; resolves to its exit code (128+n when killed by signal n). */
export function runPlugin(run: PluginRun): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(run.path, [...run.args], {
      cwd: run.cwd,
      env: Object.fromEntries(
        Object.entries(run.env).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      stdio: ['inherit', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => run.out(chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => run.err(chunk.toString('utf8')));
    child.on('error', (error) => {
      run.err(`error: cannot run plugin ${run.path}: ${error.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
}
