/** Video that leaves with the next audio frame (docs/protocol.md §4.3). Used by OutgoingMedia. */

/** Audio counts as flowing while its last frame went out this recently (three 20 ms frames). */
const AUDIO_FLOWING_MS = 60;
/** Longest a video frame waits for an audio frame to leave with. */
const VIDEO_HOLD_MAX_MS = 25;

/**
 * Sends each video frame together with the next audio frame, so both leave in one write: one packet and one
 * wake-up of the server and of every receiver instead of two (docs/performance.md). A frame waits at most
 * `maxHoldMs` (one audio frame period and a little), and not at all while no audio flows (muted, silent, no
 * microphone).
 * The wait also brings video closer to the audio captured with it, which receivers play some 30 ms after capture.
 */
export class VideoHold {
  private held: { payload: Uint8Array; captureTs: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastAudioAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly send: (payload: Uint8Array, captureTs: number) => void,
    private readonly now: () => number,
    private readonly maxHoldMs = VIDEO_HOLD_MAX_MS,
  ) {}

  /** An encoded video frame: sent now, or held for the next audio frame. */
  offer(payload: Uint8Array, captureTs: number): void {
    this.release();
    if (this.now() - this.lastAudioAt > AUDIO_FLOWING_MS) {
      this.send(payload, captureTs);
      return;
    }
    this.held = { payload, captureTs };
    this.timer = setTimeout(() => this.release(), this.maxHoldMs);
  }

  /** Call right after an audio frame was handed to the link: the held video follows it into the same write. */
  audioSent(): void {
    this.lastAudioAt = this.now();
    this.release();
  }

  /** Sends the held frame, if any. */
  release(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const held = this.held;
    this.held = undefined;
    if (held) this.send(held.payload, held.captureTs);
  }

  /** Forgets the held frame (the call is stopping). */
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.held = undefined;
  }
}
