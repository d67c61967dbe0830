import { monotonicMs } from '../util/clock.js';
/**
 * Counts failures per key (a remote address) in a sliding window; a key with `maxFailures` failures inside
 * `windowMs` is blocked until the oldest of them ages out. Pure, with an injected clock.
 */
export interface FailureLimiterOptions {
  /** Failures allowed inside the window. Default 5. */
  maxFailures?: number;
  /** Window length. Default 60 s. */
  windowMs?: number;
  /** Keys remembered at most, so a flood of addresses cannot grow memory without bound. Default 10,000. */
  maxKeys?: number;
  /** Milliseconds, for durations. Default monotonicMs (a wall clock may be set back). */
  now?: () => number;
}

export class FailureLimiter {
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly failures = new Map<string, number[]>();

  constructor(options: FailureLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxKeys = options.maxKeys ?? 10_000;
    this.now = options.now ?? monotonicMs;
  }

  /** Milliseconds until `key` may try again; 0 when it is not blocked. */
  blockedForMs(key: string): number {
    const times = this.recent(key);
    if (times.length < this.maxFailures) return 0;
    return Math.max(0, times[times.length - this.maxFailures]! + this.windowMs - this.now());
  }

  recordFailure(key: string): void {
    const times = this.recent(key);
    times.push(this.now());
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) {
      // Maps iterate in insertion order: the first key is the least recently failing one.
      this.failures.delete(this.failures.keys().next().value!);
    }
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const times = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.failures.delete(key);
    return times;
  }
}
