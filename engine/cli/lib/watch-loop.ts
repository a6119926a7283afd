/**
 * `--watch`: re-read, and print again whenever what would be printed changed, until the signal aborts
 * (Ctrl-C) or `until` says the wait is over.
 */
export interface WatchLoopOptions {
  /** What to print now. */
  snapshot(): Promise<string>;
  print(text: string): void;
  intervalMs: number;
  signal: AbortSignal;
  /** Stop after printing this snapshot (e.g. the claim became Ready). Default: never. */
  until?: (text: string) => boolean;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Returns how many snapshots were printed. */
export async function watchLoop(options: WatchLoopOptions): Promise<number> {
  const sleep = options.sleep ?? abortableSleep;
  let last: string | undefined;
  let printed = 0;
  while (!options.signal.aborted) {
    const text = await options.snapshot();
    if (text !== last) {
      options.print(text);
      printed++;
      last = text;
      if (options.until?.(text)) break;
    }
    await sleep(options.intervalMs, options.signal);
  }
  return printed;
}

/** An AbortSignal that fires on SIGINT/SIGTERM; `dispose` removes the handlers. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
