import { systemBootClock } from './boot-clock.js';

/**
 * Time sources, injected so pure modules can be tested with fake time.
 * `wallMs` is milliseconds since the Unix epoch with sub-millisecond precision: capture timestamps on the wire use
 * it (docs/protocol.md §3), so latency can be measured between processes on one machine.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, fractional. */
  wallMs(): number;
}

export const SYSTEM_CLOCK: Clock = {
  wallMs: () => performance.timeOrigin + performance.now(),
};

/**
 * Milliseconds on a clock that never steps (CLOCK_MONOTONIC, via `performance.now`), for timing durations: timeouts,
 * rate limits, round trips. `Date.now` jumps when the wall clock is set (NTP stepping it, a resumed VM, `date -s`):
 * an hour back stopped every rate limit refilling for that hour, and an hour forward made every silence an hour long.
 * Only for differences within this process: its zero is arbitrary.
 */
export const monotonicMs = (): number => performance.now();

/** What elapsedClock() reads. */
export interface ElapsedSources {
  /** CLOCK_MONOTONIC milliseconds: stops while the machine sleeps, never set. */
  mono: () => number;
  /** Wall-clock milliseconds (`Date.now`): goes on while the machine sleeps, but is also set, either way. */
  wall: () => number;
  /**
   * CLOCK_BOOTTIME milliseconds, where there is one (Linux: src/util/boot-clock.ts): goes on while the machine sleeps
   * and is never set. Coarser than `mono` is fine (10 ms steps); NaN is a failed read, ignored.
   */
  boot?: () => number;
}

/**
 * Elapsed milliseconds that count time asleep (the monotonic clock stops while the machine sleeps: a laptop closed
 * mid-call must leave that pause in a recording) but not the wall clock being set (NTP stepping it, a VM's guest
 * agent, `date -s`), which no time passing explains. Time asleep is what `boot` gained on `mono`. Where there is no
 * boot clock it is what `wall` gained: a clock set back is still not counted, but one set forward looks like sleep
 * and counts (on Linux that wrote seconds of silence that never happened into WAVs). Only for differences within
 * this process.
 */
export function elapsedClock(sources: ElapsedSources = systemElapsedSources()): () => number {
  const { mono } = sources;
  const asleep = sources.boot !== undefined && Number.isFinite(sources.boot()) ? sources.boot : sources.wall;
  let offset = asleep() - mono();
  return () => {
    const m = mono();
    // Only ever grows: time asleep is never given back. (`>` also passes over a NaN read.)
    const seen = asleep() - m;
    if (seen > offset) offset = seen;
    return m + offset;
  };
}

/** This process's sources: the boot clock where there is one. */
export function systemElapsedSources(): ElapsedSources {
  return { mono: monotonicMs, wall: () => Date.now(), boot: systemBootClock() };
}
