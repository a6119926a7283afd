import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** A child process whose output goes to a log file, kept for error messages. */
export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  exited: Promise<number | null>;
}

export function startProcess(name: string, command: string, args: string[], logFile: string): ManagedProcess {
  // appends: a restarted process keeps its earlier output in the same log
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return { name, child, logFile, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopProcess(p: ManagedProcess, graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
  await p.exited;
  clearTimeout(timer);
}

/**
 * Starts a detached shell that waits for this Node process to die and then kills the control
 * plane and removes its directory, so nothing is left behind even after `kill -9` of the tests.
 * With `pidFile`, the pids listed in that file when it fires are killed too (restarted processes).
 */
export function startWatchdog(pids: number[], dir: string, pidFile?: string): ChildProcess {
  const fromFile = pidFile ? ` $(cat '${pidFile.replace(/'/g, '')}' 2>/dev/null)` : '';
  const script =
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `kill -9 ${pids.join(' ')}${fromFile} 2>/dev/null; sleep 0.5; rm -rf '${dir.replace(/'/g, '')}'`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog;
}
