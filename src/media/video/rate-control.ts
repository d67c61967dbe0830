/**
 * JPEG quality chosen for a bitrate, as every video encoder's rate control does. A fixed quality (60) gives the test
 * pattern ~160 kbit/s and a detailed camera picture (fur, foliage, a bookshelf) ~335 kbit/s at 160×120 and 15 fps;
 * the uplink target (SPEC §5) and links shared with SSH need the bitrate bounded whatever the camera sees. Simple
 * pictures get more quality for the same budget. Pure.
 *
 * Control: a running average of frame sizes against the per-frame budget; the quality moves a step of 5 when the
 * average is over budget, or under it by more than a step's worth of bytes (~7 %), then holds a few frames so the
 * average sees the new quality before the next move. Below quality 45 a picture shows its 8×8 blocks, so before
 * that the picture goes at three quarters of its size instead (as WebRTC's quality scaler does): at the same bytes a
 * smaller picture at quality 65 looks cleaner than the full one at 35, and in a grid the pane shows it at half size
 * anyway. It comes back to full size once that would fit at quality 55 or better. A picture too detailed for the
 * budget even at the lowest quality and size is sent at a lower frame rate instead: a byte bucket holding half a
 * second of budget admits frames only while it is not overdrawn, so the bitrate is a ceiling, not a wish.
 */

/** Options of `VideoRateControl`. */
export interface VideoRateControlOptions {
  /** Bits per second the video may use at `fps`. Default 240,000 (SPEC §5 uplink ≤ 300 kbit/s with audio). */
  bitsPerSecond?: number;
  /** Frame rate the budget is shared by. A sender that sends fewer frames (congestion) uses less. Default 15. */
  fps?: number;
  /** Quality range, 1–100. Defaults 30 and 80: below 30 blocks show; above 80 bytes buy little in a terminal. */
  minQuality?: number;
  maxQuality?: number;
  /** Quality of the first frame. Default 60. */
  initialQuality?: number;
}

export const DEFAULT_VIDEO_BITRATE = 240_000;
const QUALITY_STEP = 5;
/** Frames to wait after a change: the average then reflects the new quality. */
const HOLD_FRAMES = 4;
/** Weight of the newest frame in the running average. */
const AVERAGE_WEIGHT = 0.25;
/** A step of 5 changes a frame's size by about this factor (measured from 30 to 80 on camera-like pictures). */
const STEP_SIZE_FACTOR = 1.07;
/** The smaller picture's size as a fraction of the full one's, per side. */
export const SMALLER_SCALE = 0.75;
/** Bytes of a frame at SMALLER_SCALE against full size at the same quality (measured on the fixture clip: 0.68–0.70). */
const SMALLER_BYTES_FACTOR = 0.7;
/** Full size goes down to the smaller picture rather than below this quality... */
const SCALE_DOWN_BELOW_QUALITY = 45;
/** ... and comes back when full size would fit at this quality (the gap keeps it from going back and forth). */
const SCALE_UP_AT_QUALITY = 55;

export class VideoRateControl {
  private q: number;
  private averageBytes: number | undefined;
  private hold = 0;
  private readonly budgetBytes: number;
  private readonly bytesPerMs: number;
  private bucket: number;
  private readonly bucketCapacity: number;
  private bucketAt: number | undefined;
  private readonly min: number;
  private readonly max: number;
  private smaller = false;

  constructor(options: VideoRateControlOptions = {}) {
    const bits = options.bitsPerSecond ?? DEFAULT_VIDEO_BITRATE;
    if (!(bits > 0)) throw new RangeError('the video bitrate must be above 0');
    this.budgetBytes = bits / 8 / (options.fps ?? 15);
    this.bytesPerMs = bits / 8 / 1000;
    // Half a second of budget: room for frames that vary around the average, not for a burst worth a second.
    this.bucketCapacity = this.bucket = bits / 8 / 2;
    this.min = options.minQuality ?? 30;
    this.max = options.maxQuality ?? 80;
    this.q = Math.min(this.max, Math.max(this.min, options.initialQuality ?? 60));
  }

  /** The quality to encode the next frame at. */
  get quality(): number {
    return this.q;
  }

  /** The picture's size to send, as a fraction of the captured one per side: 1, or SMALLER_SCALE. */
  get scale(): number {
    return this.smaller ? SMALLER_SCALE : 1;
  }

  /** Bytes one frame may use. */
  get frameBudgetBytes(): number {
    return this.budgetBytes;
  }

  /**
   * Whether the frame captured at `nowMs` (any monotonic milliseconds) may be encoded: false while the frames sent
   * lately overdrew the budget.
   */
  admit(nowMs: number): boolean {
    if (this.bucketAt !== undefined) this.bucket = Math.min(this.bucketCapacity, this.bucket + (nowMs - this.bucketAt) * this.bytesPerMs);
    this.bucketAt = nowMs;
    return this.bucket >= 0;
  }

  /**
   * Reports a frame sent. `atOwnQuality`: it was encoded at `quality` and `scale`, so its size tells how they fit
   * the budget (a congested sender caps the quality and scales down further; those frames only spend).
   */
  encoded(bytes: number, atOwnQuality = true): void {
    this.bucket -= bytes;
    if (!atOwnQuality) return;
    this.averageBytes = this.averageBytes === undefined ? bytes : this.averageBytes + AVERAGE_WEIGHT * (bytes - this.averageBytes);
    if (this.hold > 0) {
      this.hold -= 1;
      return;
    }
    const ratio = this.averageBytes / this.budgetBytes;
    let next = this.q;
    if (ratio > 1) next = this.q - QUALITY_STEP * (ratio > STEP_SIZE_FACTOR ** 3 ? 2 : 1);
    else if (ratio * STEP_SIZE_FACTOR < 0.97) next = this.q + QUALITY_STEP;
    if (!this.smaller && next < Math.max(this.min, SCALE_DOWN_BELOW_QUALITY)) {
      // Smaller rather than blocky: same quality, fewer bytes; the quality climbs from there.
      this.smaller = true;
      this.averageBytes *= SMALLER_BYTES_FACTOR;
      this.hold = HOLD_FRAMES;
      return;
    }
    if (this.smaller && ratio <= 1) {
      const fullSizeAtScaleUpQuality = (this.averageBytes / SMALLER_BYTES_FACTOR) * STEP_SIZE_FACTOR ** ((SCALE_UP_AT_QUALITY - this.q) / QUALITY_STEP);
      if (fullSizeAtScaleUpQuality <= 0.97 * this.budgetBytes) {
        this.smaller = false;
        this.q = Math.min(this.max, Math.max(this.min, SCALE_UP_AT_QUALITY));
        this.averageBytes = fullSizeAtScaleUpQuality;
        this.hold = HOLD_FRAMES;
        return;
      }
    }
    next = Math.min(this.max, Math.max(this.min, next));
    if (next === this.q) return;
    // The average is rescaled to what the new quality would have given, so it does not drag the next decision.
    this.averageBytes *= STEP_SIZE_FACTOR ** ((next - this.q) / QUALITY_STEP);
    this.q = next;
    this.hold = HOLD_FRAMES;
  }
}
