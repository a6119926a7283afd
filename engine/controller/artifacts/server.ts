import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tarball } from './tarball.ts';

/**
 * Serves program tarballs at `/programs/<namespace>/<name>/<revision>.tar.gz`, the URL a
 * ProgramSource publishes in `status.artifact.url`. It keeps the current and the previous revision
 * of each program, so a Stack that read the old URL just before a change can still fetch it.
 */
export class ArtifactServer {
  private readonly artifacts = new Map<string, Tarball[]>();
  private server: Server | undefined;

  constructor(private readonly keepRevisions = 2) {}

  /** Publishes a tarball; returns its path relative to the server root. */
  publish(namespace: string, name: string, tarball: Tarball): string {
    const key = `${namespace}/${name}`;
    const list = (this.artifacts.get(key) ?? []).filter((t) => t.revision !== tarball.revision);
    list.unshift(tarball);
    this.artifacts.set(key, list.slice(0, this.keepRevisions));
    return artifactPath(namespace, name, tarball.revision);
  }

  remove(namespace: string, name: string): void {
    this.artifacts.delete(`${namespace}/${name}`);
  }

  get(namespace: string, name: string, revision: string): Tarball | undefined {
    return this.artifacts.get(`${namespace}/${name}`)?.find((t) => t.revision === revision);
  }

  size(): number {
    return this.artifacts.size;
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const match = /^\/programs\/([a-z0-9-]+)\/([a-z0-9.-]+)\/([a-f0-9]+)\.tar\.gz$/.exec(req.url ?? '');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    const tarball = match ? this.get(match[1]!, match[2]!, match[3]!) : undefined;
    if (!tarball) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'application/gzip',
      'Content-Length': tarball.bytes.length,
      ETag: `"${tarball.digest}"`,
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : tarball.bytes);
  }

  listen(port: number, host = '0.0.0.0'): Promise<AddressInfo> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve(server.address() as AddressInfo));
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

export function artifactPath(namespace: string, name: string, revision: string): string {
  return `/programs/${namespace}/${name}/${revision}.tar.gz`;
}
