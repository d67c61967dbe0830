import { CongestionLevel } from '../protocol/index.js';
import { SlowReceiverGuard } from './slow-receiver.js';

/** A receiver that has accepted nothing for this long is not reported as congested (docs/protocol.md §5.2). */
const FROZEN_RECEIVER_MS = 2_000;

/** What the server measures of the path to a receiver (its FrameTransport). */
export interface PathMeter {
  stalledMs(): number;
  congestionLevel(): number;
}

/** What one sample changed: the room is told a new `level`, the receiver that its video stops or resumes. */
export interface ReceiverPathChange {
  level?: number;
  videoWithheld?: boolean;
}

/**
 * The path from the server to one receiver: whether video goes down it — the receiver's own choice (RECEIVE,
 * docs/protocol.md §4.5) and whether it is too slow for the room's video (slow-receiver.ts) — and its congestion as the
 * room's senders were last told (§5.2). The peer samples it with each sweep and tells what changed.
 */
export class ReceiverPath {
  /** The level the room's senders were last told. */
  level: number = CongestionLevel.CLEAR;
  /** False after the receiver asked for audio only; every connection starts with video. */
  private receivesVideo = true;
  /** Too slow for the room's video: it gets none, and the senders are told its path is clear. */
  private videoWithheld = false;
  private readonly slowGuard = new SlowReceiverGuard();

  get takesVideo(): boolean {
    return this.receivesVideo && !this.videoWithheld;
  }

  /** The receiver asked for video (true) or for audio only. */
  choose(video: boolean): void {
    if (video && !this.receivesVideo) this.slowGuard.forgetSamples();
    this.receivesVideo = video;
  }

  sample(nowMs: number, meter: PathMeter): ReceiverPathChange {
    // A receiver that has taken nothing for a while is frozen or gone, not on a slow path: it must not make everyone's
    // video step down while it waits to be dropped (the stall timeout). A slow path still takes data, and is reported.
    const measured = meter.stalledMs() > FROZEN_RECEIVER_MS ? 0 : meter.congestionLevel();
    // Audio only by its own choice: no video takes this path, so the senders stepping theirs down cannot help it, and
    // it is not judged too slow for the video it does not ask for.
    const { level, withholdVideo } = this.receivesVideo
      ? this.slowGuard.sample(nowMs, measured)
      : { level: CongestionLevel.CLEAR, withholdVideo: this.videoWithheld };
    const change: ReceiverPathChange = {};
    if (withholdVideo !== this.videoWithheld) change.videoWithheld = this.videoWithheld = withholdVideo;
    if (level !== this.level) change.level = this.level = level;
    return change;
  }
}
