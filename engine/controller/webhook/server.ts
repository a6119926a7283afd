/**
 * The admission webhook's HTTPS server: `POST /validate/compositions` answers AdmissionReviews with
 * `reviewComposition`; `/healthz` for probes. The TLS key pair can be replaced while serving.
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { splitHostPort } from '../http-endpoints.ts';
import type { Logger } from '../logger.ts';
import { reviewComposition } from './admission.ts';

export const COMPOSITIONS_PATH = '/validate/compositions';
/** The API server sends at most a few MiB per object; anything larger is not a review. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface WebhookServer {
  port: number;
  /** Serve with this key pair from the next TLS handshake on. */
  setKeyPair(cert: string, key: string): void;
  hasKeyPair(): boolean;
  close(): Promise<void>;
}

export async function serveWebhook(bindAddress: string, logger: Logger): Promise<WebhookServer> {
  let keyed = false;
  const server: Server = createServer({}, (req, res) => handle(req, res, logger));
  server.requestTimeout = 30_000;
  const [host, portText] = splitHostPort(bindAddress);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portText), host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    setKeyPair: (cert, key) => {
      server.setSecureContext({ cert, key });
      keyed = true;
    },
    hasKeyPair: () => keyed,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
    return;
  }
  if (path !== COMPOSITIONS_PATH) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405, { 'Content-Type': 'text/plain', Allow: 'POST' }).end('use POST\n');
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) tooLarge = true;
    else chunks.push(chunk);
  });
  req.on('error', () => res.destroy());
  req.on('end', () => {
    if (tooLarge) {
      res.writeHead(413, { 'Content-Type': 'text/plain' }).end('request body too large\n');
      return;
    }
    let answer: string;
    try {
      const review = reviewComposition(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      answer = JSON.stringify(review);
    } catch (error) {
      // Not a review (or a bug): a 400 makes the API server apply the failurePolicy.
      logger.warn('admission review failed', { error });
      res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`${(error as Error).message}\n`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(answer);
  });
}
