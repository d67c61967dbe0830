/**
 * The frames waiting for the speaker device (pure: frames in, one frame out each time the device takes one).
 *
 * The device takes a frame every 20 ms by its own clock; frames come from the call's playout timer by another clock,
 * with jitter. If the device ever finds nothing to play, PortAudio's callback (naudiodon's) waits for data and the
 * sound card underruns: a click, and every later sample played a little later than before. So the device is given a
 * frame every time it takes one — the next waiting, or silence when none is — and never starves. Silence given while
 * frames are late leaves one more frame waiting afterwards: the queue grows its own cushion against the jitter it
 * meets, up to `maxFrames`, past which the oldest is dropped (the device's clock is slower than the timer's, or the
 * device stalled): latency stays bounded (SPEC §4).
 */
import { SAMPLES_PER_FRAME } from './format.js';

export class PlaybackQueue {
  private readonly waiting: Int16Array[] = [];
  private readonly silence = new Int16Array(SAMPLES_PER_FRAME);
  private flowing = false;
  /** Frames dropped because too many were waiting (for stats and tests). */
  dropped = 0;
  /** Times the device got silence because the next frame was late, mid-stream (for stats and tests). */
  gaps = 0;

  /** @param maxFrames how many frames may wait (beyond it the oldest is dropped); default 3 (60 ms). */
  constructor(private readonly maxFrames = 3) {}

  get length(): number {
    return this.waiting.length;
  }

  /** A frame from the playout timer. */
  push(pcm: Int16Array): void {
    this.waiting.push(pcm);
    while (this.waiting.length > this.maxFrames) {
      this.waiting.shift();
      this.dropped += 1;
    }
  }

  /** The frame to give the device now: the oldest waiting, or silence. */
  next(): Int16Array {
    const pcm = this.waiting.shift();
    if (pcm) {
      this.flowing = true;
      return pcm;
    }
    if (this.flowing) this.gaps += 1;
    this.flowing = false;
    return this.silence;
  }
}
