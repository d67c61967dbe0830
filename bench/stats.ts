/**
 * Small helpers every benchmark shares: latency histograms, percentiles, process CPU and memory read from /proc
 * (works for any child: node or mosquitto), the machine's description, and markdown tables.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Latency histogram with 0.01 ms buckets up to 5 s: constant memory whatever the sample count. */
export class LatencyHistogram {
  private static readonly BUCKET_MS = 0.01;
  private readonly buckets = new Uint32Array(500_000);
  count = 0;
  private sum = 0;
  max = 0;

  add(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    const i = Math.min(this.buckets.length - 1, Math.floor(v / LatencyHistogram.BUCKET_MS));
    this.buckets[i]! += 1;
    this.count += 1;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  merge(other: LatencyHistogram): void {
    for (let i = 0; i < this.buckets.length; i++) this.buckets[i]! += other.buckets[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  get mean(): number {
    return this.count ? this.sum / this.count : NaN;
  }

  /** The q-quantile (0–1), NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const want = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= want) return (i + 1) * LatencyHistogram.BUCKET_MS;
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { count: this.count, p50: this.quantile(0.5), p95: this.quantile(0.95), p99: this.quantile(0.99), max: this.max, mean: this.mean };
  }
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export const EMPTY_SUMMARY: LatencySummary = { count: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc/PID/stat; undefined once it is gone. */
export function procCpuSeconds(pid: number): number | undefined {
  const split = procCpuSplit(pid);
  return split ? split.user + split.system : undefined;
}

/** User and kernel CPU seconds of a process (utime, stime of /proc/PID/stat). */
export function procCpuSplit(pid: number): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in bytes, from /proc/PID/status. */
export function procRssBytes(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Measures a process's CPU share of one core between `start()` and `stop()`. */
export class CpuMeter {
  private cpu0 = { user: 0, system: 0 };
  private t0 = 0;
  /** Kernel share of the last measured window, percent of one core (syscalls: reads, writes, epoll). */
  systemPercent = NaN;
  constructor(private readonly pid: number) {}
  start(): void {
    this.cpu0 = procCpuSplit(this.pid) ?? { user: 0, system: 0 };
    this.t0 = performance.now();
  }
  /** Percent of one core since start(). */
  stop(): number {
    const now = procCpuSplit(this.pid) ?? this.cpu0;
    const wall = (performance.now() - this.t0) / 1000;
    if (!(wall > 0)) return NaN;
    this.systemPercent = ((now.system - this.cpu0.system) / wall) * 100;
    return ((now.user - this.cpu0.user + now.system - this.cpu0.system) / wall) * 100;
  }
}

/** This process's CPU (µs, user+system) for in-process meters with microsecond precision. */
export function selfCpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** One line describing the machine the numbers come from. */
export function machineDescription(): { cpu: string; cores: number; memory: string; node: string; os: string; load: string } {
  const cpus = os.cpus();
  let model = cpus[0]?.model ?? 'unknown CPU';
  try {
    // os.cpus() often says just "AMD EPYC" in VMs; lscpu-style details come from /proc/cpuinfo.
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const mhz = /cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1];
    if (mhz) model += ` @ ${(Number(mhz) / 1000).toFixed(2)} GHz`;
  } catch {
    // not Linux: the model alone
  }
  return {
    cpu: model,
    cores: cpus.length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

/** Formats a number with `digits` decimals, or an en dash for missing values. */
export function fmt(value: number | undefined, digits = 1): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** A markdown table (pipes), columns padded for reading in a terminal too. Numbers right-aligned. */
export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,×%x:/ ]*[\d–]+[\d.,%×x ]*$|^–$/.test(r[i] ?? '')));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map((r) => line(r))].join('\n');
}

/** PASS/FAIL for a target check. */
export function verdict(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
