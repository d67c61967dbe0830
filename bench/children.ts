/**
 * Spawning and talking to the benchmark's child processes (bench/child.ts), optionally pinned to a CPU with
 * taskset, with every wait bounded in time and every child killed by its pid when the benchmark ends.
 */
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { availableParallelism } from 'node:os';

const CHILD_ENTRY = fileURLToPath(new URL('./child.js', import.meta.url));
/** Children are pinned to CPUs 0 and 1 when taskset exists and there are two cores to pin to. */
const CAN_PIN_CPUS = spawnSync('taskset', ['-V']).status === 0 && availableParallelism() >= 2;
const live = new Set<ChildProcess>();

/** Kills every child still running (on exit, or after an error). */
export function killAll(): void {
  for (const child of live) if (child.exitCode === null && child.pid) child.kill('SIGKILL');
  live.clear();
}
process.on('exit', killAll);

export interface BenchChild {
  process: ChildProcess;
  pid: number;
  /** Resolves with the next IPC message of `type` (rejects after `timeoutMs` or when the child exits). */
  next<T = Record<string, unknown>>(type: string, timeoutMs?: number): Promise<T>;
  send(message: object): void;
  /** Asks it to stop, then kills it if it has not exited within 3 s. */
  stop(): Promise<void>;
}

/**
 * Forks a child role; `cpu` pins it (and its threads) to one CPU when taskset is available. `entry`: another build's
 * bench/child.js (bench/ab-server.ts runs two builds side by side).
 */
export function startChild(role: string, args: object, cpu?: number, entry = CHILD_ENTRY): BenchChild {
  const argv = [role, JSON.stringify(args)];
  // Profiling the server under load (docs/performance.md): e.g. LC_BENCH_SERVER_NODE_FLAGS="--cpu-prof --trace-gc".
  const nodeFlags = role === 'server' ? (process.env.LC_BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter(Boolean) : [];
  const child =
    cpu !== undefined && CAN_PIN_CPUS
      ? spawn('taskset', ['-c', String(cpu), process.execPath, ...nodeFlags, entry, ...argv], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
      : fork(entry, argv, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: nodeFlags });
  live.add(child);
  const queue: Array<Record<string, unknown>> = [];
  const waiters: Array<{ type: string; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  child.on('message', (msg: Record<string, unknown>) => {
    const i = waiters.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(msg);
    else queue.push(msg);
  });
  child.on('exit', (code) => {
    live.delete(child);
    for (const w of waiters.splice(0)) w.reject(new Error(`bench child ${role} exited (code ${code}) while waiting for "${w.type}"`));
  });
  return {
    process: child,
    pid: child.pid!,
    next<T>(type: string, timeoutMs = 30_000): Promise<T> {
      const i = queue.findIndex((m) => m.type === type);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as T);
      if (child.exitCode !== null) return Promise.reject(new Error(`bench child ${role} has exited`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`bench child ${role}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          type,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
      });
    },
    send(message) {
      if (child.connected) child.send(message);
    },
    stop() {
      if (child.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
        }, 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        if (child.connected) child.send({ type: 'stop' });
        else child.kill('SIGTERM');
      });
    },
  };
}

/** Whether children can be pinned to cores. */
export const CAN_PIN = CAN_PIN_CPUS;

/** A TCP port that was free on 127.0.0.1 a moment ago, for a child that must be told its port up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
