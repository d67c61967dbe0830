/**
 * Loss concealment for one remote participant, on decoded audio (pure). Frames are decoded as they arrive (one TCP
 * stream delivers them in send order), so a frame missing at its turn is made up here, not by the decoder's PLC.
 *
 * Waveform substitution after ITU-T G.711 Appendix I, simplified: the last pitch period heard (found by
 * autocorrelation of the last frame) is repeated, fading by half every 20 ms; where it starts, the step between the
 * last sample played and the repeated period's is spread over a few milliseconds, and when real audio resumes it
 * is cross-faded in from the repetition. Repeating a whole 20 ms frame instead (what this replaced) wraps a voice
 * around at a random point of its cycle: a click at each end of every gap, and a 50 Hz buzz while it lasts.
 */
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from './format.js';

/** Pitch periods searched: 70–400 Hz, speaking voices. */
const MIN_PERIOD = Math.round(SAMPLE_RATE / 400);
const MAX_PERIOD = Math.round(SAMPLE_RATE / 70);
/** The end of the last frame compared with its earlier self, to find the period. */
const MATCH_SAMPLES = Math.round(SAMPLE_RATE * 0.005);
/** How long the step into the repetition is spread over, and how long real audio cross-fades in. */
const JOIN_SAMPLES = Math.round(SAMPLE_RATE * 0.004);
/** Each concealed frame fades by this much: after 100 ms (when the jitter buffer gives up) it is ~−30 dB. */
const FADE_PER_FRAME = 0.5;

export class Concealer {
  private last: Int16Array | undefined;
  private concealing = false;
  private period = MIN_PERIOD;
  /** Samples of repetition produced so far in this gap. */
  private produced = 0;
  /** The step between the last sample played and the repetition's, removed over JOIN_SAMPLES. */
  private step = 0;
  private gain = 1;

  /** A real frame to play: returned as is, or cross-faded in from the repetition after a gap. */
  played(frame: Int16Array): Int16Array {
    let out = frame;
    if (this.concealing) {
      out = Int16Array.from(frame);
      for (let i = 0; i < JOIN_SAMPLES && i < out.length; i++) {
        const w = (i + 1) / (JOIN_SAMPLES + 1);
        out[i] = Math.round(frame[i]! * w + this.repeated(this.gain) * (1 - w));
      }
    }
    this.concealing = false;
    this.last = out;
    return out;
  }

  /** Whether the last frame played was sound (not idle): stopping now without a fade would click. */
  get sounding(): boolean {
    return this.last !== undefined;
  }

  /** A frame made up for one that is missing: silence when nothing was heard before. */
  conceal(): Int16Array {
    return this.repeat(FADE_PER_FRAME);
  }

  /**
   * The last frame of a stream that ends now (the participant left): `next` if it was still to come, else a
   * repetition, either faded to silence across the frame. Then the stream is idle.
   */
  fadeOut(next: Int16Array | undefined): Int16Array {
    let out: Int16Array;
    if (next) {
      const played = this.played(next);
      out = new Int16Array(SAMPLES_PER_FRAME);
      const n = Math.min(played.length, out.length);
      for (let i = 0; i < n; i++) out[i] = Math.round(played[i]! * (1 - (i + 1) / n));
    } else {
      out = this.repeat(0);
    }
    this.idle();
    return out;
  }

  /** The repetition of the last pitch period for one frame, its gain falling by `fade` across the frame. */
  private repeat(fade: number): Int16Array {
    const out = new Int16Array(SAMPLES_PER_FRAME);
    const last = this.last;
    if (!last || last.length < MAX_PERIOD + MATCH_SAMPLES) return out;
    if (!this.concealing) {
      this.concealing = true;
      this.period = pitchPeriod(last);
      this.produced = 0;
      this.gain = 1;
      // What the repetition's first sample follows (one period before the end) against what was really played last.
      this.step = last[last.length - 1]! - last[last.length - 1 - this.period]!;
    }
    const from = this.gain;
    const to = from * fade;
    for (let i = 0; i < out.length; i++) out[i] = this.repeated(from + ((to - from) * (i + 1)) / out.length);
    this.gain = to;
    return out;
  }

  /** The stream went quiet (the talker stopped, or the jitter buffer gave up): the next frame starts afresh. */
  idle(): void {
    this.concealing = false;
    this.last = undefined;
  }

  /** The next sample of the repetition, at `gain`. */
  private repeated(gain: number): number {
    const last = this.last!;
    const k = this.produced++;
    let value = last[last.length - this.period + (k % this.period)]!;
    if (k < JOIN_SAMPLES) value += (this.step * (JOIN_SAMPLES - k)) / JOIN_SAMPLES;
    return Math.max(-32768, Math.min(32767, Math.round(value * gain)));
  }
}

/** The lag at which the end of `frame` best matches its earlier self (normalised cross-correlation). */
export function pitchPeriod(frame: Int16Array): number {
  const end = frame.length;
  let best = MIN_PERIOD;
  let bestScore = -Infinity;
  for (let lag = MIN_PERIOD; lag <= MAX_PERIOD; lag++) {
    let cross = 0;
    let energy = 0;
    for (let i = end - MATCH_SAMPLES; i < end; i++) {
      const earlier = frame[i - lag]!;
      cross += frame[i]! * earlier;
      energy += earlier * earlier;
    }
    const score = energy > 0 ? cross / Math.sqrt(energy) : 0;
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}
