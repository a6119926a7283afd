import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Probe {
  name: string;
  check(): boolean;
}

/**
 * Serves `/metrics` (Prometheus text format from `registry`), `/healthz` (the process is alive)
 * and `/readyz` (every probe passes, e.g. caches synced). Bind address `host:port`; port 0 picks one.
 */
export async function serveEndpoints(
  bindAddress: string,
  registry: Registry | undefined,
  readiness: Probe[],
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && registry) {
      registry
        .metrics()
        .then((text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text))
        .catch((err: unknown) => res.writeHead(500).end(String(err)));
      return;
    }
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    if (path === '/readyz') {
      const failing = readiness.filter((p) => !p.check()).map((p) => p.name);
      res
        .writeHead(failing.length ? 503 : 200, { 'Content-Type': 'text/plain' })
        .end(failing.length ? `not ready: ${failing.join(', ')}\n` : 'ok\n');
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  const [host, portText] = splitHostPort(bindAddress);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portText), host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `":8080"` -> `['0.0.0.0', '8080']`, `"127.0.0.1:0"` -> `['127.0.0.1', '0']`. */
export function splitHostPort(address: string): [string, string] {
  const i = address.lastIndexOf(':');
  if (i < 0 || !/^\d+$/.test(address.slice(i + 1))) {
    throw new Error(
      `invalid bind address ${JSON.stringify(address)}: use host:port, e.g. ":8080" or "127.0.0.1:0"`,
    );
  }
  return [address.slice(0, i) || '0.0.0.0', address.slice(i + 1)];
}
