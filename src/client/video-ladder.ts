/** The video ladder of a congested sender, and the pure logic that moves along it. Used by OutgoingMedia. */

/**
 * The video ladder (docs/protocol.md §5.2): what the sender gives up, in order, while the path is congested —
 * frame rate first, then JPEG quality, then resolution, and last video altogether, so audio keeps its bandwidth.
 * `maxQuality` caps the quality the rate control (VideoRateControl) would choose for the bitrate.
 */
export const VIDEO_LADDER: ReadonlyArray<{ fps: number; maxQuality: number; scale: number; paused: boolean }> = [
  { fps: 15, maxQuality: 100, scale: 1, paused: false },
  { fps: 10, maxQuality: 100, scale: 1, paused: false },
  { fps: 5, maxQuality: 100, scale: 1, paused: false },
  { fps: 5, maxQuality: 35, scale: 1, paused: false },
  { fps: 5, maxQuality: 35, scale: 0.5, paused: false },
  { fps: 0, maxQuality: 35, scale: 0.5, paused: true },
];
const PAUSED_STEP = VIDEO_LADDER.length - 1;

/** Timing of the ladder. The defaults suit the server's 0.5 s congestion sweep; tests make them shorter. */
export interface VideoAdaptationOptions {
  /** Least time between two steps down. Default 1.5 s (the server needs a few sweeps to see the effect). */
  downIntervalMs?: number;
  /** Time without congestion before the first step back up. Default 4 s. */
  upHoldMs?: number;
  /** Least time between two steps up. Default 2 s. */
  upIntervalMs?: number;
  /** A climb that congestion undoes within this time failed, and the rung waits twice as long next time. Default 10 s. */
  failedClimbMs?: number;
  /** The longest wait before a rung that keeps failing is tried again. Default 64 s. */
  longestUpHoldMs?: number;
  /** Own uplink: bytes waiting to be sent above which the uplink counts as congested (level 1). Default 32 KiB. */
  uplinkCongestedBytes?: number;
  /** Own uplink: bytes waiting above which audio is at risk (level 2). Default 96 KiB. */
  uplinkSevereBytes?: number;
}

/** Where on the ladder the sender is, and why; for stats. */
export interface VideoSendState {
  /** Whether video goes out now: a source, the camera on, the ladder not paused. The figures below say how. */
  sending: boolean;
  /** The source's description; null without one (`--video none`, or it stopped for good). */
  source: string | null;
  step: number;
  fps: number;
  /** JPEG quality of the frames going out now. */
  quality: number;
  /** The bitrate the quality is chosen for, at full frame rate (`--video-bitrate`), kbit/s. */
  bitrateKbps: number;
  /** Size of the picture sent, per side, against the captured one: the rate control's and the ladder's together. */
  scale: number;
  paused: boolean;
  /** Highest congestion level reported for any receiver, and the own uplink's. */
  remoteCongestion: number;
  uplinkCongestion: number;
}

/**
 * Pure ladder logic: level 1 steps down one rung, level 2 two rungs, at most every `downIntervalMs`; a clear path
 * for `upHoldMs` climbs one rung every `upIntervalMs` (fall fast, climb slowly, like any congestion control).
 *
 * A path a little slower than a rung congests a second or two after every climb onto it: left alone the sender
 * would go up and down every few seconds, the others' audio late by 100–250 ms each time. So a climb that congestion
 * undoes within `failedClimbMs` doubles the wait before that rung is tried again (up to `longestUpHoldMs`), and one
 * that holds resets it — the backoff of a probe that keeps failing.
 */
export class VideoAdaptation {
  step = 0;
  private lastChangeAt = Number.NEGATIVE_INFINITY;
  private clearSince: number | undefined;
  /** The rung last climbed onto, and when, until it has held for `failedClimbMs`. */
  private lastClimb: { step: number; at: number } | undefined;
  /** Wait before climbing onto a rung whose last climbs failed, by rung; `upHoldMs` for the others. */
  private readonly holdBefore = new Map<number, number>();
  private readonly downIntervalMs: number;
  private readonly upHoldMs: number;
  private readonly upIntervalMs: number;
  private readonly failedClimbMs: number;
  private readonly longestUpHoldMs: number;

  constructor(options: VideoAdaptationOptions = {}) {
    this.downIntervalMs = options.downIntervalMs ?? 1500;
    this.upHoldMs = options.upHoldMs ?? 4000;
    this.upIntervalMs = options.upIntervalMs ?? 2000;
    this.failedClimbMs = options.failedClimbMs ?? 10_000;
    this.longestUpHoldMs = options.longestUpHoldMs ?? 64_000;
  }

  /** Feeds the current congestion level (0–2); returns true when the step changed. */
  update(level: number, now: number): boolean {
    const climb = this.lastClimb;
    if (climb && now - climb.at >= this.failedClimbMs) {
      this.holdBefore.delete(climb.step);
      this.lastClimb = undefined;
    }
    if (level > 0) {
      this.clearSince = undefined;
      if (this.step >= PAUSED_STEP || now - this.lastChangeAt < this.downIntervalMs) return false;
      if (this.lastClimb) {
        const failed = this.lastClimb.step;
        this.holdBefore.set(failed, Math.min(this.longestUpHoldMs, 2 * this.holdBeforeClimbingOnto(failed)));
        this.lastClimb = undefined;
      }
      this.step = Math.min(PAUSED_STEP, this.step + (level >= 2 ? 2 : 1));
      this.lastChangeAt = now;
      return true;
    }
    this.clearSince ??= now;
    if (this.step === 0 || now - this.lastChangeAt < this.upIntervalMs) return false;
    if (now - this.clearSince < this.holdBeforeClimbingOnto(this.step - 1)) return false;
    // The climb before this one held: no congestion since.
    if (this.lastClimb) this.holdBefore.delete(this.lastClimb.step);
    this.step -= 1;
    this.lastChangeAt = now;
    this.lastClimb = { step: this.step, at: now };
    return true;
  }

  private holdBeforeClimbingOnto(step: number): number {
    return this.holdBefore.get(step) ?? this.upHoldMs;
  }
}
