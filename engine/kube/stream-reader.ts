import type { Readable } from 'node:stream';
import { LineDecoder } from './watch-decoder.ts';

/**
 * Feeds a response body to `onData` — line by line (`lines`) or chunk by chunk — until it ends
 * (resolves), `signal` aborts (resolves), the connection breaks or `onData` throws (rejects). The
 * body is destroyed in every case, so an abandoned watch never keeps its socket.
 */
export function readStream(
  body: Readable,
  onData: (text: string) => void,
  options: { lines: boolean; signal?: AbortSignal },
): Promise<void> {
  const { signal } = options;
  const decoder = new LineDecoder();
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      body.destroy();
      if (err === undefined || signal?.aborted) resolve();
      else reject(err instanceof Error ? err : new Error('stream failed', { cause: err }));
    };
    const onAbort = (): void => finish();
    if (signal?.aborted) return finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    body.on('data', (chunk: string | Buffer) => {
      if (settled) return;
      try {
        if (options.lines) decoder.push(String(chunk), onData);
        else onData(String(chunk));
      } catch (err) {
        finish(err);
      }
    });
    body.on('end', () => {
      try {
        if (options.lines) decoder.flush(onData);
        finish();
      } catch (err) {
        finish(err);
      }
    });
    body.on('error', (err) => finish(err));
    body.on('close', () => finish(new Error('connection closed before the stream ended')));
  });
}
