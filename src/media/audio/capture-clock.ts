/**
 * A microphone's frame times counted from the samples it delivered, not taken when each frame was read. A capture
 * process that stalls (a busy machine) reads what queued up meanwhile in a burst: stamped as read, those frames carry
 * nearly the same time after a jump, a pause the sender never made (the recorder writes it as silence in the middle of
 * a word, a receiver's jitter buffer takes it for network delay). Counted, each frame is 20 ms after the one before,
 * as the tone and WAV sources stamp theirs (their ticks' scheduled times).
 *
 * The count is put right against the wall clock when it cannot be true: later than the moment the frame was read (the
 * sound card's clock runs faster than ours, ours was stepped back, or the first frame was read late), or earlier by
 * more than `maxLagMs` for every frame read in a whole window (samples the card dropped while the process stalled
 * longer than naudiodon's queue, a card clock running slow, ours stepped forward). A burst after a stall drains in a
 * few frames, so the frames read on time after it keep the count.
 */
export class CaptureClock {
  /** Wall time (ms) of the sample the count starts from. */
  private anchorMs: number | undefined;
  private samplesCounted = 0;
  /** The least lag (read time − counted time) seen in this window of frames. */
  private leastLagMs = Number.POSITIVE_INFINITY;
  private framesInWindow = 0;

  constructor(
    private readonly sampleRate: number,
    /**
     * Least lag of a window beyond which the count is behind: small, so a card clock running slow is followed in steps
     * a receiver's jitter buffer does not notice (a whole window of late reads, a busy second, moves it back later).
     */
    private readonly maxLagMs = 5,
    /** Frames (50: a second of 20 ms frames) whose least lag must pass `maxLagMs` before the count moves on. */
    private readonly windowFrames = 50,
  ) {}

  /** The wall time (ms) the last of a frame's `samples` was captured, for a frame read at `readAtMs`. */
  next(samples: number, readAtMs: number): number {
    this.samplesCounted += samples;
    if (this.anchorMs === undefined) this.anchorAt(readAtMs);
    const counted = this.countedMs();
    const lagMs = readAtMs - counted;
    if (lagMs < 0) {
      // Not captured after it was read: the count starts again from this frame.
      this.anchorAt(readAtMs);
      return readAtMs;
    }
    this.leastLagMs = Math.min(this.leastLagMs, lagMs);
    if (++this.framesInWindow < this.windowFrames) return counted;
    const behindMs = this.leastLagMs;
    this.leastLagMs = Number.POSITIVE_INFINITY;
    this.framesInWindow = 0;
    if (behindMs <= this.maxLagMs) return counted;
    // Every frame of the window came late by more than a stall's burst would: samples went missing. Later frames are
    // stamped that much later; this one stays where the count put it, so times never go back.
    this.anchorMs! += behindMs;
    return counted;
  }

  private countedMs(): number {
    return this.anchorMs! + (this.samplesCounted * 1000) / this.sampleRate;
  }

  /** Counts from now: the samples counted so far end at `atMs`. */
  private anchorAt(atMs: number): void {
    this.anchorMs = atMs - (this.samplesCounted * 1000) / this.sampleRate;
    this.leastLagMs = Number.POSITIVE_INFINITY;
    this.framesInWindow = 0;
  }
}
