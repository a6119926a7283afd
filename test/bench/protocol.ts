/** Messages between the bench harness and the operator child process (Node IPC). */

export interface StartArgs {
  kubeconfig: string;
  namespace: string;
  workers?: number;
  /** Claims present at start: the child records when it has reconciled this many. */
  expectClaims?: number;
  /** Run as one of several replicas electing a leader through a Lease. */
  leaderElect?: boolean;
  leaseDurationMs?: number;
  leaseName?: string;
  /** The replica's identity (in the Lease and in its User-Agent). */
  identity?: string;
}

/** Leader-election state of the child's operator. */
export interface LeaderState {
  identity: string;
  isLeader: boolean;
  /** Writes it refused to send because it might no longer hold the lease. */
  fencedWrites: number;
}

export interface Memory {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Peak RSS of the process so far (bytes). */
  maxRss: number;
  /** heapUsed right after a full GC, when asked for. */
  heapUsedAfterGc?: number;
  rssAfterGc?: number;
}

/** Wall-clock milestones of a start (Date.now() values). */
export interface Startup {
  startCalled: number;
  startReturned?: number;
  cachesSynced?: number;
  claimControllerRunning?: number;
  firstReconcile?: number;
  allReconciled?: number;
  expectClaims: number;
}

export interface OperatorMetrics {
  /** `result` -> count (kubify_reconcile_total summed over kinds). */
  reconciles: Record<string, number>;
  /** `verb kind` -> count (kubify_apply_total). */
  writes: Record<string, number>;
  /** `verb code` -> count (kubify_api_requests_total). */
  api: Record<string, number>;
  reconcileSeconds: { sum: number; count: number };
  /** Keys waiting in the claim work queues. */
  queued: number;
  /** Claims in the claim informer caches. */
  claims: number;
  /** CPU time (user + system) of the operator process so far, ms. */
  cpuMs: number;
}

/** Event-loop delay of the child since the last reset (ms): how long timers and sockets waited. */
export interface LoopDelay {
  max: number;
  p99: number;
  mean: number;
}

export interface CacheStats {
  /** Per informer: objects and the JSON size of what it caches. */
  informers: { name: string; objects: number; jsonBytes: number }[];
}

export type Command =
  | { cmd: 'start'; args: StartArgs }
  | { cmd: 'startup' }
  | { cmd: 'metrics' }
  | { cmd: 'memory'; gc?: boolean }
  | { cmd: 'cache' }
  | { cmd: 'resync' }
  | { cmd: 'loop'; reset?: boolean }
  | { cmd: 'leader' }
  | { cmd: 'stop' };

export interface Request {
  id: number;
  command: Command;
}

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** First message of the child, before any command. */
export interface Hello {
  hello: true;
  pid: number;
  memory: Memory;
}
