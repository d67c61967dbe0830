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

/**
 * Elapsed milliseconds that count time asleep, as `Date.now` does (the monotonic clock stops while the machine
 * sleeps), but not a wall clock set back, which no time passing explains: on `Date.now` that read as an hour gone
 * backwards. (A clock set forward looks like sleep, and counts.) Only for differences within this process.
 */
export function elapsedClock(wall: () => number = Date.now, mono: () => number = monotonicMs): () => number {
  let offset = wall() - mono();
  return () => {
    const m = mono();
    offset = Math.max(offset, wall() - m);
    return m + offset;
  };
}
