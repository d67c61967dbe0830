/**
 * One receiver too slow for the room's video must not hold everyone's video down (docs/protocol.md §5.2). Pure: fed
 * the receiver's congestion level at each sample (every 0.5 s), it says what level the senders are told and whether
 * the server withholds video from this receiver.
 *
 * Senders step their video down for the most congested receiver. A receiver whose path stays congested for most of
 * 20 s while they do (it cannot take the video the others can, or not even the audio) gets no video from the server
 * instead, and is reported clear, so the senders climb back for everyone else; its audio has its path to itself. The
 * video is tried again after 15 s, then 30 s, 60 s… up to 5 minutes while it keeps failing; a minute without
 * congestion forgets the failures.
 */

/** Samples remembered: 20 s at the server's 0.5 s sampling. */
const WINDOW_SAMPLES = 40;
/** Congested samples in the window that withhold video: half of them. */
const WITHHOLD_AFTER = 20;
const FIRST_RETRY_MS = 15_000;
const LONGEST_RETRY_MS = 5 * 60_000;
/** Calm this long with video flowing and the retry wait starts from the first again. */
const FORGIVEN_AFTER_MS = 60_000;

export interface SlowReceiverVerdict {
  /** The level the room's senders are told for this receiver. */
  level: number;
  /** The server sends this receiver no video. */
  withholdVideo: boolean;
}

export class SlowReceiverGuard {
  private readonly congested: boolean[] = [];
  private congestedCount = 0;
  private withheld = false;
  private retryAt = 0;
  private retryWaitMs = FIRST_RETRY_MS;
  private calmSince: number | undefined;

  /** One sample of the receiver's measured congestion level (0 clear, 1 video thinned, 2 audio at risk). */
  sample(nowMs: number, measured: number): SlowReceiverVerdict {
    if (this.withheld) {
      if (nowMs < this.retryAt || measured > 0) return { level: 0, withholdVideo: true };
      // Video again, on probation: the window starts empty.
      this.withheld = false;
      this.clearWindow();
      this.calmSince = nowMs;
      return { level: 0, withholdVideo: false };
    }
    this.remember(measured > 0);
    if (measured > 0) this.calmSince = undefined;
    else this.calmSince ??= nowMs;
    if (this.calmSince !== undefined && nowMs - this.calmSince >= FORGIVEN_AFTER_MS) this.retryWaitMs = FIRST_RETRY_MS;
    if (this.congestedCount < WITHHOLD_AFTER) return { level: measured, withholdVideo: false };
    this.withheld = true;
    this.retryAt = nowMs + this.retryWaitMs;
    this.retryWaitMs = Math.min(LONGEST_RETRY_MS, this.retryWaitMs * 2);
    this.clearWindow();
    return { level: 0, withholdVideo: true };
  }

  /**
   * The receiver asked for video again after a time audio only: what its path did before says nothing about now (the
   * window counts samples, not seconds). A wait for the next try, if video is withheld, still holds.
   */
  forgetSamples(): void {
    this.clearWindow();
    this.calmSince = undefined;
  }

  private remember(congested: boolean): void {
    this.congested.push(congested);
    if (congested) this.congestedCount++;
    if (this.congested.length > WINDOW_SAMPLES && this.congested.shift()) this.congestedCount--;
  }

  private clearWindow(): void {
    this.congested.length = 0;
    this.congestedCount = 0;
  }
}
