import { request } from 'node:https';
import type { ControlPlane } from '../../engine/controlplane/index.ts';

export interface RawResponse {
  status: number;
  body: unknown;
  text: string;
}

export interface RawRequestOptions {
  contentType?: string;
  /** Impersonate this user (the admin token has `impersonate` rights). */
  as?: string;
}

/** A plain HTTPS call to the control plane as admin: no client library between the test and the server. */
export function rawRequest(
  cp: ControlPlane,
  method: string,
  path: string,
  body?: unknown,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${cp.adminToken}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
    if (options.as) headers['Impersonate-User'] = options.as;
    const req = request(`${cp.server}${path}`, { method, ca: cp.caPem, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON (e.g. /healthz): keep the text only
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(typeof body === 'string' ? body : JSON.stringify(body));
    req.end();
  });
}

export interface WatchEvent {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string } } & Record<string, unknown>;
}

/** Opens a watch and hands each event to `onEvent`; returns a function that closes it. */
export function rawWatch(cp: ControlPlane, path: string, onEvent: (e: WatchEvent) => void): () => void {
  const sep = path.includes('?') ? '&' : '?';
  const req = request(
    `${cp.server}${path}${sep}watch=1`,
    { ca: cp.caPem, headers: { Authorization: `Bearer ${cp.adminToken}` } },
    (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline).trim();
          buffer = buffer.slice(newline + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      });
    },
  );
  req.on('error', () => {});
  req.end();
  return () => req.destroy();
}

/**
 * Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`; an error
 * thrown while waiting is retried and reported if time runs out.
 */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: Error | undefined;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err instanceof Error ? err : new Error(JSON.stringify(err));
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
