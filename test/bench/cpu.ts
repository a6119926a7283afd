/**
 * CPU time per process, read from /proc/<pid>/stat (utime + stime of every thread): what a run cost
 * the API server, etcd, the operator and the harness regardless of how busy the machine was, which is
 * what wall-clock times on a shared 2-core machine cannot tell.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sleep } from './stats.ts';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU (user + system) of `pid` so far in ms, or NaN when /proc cannot tell (not Linux, gone). */
export function processCpuMs(pid: number): number {
  if (pid === process.pid) {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // fields after "(comm)": state is field 3, utime 14 and stime 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / clockTicks()) * 1000;
  } catch {
    return NaN;
  }
}

/** Process name -> pid. */
export type Pids = Record<string, number>;
/** Process name -> CPU ms. */
export type CpuSample = Record<string, number>;

export function sampleCpu(pids: Pids): CpuSample {
  const out: CpuSample = {};
  for (const [name, pid] of Object.entries(pids)) out[name] = processCpuMs(pid);
  return out;
}

export function diffCpu(after: CpuSample, before: CpuSample): CpuSample {
  const out: CpuSample = {};
  for (const name of Object.keys(after)) out[name] = after[name]! - (before[name] ?? NaN);
  return out;
}

/** CPU a window used per process, with what the processes burn when idle (leases, timers) taken out. */
export interface CpuWindow {
  /** Raw CPU ms per process over the window. */
  used: CpuSample;
  /** CPU ms per second per process, measured in a quiet window before. */
  idlePerSecond: CpuSample;
  windowMs: number;
  /** used - idlePerSecond x window, per process (>= 0). */
  net: CpuSample;
}

/** Measures the idle CPU rate of `pids` over `quietMs` (nothing of the run may be going on). */
export async function idleCpuRate(pids: Pids, quietMs = 2000): Promise<CpuSample> {
  const before = sampleCpu(pids);
  const t0 = performance.now();
  await sleep(quietMs);
  const used = diffCpu(sampleCpu(pids), before);
  const seconds = (performance.now() - t0) / 1000;
  const out: CpuSample = {};
  for (const [name, v] of Object.entries(used)) out[name] = v / seconds;
  return out;
}

/** Starts a CPU window; the returned function ends it. */
export function cpuWindow(pids: Pids, idlePerSecond: CpuSample): () => CpuWindow {
  const before = sampleCpu(pids);
  const t0 = performance.now();
  return () => {
    const used = diffCpu(sampleCpu(pids), before);
    const windowMs = performance.now() - t0;
    const net: CpuSample = {};
    for (const [name, v] of Object.entries(used))
      net[name] = Math.max(0, v - ((idlePerSecond[name] ?? 0) * windowMs) / 1000);
    return { used, idlePerSecond, windowMs, net };
  };
}
