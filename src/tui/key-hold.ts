/**
 * Whether a key is being held down, in a terminal that only reports presses. Holding a key makes the terminal repeat
 * it (after a delay of 250–600 ms, then every ~30 ms), and letting go stops the repeats; a release is therefore a
 * silence in the repeats. Until the first repeat the silence must outlast the terminal's repeat delay; once repeats
 * come, a few of their intervals without one means the key is up. A terminal that reports releases (the kitty
 * keyboard protocol) is believed instead: the key is down from its press to its release, however the repeats come
 * (over SSH they come unevenly, and some users turn repeating off). Push-to-talk (`--transmit ptt`) uses it for
 * Space. Pure except for the timer, which is injected.
 */

/** Timers, injected so tests run on a fake clock. */
export interface HoldTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface KeyHoldOptions {
  /** How long a first press counts as held without a repeat: longer than the terminal's repeat delay. Default 700 ms. */
  firstRepeatWaitMs?: number;
  /** Once repeats come: released after this many repeat intervals without one. Default 4. */
  missedRepeats?: number;
  /** ... but never sooner than this (repeats over SSH arrive unevenly). Default 200 ms. */
  minReleaseMs?: number;
}

const SYSTEM_TIMERS: HoldTimers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class KeyHold {
  private held = false;
  private lastPressAt = 0;
  private repeatIntervalMs: number | undefined;
  private timer: unknown;
  private releasesReported = false;
  private readonly firstRepeatWaitMs: number;
  private readonly missedRepeats: number;
  private readonly minReleaseMs: number;

  constructor(
    private readonly onChange: (held: boolean) => void,
    options: KeyHoldOptions = {},
    private readonly timers: HoldTimers = SYSTEM_TIMERS,
  ) {
    this.firstRepeatWaitMs = options.firstRepeatWaitMs ?? 700;
    this.missedRepeats = options.missedRepeats ?? 4;
    this.minReleaseMs = options.minReleaseMs ?? 200;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** From now on the terminal says when the key goes up ({@link release}): no more guessing from the repeats. */
  trustReportedReleases(): void {
    this.releasesReported = true;
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The key was pressed, or repeated because it is still down. */
  press(): void {
    const now = this.timers.now();
    if (this.held) {
      // Twice the wait would be a new press after a missed release; keep the shortest interval seen.
      const interval = now - this.lastPressAt;
      if (interval < this.firstRepeatWaitMs) this.repeatIntervalMs = Math.min(this.repeatIntervalMs ?? interval, interval);
    } else {
      this.held = true;
      this.repeatIntervalMs = undefined;
      this.onChange(true);
    }
    this.lastPressAt = now;
    if (this.releasesReported) return;
    this.timers.clearTimeout(this.timer);
    const wait = this.repeatIntervalMs === undefined ? this.firstRepeatWaitMs : Math.max(this.minReleaseMs, this.missedRepeats * this.repeatIntervalMs);
    this.timer = this.timers.setTimeout(() => this.release(), wait);
  }

  /** Lets go now (the call ends, the screen loses the key). */
  release(): void {
    this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.held) return;
    this.held = false;
    this.onChange(false);
  }
}
