/**
 * Tells a dead audio stream from a slow one (pure: the caller gives it the time). When PulseAudio goes away or the
 * device is unplugged, naudiodon reports nothing: no error, no end, its write callback just never fires again and
 * no more data comes. So the device worker counts how long its stream has made no progress and gives up on it past
 * `stallMs`. Time this process itself was not running (SIGSTOP, a machine too busy to schedule it) is not the
 * device's fault: a check that comes late counts as two periods at most, so after such a pause the device has its
 * time to catch up again. A suspended sink stalls the stream for as long as it is suspended, and comes back.
 */

/** Options of `StallWatchdog`; times in ms. */
export interface StallWatchdogOptions {
  /**
   * How long a running stream may make no progress before it counts as dead. Default 2000: a Bluetooth headset
   * changing profile or a stream moved to another device stalls for up to about a second, and comes back.
   */
  stallMs?: number;
  /** The same until its first progress: a device can take a while to open. Default 3000. */
  startMs?: number;
  /** How often `check` is called; a later check counts as two periods at most. Default 100. */
  checkMs?: number;
}

export const DEFAULT_STALL_MS = 2000;

export class StallWatchdog {
  private readonly stallMs: number;
  private readonly startMs: number;
  private readonly maxStepMs: number;
  private lastCheck: number;
  private lastProgress = Number.NEGATIVE_INFINITY;
  private started_ = false;
  /** Time without progress, counted only while this process ran. */
  private stalledMs = 0;

  constructor(now: number, options: StallWatchdogOptions = {}) {
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.startMs = options.startMs ?? 3000;
    this.maxStepMs = 2 * (options.checkMs ?? 100);
    this.lastCheck = now;
  }

  /** The stream moved at `now`: a write completed, or data came. */
  progress(now: number): void {
    this.started_ = true;
    this.stalledMs = 0;
    this.lastProgress = now;
  }

  /** Called every `checkMs`; true when the stream counts as dead. */
  check(now: number): boolean {
    // Only the time since the last progress counts: a stream that moved a moment ago is not idle since the last check.
    const since = Math.max(this.lastCheck, this.lastProgress);
    this.stalledMs += Math.max(0, Math.min(now - since, this.maxStepMs));
    this.lastCheck = now;
    return this.stalledMs >= this.limitMs;
  }

  /** Whether the stream ever made progress. */
  get started(): boolean {
    return this.started_;
  }

  /** How long the stream may make no progress now: `stallMs` once it has made some, `startMs` before. */
  get limitMs(): number {
    return this.started_ ? this.stallMs : this.startMs;
  }

  /** How long the stream has made no progress (as `check` counts it). */
  get idleMs(): number {
    return this.stalledMs;
  }
}
