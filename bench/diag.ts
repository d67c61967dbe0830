/**
 * Optional diagnostics of a benchmark child (LC_BENCH_DIAG=1): once a second, to stderr, the event-loop delay
 * percentiles, event-loop utilisation and GC pauses of this process. For finding where relay latency comes from.
 */
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';

export function startDiagnostics(label: string): void {
  if (!process.env.LC_BENCH_DIAG) return;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let gcCount = 0;
  let gcMs = 0;
  let gcMax = 0;
  const kinds: Record<string, number> = {};
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcCount += 1;
      gcMs += e.duration;
      gcMax = Math.max(gcMax, e.duration);
      const kind = String((e as unknown as { detail?: { kind?: number } }).detail?.kind ?? "?");
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
  }).observe({ entryTypes: ['gc'] });
  let elu = performance.eventLoopUtilization();
  setInterval(() => {
    const now = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    const ms = (ns: number): string => (ns / 1e6).toFixed(1);
    process.stderr.write(
      `[${label}] loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms; ` +
        `elu ${(now.utilization * 100).toFixed(0)} %; gc ${gcCount}× ${gcMs.toFixed(1)} ms (max ${gcMax.toFixed(1)}) ${JSON.stringify(kinds)}; ` +
        `heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB\n`,
    );
    delay.reset();
    gcCount = gcMs = gcMax = 0;
    for (const k of Object.keys(kinds)) delete kinds[k];
  }, 1000).unref();
}

/**
 * With LC_BENCH_ALLOC_PROFILE=FILE, samples every allocation (also those the GC already collected) from now until
 * `stop()`, and writes the V8 sampling heap profile to FILE: where the garbage comes from.
 */
export async function startAllocationProfile(): Promise<() => Promise<void>> {
  const file = process.env.LC_BENCH_ALLOC_PROFILE;
  if (!file) return async () => {};
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
