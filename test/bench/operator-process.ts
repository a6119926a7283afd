/**
 * Parent side of the operator child: spawns `operator-child.ts` under tsx with `--expose-gc`, sends
 * commands over IPC with a timeout each, and always kills the child on stop (or when the bench exits).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  CacheStats,
  Command,
  Hello,
  LeaderState,
  LoopDelay,
  Memory,
  OperatorMetrics,
  Reply,
  StartArgs,
  Startup,
} from './protocol.ts';

const CHILD = fileURLToPath(new URL('./operator-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** Under node_modules/.cache: bare imports resolve from there, and lint and git ignore it. */
const BUILD_DIR = join(REPO, 'node_modules', '.cache', 'kubify-bench', 'child');
const BUILT_CHILD = join(BUILD_DIR, 'test', 'bench', 'operator-child.js');

/**
 * `js`: the child compiled to JavaScript with tsc (no type check) and run by plain node — what a
 * built operator runs. `tsx`: the TypeScript sources through tsx, as bin/kubify.js (and the
 * Dockerfile) run the operator today.
 */
export type ChildRuntime = 'js' | 'tsx';

let built: Promise<void> | undefined;

/** Compiles operator-child.ts and what it imports into node_modules/.cache/kubify-bench/child (once per run). */
export function buildChild(log: (line: string) => void): Promise<void> {
  built ??= new Promise<void>((resolve, reject) => {
    const started = Date.now();
    rmSync(BUILD_DIR, { recursive: true, force: true });
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [
      tsc,
      '--outDir',
      BUILD_DIR,
      '--rootDir',
      REPO,
      '--target',
      'ES2022',
      '--module',
      'NodeNext',
      '--moduleResolution',
      'NodeNext',
      '--allowImportingTsExtensions',
      '--rewriteRelativeImportExtensions',
      '--resolveJsonModule',
      '--esModuleInterop',
      '--skipLibCheck',
      '--noCheck',
      '--types',
      'node',
      CHILD,
    ];
    execFile(process.execPath, args, { cwd: REPO, timeout: 180_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`compiling the operator child failed: ${err.message}\n${stdout}${stderr}`));
      else {
        log(`compiled the operator child to JavaScript in ${Date.now() - started} ms`);
        resolve();
      }
    });
  });
  return built;
}
const live = new Set<ChildProcess>();
let exitHook = false;

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export interface SpawnOptions {
  /** Extra node flags for the child, e.g. `--cpu-prof --cpu-prof-dir=...`. */
  nodeFlags?: string[];
  runtime: ChildRuntime;
  log: (line: string) => void;
}

export class OperatorProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private stderrTail = '';
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly hello: Hello,
    /** Date.now() when spawn was called. */
    readonly spawnedAt: number,
  ) {
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  get pid(): number {
    return this.hello.pid;
  }

  static async spawn(options: SpawnOptions): Promise<OperatorProcess> {
    installExitHook();
    if (options.runtime === 'js') await buildChild(options.log);
    const spawnedAt = Date.now();
    const entry = options.runtime === 'js' ? [BUILT_CHILD] : ['--import', 'tsx', CHILD];
    const child = spawn(process.execPath, ['--expose-gc', ...(options.nodeFlags ?? []), ...entry], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let tail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-8000);
      if (process.env.KUBIFY_BENCH_VERBOSE) process.stderr.write(chunk);
    });
    try {
      const hello = await new Promise<Hello>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('operator child did not start within 60 s')), 60_000);
        child.once('message', (m: Hello) => {
          clearTimeout(timer);
          resolve(m);
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`operator child exited with ${code} before it started:\n${tail}`));
        });
        child.once('error', reject);
      });
      const op = new OperatorProcess(child, hello, spawnedAt);
      op.stderrTail = tail;
      child.stderr?.on('data', (chunk: string) => (op.stderrTail = (op.stderrTail + chunk).slice(-8000)));
      child.on('message', (m: Reply) => op.onReply(m));
      child.once('exit', (code, signal) => {
        for (const p of op.pending.values())
          p.reject(new Error(`operator child exited (${code ?? signal}):\n${op.stderrTail}`));
        op.pending.clear();
      });
      options.log(`operator child pid ${hello.pid} up in ${Date.now() - spawnedAt} ms`);
      return op;
    } catch (err) {
      child.kill('SIGKILL');
      throw err;
    }
  }

  private onReply(m: Reply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (m.ok) p.resolve(m.result);
    else p.reject(new Error(`operator child: ${m.error}`));
  }

  private call<T>(command: Command, timeoutMs = 60_000): Promise<T> {
    if (this.child.exitCode !== null || !this.child.connected)
      return Promise.reject(new Error(`operator child is gone:\n${this.stderrTail}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`operator child did not answer ${command.cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ id, command });
    });
  }

  start(args: StartArgs): Promise<Startup> {
    return this.call({ cmd: 'start', args }, 120_000);
  }

  startup(): Promise<Startup> {
    return this.call({ cmd: 'startup' });
  }

  metrics(): Promise<OperatorMetrics> {
    return this.call({ cmd: 'metrics' });
  }

  memory(gc = false): Promise<Memory> {
    return this.call({ cmd: 'memory', gc });
  }

  cache(): Promise<CacheStats> {
    return this.call({ cmd: 'cache' });
  }

  /** Event-loop delay since the last reset; `reset` starts a new interval. */
  loopDelay(reset = false): Promise<LoopDelay> {
    return this.call({ cmd: 'loop', reset });
  }

  resync(): Promise<{ claims: number }> {
    return this.call({ cmd: 'resync' });
  }

  leader(): Promise<LeaderState> {
    return this.call({ cmd: 'leader' });
  }

  /** Sends a signal to the child: SIGKILL (a crash), SIGSTOP / SIGCONT (a pause: GC, partition, frozen VM). */
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void {
    this.child.kill(signal);
  }

  /** Resolves with the exit code (null after a signal) once the child is gone. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /**
   * Kills the child without warning (fault suites: a crash, not a shutdown) and waits until it is gone.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }

  /** Stops the operator cleanly (bounded), then makes sure the process is gone. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.connected) {
      await this.call({ cmd: 'stop' }, 30_000).catch(() => undefined);
    }
    const exited = await Promise.race([
      this.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
    ]);
    if (exited === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Spawns an operator child, runs `body`, and always stops the child. */
export async function withOperator<T>(
  options: SpawnOptions,
  body: (op: OperatorProcess) => Promise<T>,
): Promise<T> {
  const op = await OperatorProcess.spawn(options);
  try {
    return await body(op);
  } finally {
    await op.stop();
  }
}
