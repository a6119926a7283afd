import type { CollectionRef, ListOptions, WatchOptions } from '../../../engine/kube/client.ts';
import type { ListWatchClient } from '../../../engine/kube/informer.ts';
import type { Transport, TransportRequest, TransportStream } from '../../../engine/kube/transport.ts';
import type { KubeObject, ObjectList, WatchEvent } from '../../../engine/kube/types.ts';

type WatchFn = (
  ref: CollectionRef,
  options: WatchOptions,
  onEvent: (e: WatchEvent<KubeObject>) => void,
) => Promise<void>;

/** Wraps a real client: counts calls, and can replace the next watch with a scripted failure. */
export class FaultyListWatch implements ListWatchClient {
  lists = 0;
  watches = 0;
  private next: WatchFn[] = [];

  constructor(private readonly real: ListWatchClient) {}

  /** The next watch call runs `fn` instead of reaching the server. */
  injectWatch(fn: WatchFn): void {
    this.next.push(fn);
  }

  /** The next watch reaches the server, but from `resourceVersion` instead of the informer's. */
  rewindNextWatch(resourceVersion: string): void {
    this.injectWatch((ref, options, onEvent) =>
      this.real.watch(ref, { ...options, resourceVersion }, onEvent),
    );
  }

  list<T extends KubeObject = KubeObject>(ref: CollectionRef, options?: ListOptions): Promise<ObjectList<T>> {
    this.lists++;
    return this.real.list<T>(ref, options);
  }

  watch<T extends KubeObject = KubeObject>(
    ref: CollectionRef,
    options: WatchOptions,
    onEvent: (e: WatchEvent<T>) => void,
  ): Promise<void> {
    this.watches++;
    const injected = this.next.shift();
    if (injected) return injected(ref, options, onEvent as (e: WatchEvent<KubeObject>) => void);
    return this.real.watch<T>(ref, options, onEvent);
  }
}

/** A real transport whose streams (watches) the test can cut, destroying the socket mid-response. */
export class CuttableTransport implements Transport {
  private open = new Set<TransportStream>();
  streamsOpened = 0;

  constructor(private readonly real: Transport) {}

  request(req: TransportRequest) {
    return this.real.request(req);
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    const s = await this.real.stream(req);
    this.streamsOpened++;
    this.open.add(s);
    s.body.once('close', () => this.open.delete(s));
    return s;
  }

  /** Destroys every open stream as a network reset would. Returns how many were cut. */
  cutAll(): number {
    const n = this.open.size;
    for (const s of this.open)
      s.body.destroy(Object.assign(new Error('injected connection reset'), { code: 'ECONNRESET' }));
    this.open.clear();
    return n;
  }

  socketStats() {
    return this.real.socketStats();
  }

  close(): void {
    this.real.close();
  }
}
