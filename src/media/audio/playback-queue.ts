/**
 * The frames waiting for the speaker device (pure: frames in, one frame out each time the device takes one).
 *
 * The device takes a frame every 20 ms by its own clock; frames come from the call's playout timer by another clock,
 * with jitter. If the device ever finds nothing to play, PortAudio's callback (naudiodon's) waits for data and the
 * sound card underruns: a click, and every later sample played a little later than before. So the device is given a
 * frame every time it takes one — the next waiting, or silence when none is — and never starves. Silence given while
 * frames are late leaves one more frame waiting afterwards: the queue grows its own cushion against the lateness it
 * meets. On a busy machine the call's timer can be late by 100 ms and more, again and again: the cushion may then
 * grow to `maxFrames`, past which the oldest is dropped (the device's clock is slower than the timer's, or the device
 * stalled). A cushion beyond `keepFrames` that went unused for a while is only latency: one quiet frame of it is shed
 * at a time (any frame, when none is quiet for 10 s), so the queue comes back down to the usual few frames when the
 * machine is idle again.
 */
import { PLAYBACK_BACKLOG_FRAMES, SAMPLES_PER_FRAME } from './format.js';

/** How long a cushion beyond `keepFrames` must go unused before one frame of it is shed: 3 s of frames. */
const SHED_WINDOW_FRAMES = 150;
/**
 * A frame this quiet (peak under −30 dBFS) may be shed unheard; a louder one is a piece of a word. With voice activity
 * (SPEC §4) the mix is silence between sentences, so a quiet frame comes within a second or two.
 */
const QUIET_PEAK = 1024;
/**
 * How long a frame to shed waits for a quiet one before the next frame goes whatever it is: 10 s. A sound that never
 * pauses that long is not speech (music, a tone, a noisy room with --transmit continuous), and without this the
 * cushion one stall left stayed for the rest of the call, up to 200 ms (the jitter buffer does the same, sooner).
 */
const QUIET_WAIT_FRAMES = 500;

export interface PlaybackQueueOptions {
  /** How many frames may wait; beyond it the oldest is dropped. Default PLAYBACK_BACKLOG_FRAMES (200 ms). */
  maxFrames?: number;
  /** A cushion this size (default 3, 60 ms) is kept however long it goes unused; beyond it, unused frames are shed. */
  keepFrames?: number;
}

export class PlaybackQueue {
  private readonly waiting: Int16Array[] = [];
  private readonly silence = new Int16Array(SAMPLES_PER_FRAME);
  private readonly maxFrames: number;
  private readonly keepFrames: number;
  private flowing = false;
  /** Frames given since the shed window began, and the fewest that were waiting at any of them. */
  private windowFrames = 0;
  private windowLeast = Infinity;
  /** A frame of unused cushion is to be shed at the next quiet frame. */
  private shedding = false;
  /** Frames given since that shed became due without a quiet one to shed. */
  private shedWait = 0;
  /** Frames dropped because too many were waiting (for stats and tests). */
  dropped = 0;
  /** Quiet frames of unused cushion shed (for stats and tests). */
  shed = 0;
  /** Times the device got silence because the next frame was late, mid-stream (for stats and tests). */
  gaps = 0;

  constructor(opts: PlaybackQueueOptions = {}) {
    this.maxFrames = opts.maxFrames ?? PLAYBACK_BACKLOG_FRAMES;
    this.keepFrames = Math.min(opts.keepFrames ?? 3, this.maxFrames);
  }

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
    // Shed from the front, the frame after this one: its neighbours play back to back.
    if (this.shedding && this.waiting.length > this.keepFrames) {
      this.shedWait += 1;
      if (isQuiet(this.waiting[0]!) || this.shedWait >= QUIET_WAIT_FRAMES) {
        this.waiting.shift();
        this.shed += 1;
        this.shedding = false;
      }
    }
    this.watchCushion();
    if (pcm) {
      this.flowing = true;
      return pcm;
    }
    if (this.flowing) this.gaps += 1;
    this.flowing = false;
    return this.silence;
  }

  /**
   * Frames that were waiting at every turn of a window were never needed against lateness. One of them beyond
   * `keepFrames` is shed per window: gently, as a cushion that was needed once may be needed again soon.
   */
  private watchCushion(): void {
    this.windowLeast = Math.min(this.windowLeast, this.waiting.length);
    this.windowFrames += 1;
    if (this.windowFrames < SHED_WINDOW_FRAMES) return;
    // At least two never needed: shedding one still leaves one frame of the cushion that went unused. A window in
    // which the cushion was drawn on (the machine is still busy) sheds nothing.
    const due = this.windowLeast >= 2 && this.waiting.length > this.keepFrames;
    // A shed still waiting for a quiet frame keeps its wait: a window of music after it must not start it afresh.
    if (!this.shedding || !due) this.shedWait = 0;
    this.shedding = due;
    this.windowFrames = 0;
    this.windowLeast = Infinity;
  }
}

function isQuiet(pcm: Int16Array): boolean {
  for (const sample of pcm) if (sample >= QUIET_PEAK || sample <= -QUIET_PEAK) return false;
  return true;
}
