import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/**
 * Deterministic tar.gz of a set of files: entries sorted by path, parent directories listed
 * explicitly, fixed modes (0644 files, 0755 directories), owner 0:0, mtime 0 and the gzip header's
 * mtime 0, so the same files always give byte-identical output and the same digest.
 */
export interface Tarball {
  bytes: Buffer;
  /** `sha256:<hex>` of `bytes`, the form Flux artifacts and PKO expect. */
  digest: string;
  /** Short content revision (first 16 hex digits of the digest): changes when and only when the files do. */
  revision: string;
}

const BLOCK = 512;

export class TarPathError extends Error {}

function checkPath(path: string): void {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new TarPathError(
      `invalid file path ${JSON.stringify(path)}: use a relative path without . or .. parts`,
    );
  }
  if (Buffer.byteLength(path) > 255) throw new TarPathError(`file path too long (over 255 bytes): ${path}`);
}

function writeString(header: Buffer, value: string, offset: number, length: number): void {
  header.write(value, offset, Math.min(Buffer.byteLength(value), length), 'utf8');
}

function writeOctal(header: Buffer, value: number, offset: number, length: number): void {
  writeString(header, value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
}

/** Splits a long path into the ustar `prefix` and `name` fields. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: '', name: path };
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new TarPathError(`file path cannot be stored in a ustar header: ${path}`);
}

function header(path: string, size: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK, 0);
  const { prefix, name } = splitPath(path);
  writeString(h, name, 0, 100);
  writeOctal(h, type === '5' ? 0o755 : 0o644, 100, 8);
  writeOctal(h, 0, 108, 8); // uid
  writeOctal(h, 0, 116, 8); // gid
  writeOctal(h, size, 124, 12);
  writeOctal(h, 0, 136, 12); // mtime
  h.fill(' ', 148, 156); // checksum placeholder
  h.write(type, 156, 1, 'ascii');
  writeString(h, 'ustar\0', 257, 6);
  writeString(h, '00', 263, 2);
  writeString(h, 'root', 265, 32);
  writeString(h, 'root', 297, 32);
  writeString(h, prefix, 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

export function buildTarball(files: Readonly<Record<string, string | Uint8Array>>): Tarball {
  const paths = Object.keys(files).sort();
  if (paths.length === 0) throw new TarPathError('a program needs at least one file');
  for (const path of paths) checkPath(path);
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/') + '/');
  }
  const chunks: Buffer[] = [];
  const entries = [
    ...[...dirs].map((d) => ({ path: d, dir: true })),
    ...paths.map((p) => ({ path: p, dir: false })),
  ];
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of entries) {
    if (entry.dir) {
      chunks.push(header(entry.path, 0, '5'));
      continue;
    }
    const content = files[entry.path]!;
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    chunks.push(header(entry.path, data.length, '0'), data);
    const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
    if (pad) chunks.push(Buffer.alloc(pad, 0));
  }
  chunks.push(Buffer.alloc(BLOCK * 2, 0));
  const bytes = gzipSync(Buffer.concat(chunks), { level: 9 });
  // Byte 9 of a gzip header names the OS; pin it so output is identical on every platform.
  bytes[9] = 3;
  const hex = createHash('sha256').update(bytes).digest('hex');
  return { bytes, digest: `sha256:${hex}`, revision: hex.slice(0, 16) };
}
