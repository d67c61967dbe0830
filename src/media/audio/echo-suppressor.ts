/**
 * Echo suppression for a microphone next to a loudspeaker (pure: frames in, frames out). Without it, what the others
 * say comes out of your speaker, into your microphone and back to them — the complaint users of terminal calls make
 * first (PEERS.md). This is the speakerphone answer: while the far end is audible and you are not talking over it,
 * the microphone is turned down. Alone (`--echo-cancellation off`) that is half duplex; after the echo canceller
 * (echo-canceller.ts) it is what WebRTC and Speex call residual echo suppression.
 *
 * "Talking over it" is the Geigel double-talk test: near-end peaks above half the loudest far-end peak of the echo
 * tail mean a local voice, since a speaker-to-microphone path loses at least ~6 dB. After a canceller the echo is far
 * quieter than that; given its measured level (`residualEchoGain`), a voice 12 dB above the echo left counts (and
 * no quieter than 24 dB under the far end's peak), so you can talk over the others at a normal level; only the part
 * of a frame that is not echo the canceller left in counts (`echoShare`), so echo it lost for a moment (the speaker's
 * timeline slipped) is not taken for a voice. Gain changes ramp across a frame, so there are no clicks; double talk
 * holds the microphone open for a short hangover, so syllables are not chopped.
 */
import { FRAME_MS, processedSource, type AudioSource } from './format.js';
import { MOSTLY_ECHO } from './echo-coherence.js';
import { peakOf } from './level.js';

export interface EchoSuppressorOptions {
  /** How far the microphone is turned down while only the far end talks. Default 30 dB. */
  attenuationDb?: number;
  /** How long after it was played far-end sound may still come back through the microphone. Default 300 ms. */
  tailMs?: number;
  /** Far-end peaks below this (0–1 of full scale) are silence: nothing to suppress. Default 0.01 (−40 dBFS). */
  farActivePeak?: number;
  /** Near-end peak above this share of the far-end peak is a local voice (Geigel). Default 0.5 (6 dB). */
  doubleTalkRatio?: number;
  /** Frames the microphone stays open after double talk was last seen. Default 10 (200 ms). */
  doubleTalkHangoverFrames?: number;
  /**
   * The echo left in the microphone relative to the far end (amplitude, 0–1), when an echo canceller runs before
   * this: EchoCanceller.residualEchoGain. Asked every frame.
   */
  residualEchoGain?: () => number;
  /**
   * The share (0–1) of this microphone frame that is echo the canceller expected, left in: EchoCanceller.echoShare.
   * Only the rest counts as a voice. Asked every frame.
   */
  echoShare?: () => number;
}

/** How far above the echo a canceller left a near-end peak must be to count as a voice: 12 dB… */
const RESIDUAL_MARGIN = 4;
/**
 * …and at least this share (−24 dB) of the far end's peak, however well the canceller says it does: a canceller
 * that lost the echo path without noticing (the speaker's timeline slipped) must not open the microphone to it.
 */
const MIN_DOUBLE_TALK_RATIO = 1 / 16;

export class EchoSuppressor {
  private readonly floorGain: number;
  private readonly farPeaks: number[];
  private farIndex = 0;
  private readonly farActive: number;
  private readonly ratio: number;
  private readonly hangover: number;
  private readonly residualEchoGain: (() => number) | undefined;
  private readonly echoShare: (() => number) | undefined;
  private hangoverLeft = 0;
  private gain = 1;
  /** Frames the microphone was turned down (for stats and tests). */
  framesSuppressed = 0;

  constructor(options: EchoSuppressorOptions = {}) {
    this.floorGain = 10 ** (-(options.attenuationDb ?? 30) / 20);
    this.farPeaks = new Array<number>(Math.max(1, Math.ceil((options.tailMs ?? 300) / FRAME_MS))).fill(0);
    this.farActive = (options.farActivePeak ?? 0.01) * 32768;
    this.ratio = options.doubleTalkRatio ?? 0.5;
    this.hangover = options.doubleTalkHangoverFrames ?? 10;
    this.residualEchoGain = options.residualEchoGain;
    this.echoShare = options.echoShare;
  }

  /** A frame handed to the speaker. */
  farEnd(pcm: Int16Array): void {
    this.farPeaks[this.farIndex] = peakOf(pcm);
    this.farIndex = (this.farIndex + 1) % this.farPeaks.length;
  }

  /**
   * The speaker is gone (lost mid-call): nothing plays, so nothing echoes. Its last peaks would otherwise hold the
   * microphone down for the rest of the call, as no more frames come to push them out.
   */
  farEndGone(): void {
    this.farPeaks.fill(0);
  }

  /** A microphone frame; returns what to send (a new array: sources may reuse theirs). */
  process(pcm: Int16Array): Int16Array {
    const far = Math.max(...this.farPeaks);
    // The voice's part of the peak, taken as its part of the frame's energy: not the echo the canceller left in.
    const echoShare = this.echoShare?.() ?? 0;
    const near = peakOf(pcm) * Math.sqrt(1 - echoShare);
    const residual = this.residualEchoGain?.();
    const ratio = residual === undefined ? this.ratio : Math.min(this.ratio, Math.max(RESIDUAL_MARGIN * residual, MIN_DOUBLE_TALK_RATIO));
    if (far >= this.farActive && near > ratio * far) this.hangoverLeft = this.hangover;
    // A frame mostly echo ends the hangover: it is the echo coming through (the path moved), not a voice's tail.
    else if (echoShare > MOSTLY_ECHO) this.hangoverLeft = 0;
    else if (this.hangoverLeft > 0) this.hangoverLeft -= 1;
    const suppress = far >= this.farActive && this.hangoverLeft === 0;
    const target = suppress ? this.floorGain : 1;
    if (suppress) this.framesSuppressed += 1;
    const out = new Int16Array(pcm.length);
    const from = this.gain;
    const step = (target - from) / Math.max(1, pcm.length);
    for (let i = 0; i < pcm.length; i++) out[i] = Math.round(pcm[i]! * (from + step * (i + 1)));
    this.gain = target;
    return out;
  }
}

/** `source` with every frame passed through `suppressor` on its way out. */
export function suppressEcho(source: AudioSource, suppressor: EchoSuppressor): AudioSource {
  return processedSource(source, 'echo suppression', (pcm) => suppressor.process(pcm));
}
