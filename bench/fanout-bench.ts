/**
 * Server fan-out on one core (SPEC §5: rooms of 8, 15 fps video of ~5 KB + 50 audio frames/s per sender; ≥ 200
 * clients with p99 relay ≤ 10 ms): the server under test is pinned to CPU 1, the load generator (fanout-load.ts)
 * to CPU 0. Client counts grow until p99 passes the limit. The same load runs against our server in plain TCP and
 * TLS 1.3, and against Debian's mosquitto (single-threaded, also pinned to CPU 1) as the side-by-side baseline.
 * A fresh server per step, so CPU and memory per client are that step's alone.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CAN_PIN, freePort, startChild } from './children.js';
import type { LoadArgs, LoadReport } from './fanout-load.js';
import { CpuMeter, procRssBytes, sleep } from './stats.js';

export type FanoutTarget = 'livecomm' | 'livecomm-tls' | 'mosquitto';

export interface FanoutStep {
  target: FanoutTarget;
  clients: number;
  load: LoadReport;
  serverCpuPercent: number;
  /** The kernel's part of serverCpuPercent. */
  serverSystemCpuPercent: number;
  serverRssBaseBytes: number;
  serverRssBytes: number;
  /** (RSS under load − RSS before clients) / clients. */
  memPerClientBytes: number;
}

export interface FanoutOptions {
  steps: number[];
  warmupMs: number;
  measureMs: number;
  p99LimitMs: number;
  /** Stop a target after this many steps over the limit. Default 1. */
  failuresBeforeStop?: number;
  /** Participants per room. Default 8. */
  roomSize?: number;
}

/** What every simulated sender sends (rooms of 8 unless a run says otherwise). */
export const LOAD: Omit<LoadArgs, 'protocol' | 'port' | 'tls' | 'clients' | 'warmupMs' | 'measureMs'> = {
  roomSize: 8,
  videoBytes: 5000,
  audioBytes: 61,
  fps: 15,
  audioFps: 50,
  videoWithAudio: true,
};

/** Whether mosquitto is installed (Debian package `mosquitto`). */
export function hasMosquitto(): boolean {
  return spawnSync('mosquitto', ['-h']).error === undefined;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

export interface RunningTarget {
  pid: number;
  port: number;
  stop(): Promise<void>;
}

/** mosquitto on CPU 1 (when pinning is possible), relaying and nothing else. */
export async function startMosquitto(): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-bench-mqtt-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // Loopback only, no persistence, no logging: the broker does nothing but relay. TCP_NODELAY as our server sets it:
  // with Nagle (mosquitto's default) small audio messages wait for delayed ACKs, ~40 ms, which measures the kernel.
  writeFileSync(
    conf,
    [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest none', 'max_connections -1', 'set_tcp_nodelay true', ''].join('\n'),
  );
  const args = ['-c', conf];
  const child: ChildProcess = CAN_PIN ? spawn('taskset', ['-c', '1', 'mosquitto', ...args], { stdio: 'ignore' }) : spawn('mosquitto', args, { stdio: 'ignore' });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(2000).then(() => child.kill('SIGKILL'))]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, 5000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { pid: child.pid!, port, stop };
}

async function startOurServer(tls: boolean): Promise<RunningTarget> {
  const server = startChild('server', { tls }, CAN_PIN ? 1 : undefined);
  const { port } = await server.next<{ port: number }>('ready', 15_000);
  return { pid: server.pid, port, stop: () => server.stop() };
}

async function runStep(target: FanoutTarget, clients: number, o: FanoutOptions): Promise<FanoutStep> {
  const running = target === 'mosquitto' ? await startMosquitto() : await startOurServer(target === 'livecomm-tls');
  try {
    await sleep(200);
    const rssBase = procRssBytes(running.pid) ?? NaN;
    const args: LoadArgs = {
      ...LOAD,
      roomSize: o.roomSize ?? LOAD.roomSize,
      protocol: target === 'mosquitto' ? 'mqtt' : 'livecomm',
      port: running.port,
      tls: target === 'livecomm-tls',
      clients,
      warmupMs: o.warmupMs,
      measureMs: o.measureMs,
    };
    const load = startChild('loadgen', args, CAN_PIN ? 0 : undefined);
    try {
      const cpu = new CpuMeter(running.pid);
      await load.next('measure-start', 60_000);
      cpu.start();
      await load.next('measure-stop', o.measureMs + 10_000);
      const serverCpuPercent = cpu.stop();
      const serverRss = procRssBytes(running.pid) ?? NaN;
      const { report } = await load.next<{ report: LoadReport }>('report', 10_000);
      return {
        target,
        clients,
        load: report,
        serverCpuPercent,
        serverSystemCpuPercent: cpu.systemPercent,
        serverRssBaseBytes: rssBase,
        serverRssBytes: serverRss,
        memPerClientBytes: (serverRss - rssBase) / clients,
      };
    } finally {
      await load.stop();
    }
  } finally {
    await running.stop();
  }
}

/**
 * A step passes when the median 1-second window has p99 ≤ the limit and ≥ 99 % of frames were delivered. The median
 * window rather than the whole run: other programs on a shared 2-core machine cause bursts no server controls; the
 * whole-run p99 is printed next to it.
 */
export function stepPasses(step: FanoutStep, limitMs: number): boolean {
  return step.load.medianWindowP99 <= limitMs && step.load.deliveryRatio >= 0.99;
}

/** Runs the steps for each target; a target stops after `failuresBeforeStop` steps over the limit, or one that errs. */
export async function runFanoutBench(targets: FanoutTarget[], o: FanoutOptions, progress: (line: string) => void): Promise<FanoutStep[]> {
  const out: FanoutStep[] = [];
  for (const target of targets) {
    let failures = 0;
    for (const clients of o.steps) {
      let step: FanoutStep;
      try {
        step = await runStep(target, clients, o);
      } catch (err) {
        progress(`  ${target} ${clients} clients: ${(err as Error).message}`);
        break;
      }
      out.push(step);
      progress(
        `  ${target.padEnd(12)} ${String(clients).padStart(3)} clients: p99 ${step.load.all.p99.toFixed(2)} ms ` +
          `(1-s windows ${step.load.windowP99s.map((p) => p.toFixed(1)).join(' ')}), ` +
          `server ${step.serverCpuPercent.toFixed(step.clients < 10 ? 2 : 0)} % CPU (sys ${step.serverSystemCpuPercent.toFixed(step.clients < 10 ? 2 : 0)}), delivered ${(step.load.deliveryRatio * 100).toFixed(1)} %, ` +
          `generator ${step.load.generatorCpuPercent.toFixed(0)} %`,
      );
      if (!stepPasses(step, o.p99LimitMs)) {
        failures += 1;
        if (failures >= (o.failuresBeforeStop ?? 1)) break;
      }
    }
  }
  return out;
}
