import type { Readable } from 'node:stream';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface TransportRequest {
  method: HttpMethod;
  /** Path and query relative to the server, e.g. `/api/v1/namespaces/a/pods?limit=5`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Socket idle timeout; a request that receives nothing for this long fails. */
  timeoutMs?: number;
  /**
   * Asked again at the last moment, when the request has its connection and before a byte is sent
   * (it may have waited for a free socket): an error aborts the request with that error.
   */
  guard?: () => Error | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

export interface TransportStream {
  status: number;
  headers: Record<string, string | undefined>;
  /** The response body; read it to the end or destroy it. Strings (utf8). */
  body: Readable;
}

export interface SocketStats {
  /** Sockets carrying a request now (request agent). */
  active: number;
  /** Keep-alive sockets waiting for reuse (request agent). */
  idle: number;
  /** Requests waiting for a socket because maxSockets is reached. */
  queued: number;
  /** Sockets held by open watches and streams (stream agent). */
  streams: number;
  /** Idle keep-alive sockets of the stream agent. */
  streamsIdle: number;
}

/**
 * How requests reach the API server. The https implementation is the production one; unit tests
 * pass fakes to drive the client, informers and leader election through errors on demand.
 */
export interface Transport {
  request(req: TransportRequest): Promise<TransportResponse>;
  /** Like request, but returns as soon as headers arrive; for watches and logs. */
  stream(req: TransportRequest): Promise<TransportStream>;
  socketStats(): SocketStats;
  close(): void;
}
