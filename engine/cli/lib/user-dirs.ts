/**
 * Where kubify keeps per-user state: `$KUBIFY_CACHE_DIR`, else `$XDG_CACHE_HOME/kubify`, else
 * `~/.cache/kubify` (bootstrap state, the CLI audit log); user packs in `$KUBIFY_PACKS_DIR`, else
 * `$XDG_DATA_HOME/kubify/packs`, else `~/.local/share/kubify/packs`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../context.ts';

function set(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

export function cacheDir(io: CliIo): string {
  if (set(io.env.KUBIFY_CACHE_DIR)) return io.env.KUBIFY_CACHE_DIR;
  const base = set(io.env.XDG_CACHE_HOME) ? io.env.XDG_CACHE_HOME : join(io.env.HOME ?? homedir(), '.cache');
  return join(base, 'kubify');
}

export function userPacksDir(io: CliIo): string {
  if (set(io.env.KUBIFY_PACKS_DIR)) return io.env.KUBIFY_PACKS_DIR;
  const base = set(io.env.XDG_DATA_HOME)
    ? io.env.XDG_DATA_HOME
    : join(io.env.HOME ?? homedir(), '.local', 'share');
  return join(base, 'kubify', 'packs');
}
