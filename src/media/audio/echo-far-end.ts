/**
 * The far end lined up with the microphone, for the echo canceller (echo-canceller.ts; pure: frames in).
 *
 * Alignment: the far end is what the speaker device reports it plays, silence and all (SpeakerSink.onPlayed), so it
 * is one unbroken stream in the device's own order; the microphone is another. Microphone sample n is matched with
 * far-end sample n + D, D a frame below the least lead of the far end over the microphone at the start: the echo
 * lies further back than the lead by the speaker's and microphone's latency (~80 ms on PulseAudio here), so the
 * window holds it (see align).
 */
import { spectrum, zeroSpectra, type RealFft, type Spectrum } from './fft.js';
import { SAMPLES_PER_FRAME, SAMPLE_RATE } from './format.js';

const BLOCK = SAMPLES_PER_FRAME;
/** Microphone frames (0.5 s) watched before D is first fixed. */
const ANCHOR_FRAMES = 25;
/** D is fixed a frame below the least lead seen, so that leads a frame short of that (IPC order: 5 %) move nothing. */
const LEAD_MARGIN = SAMPLES_PER_FRAME;
/** Frames (1 s) the lead must stay out of line before the canceller starts over… */
const OUT_OF_LINE_FRAMES = 50;
/**
 * …below D by more than this (100 ms: the speaker ran dry and its timeline slipped, the echo with it, so far that
 * the window keeps little of the tail), or above it by more than this (60 ms: the microphone lost samples, and the
 * echo may come from beyond the window's end).
 */
const LATE_BY = 5 * SAMPLES_PER_FRAME;
const EARLY_BY = 3 * SAMPLES_PER_FRAME;
/** Far-end samples kept (2 s): a far end further ahead of the microphone than this starts the canceller over. */
const FAR_KEPT = 2 * SAMPLE_RATE;

/** What `align` found for a microphone frame (see there). */
export type Alignment = 'aligned' | 'not-yet' | 'out-of-line';

/**
 * The far end by sample index, where it lines up with the microphone (D), and the spectra of the far-end windows that
 * go with the latest microphone frames: what the canceller's filters multiply.
 */
export class AlignedFarEnd {
  /** The far end by sample index: sample i is at farRing[i % FAR_KEPT]; `farFed` samples so far. */
  private readonly farRing = new Int16Array(FAR_KEPT);
  private farFed = 0;
  private micSeen = 0;
  /** Far-end index matched with microphone sample 0 (D above); undefined until ANCHOR_FRAMES frames were seen. */
  private offset: number | undefined;
  /** While D is not fixed: the least lead of the far end over a microphone frame's end, and frames seen. */
  private leastLead = Infinity;
  private anchorFrames = 0;
  /** Frames in a row whose lead was out of line (see align). */
  private outOfLine = 0;
  /** The far-end samples last transformed, this frame's overlap-save input window after align(). */
  readonly window: Float64Array;
  /**
   * Spectra of the far-end windows, newest first: partition p multiplies spectra[p]. `windowEnds[p]` is the far
   * index its window ends at, `windowFed[p]` how far the far end had been fed when it was transformed (short of the
   * end: the rest counted as silence, to be transformed again when it has come).
   */
  readonly spectra: Spectrum[];
  private readonly windowEnds: number[];
  private readonly windowFed: number[];
  /** Σ over partitions of |X_p|² per bin: the normalisation of the step. */
  readonly power: Float64Array;

  constructor(
    private readonly fft: RealFft,
    private readonly partitions: number,
  ) {
    this.window = new Float64Array(fft.size);
    this.spectra = Array.from({ length: partitions }, () => spectrum(fft.bins));
    this.windowEnds = new Array<number>(partitions).fill(0);
    this.windowFed = new Array<number>(partitions).fill(0);
    this.power = new Float64Array(fft.bins);
  }

  /** A frame handed to the speaker, silence included: the far end must be one unbroken stream. */
  feed(pcm: Int16Array): void {
    for (let i = 0; i < pcm.length; i++) this.farRing[(this.farFed + i) % FAR_KEPT] = pcm[i]!;
    this.farFed += pcm.length;
  }

  /** Whether the far end the next microphone frame goes with has all been fed (EchoCanceller.ready). */
  get ready(): boolean {
    return this.offset === undefined || this.micSeen + BLOCK + this.offset <= this.farFed;
  }

  /**
   * Moves the input window to the far-end samples that go with this microphone frame and takes its spectrum into
   * the history. Not yet until the far end has started and D is fixed; out of line when the canceller must start over
   * (then `reset`).
   *
   * D is fixed a frame below the least lead of the far end over the microphone in the first half second, so the
   * window holds far end already fed. Leads jitter (the two streams reach this process from two devices, through
   * IPC and an event loop that a busy moment delays): a window reaching past what was fed counts the rest as silence
   * — exactly so, as what had not been handed to the speaker when the frame was captured cannot be in it — and is
   * transformed again when it has come. D never moves: where the echo moved (the speaker ran dry, so its timeline
   * slipped), the filter finds it anew in the window; a lead out of line for a second starts the canceller over.
   */
  align(): Alignment {
    if (this.farFed === 0) return 'not-yet';
    const lead = this.farFed - this.micSeen - BLOCK;
    this.micSeen += BLOCK;
    if (this.offset === undefined) {
      this.leastLead = Math.min(this.leastLead, lead);
      if (++this.anchorFrames >= ANCHOR_FRAMES) this.offset = this.leastLead - LEAD_MARGIN;
      return 'not-yet';
    }
    const outOfLine = lead < this.offset - LATE_BY || lead > this.offset + LEAD_MARGIN + EARLY_BY;
    this.outOfLine = outOfLine ? this.outOfLine + 1 : 0;
    // Out of line for a second, or seconds ahead at once (the microphone stalled; the far end it goes with is gone).
    if (this.outOfLine >= OUT_OF_LINE_FRAMES || lead - this.offset > FAR_KEPT - this.fft.size) {
      return 'out-of-line';
    }
    // Windows that were short when transformed, now (more) complete.
    for (let p = 0; p < this.partitions - 1 && this.windowFed[p]! < this.windowEnds[p]!; p++) {
      if (this.farFed > this.windowFed[p]!) this.transformWindow(p, this.windowEnds[p]!);
    }
    // The oldest spectrum makes room for the newest.
    this.spectra.unshift(this.spectra.pop()!);
    this.windowEnds.unshift(this.windowEnds.pop()!);
    this.windowFed.unshift(this.windowFed.pop()!);
    this.transformWindow(0, this.micSeen + this.offset);
    return 'aligned';
  }

  /** Transforms the FFT-size far-end samples ending at index `end` (silence where not fed) into partition `p`. */
  private transformWindow(p: number, end: number): void {
    const into = this.spectra[p]!;
    const power = this.power;
    for (let k = 0; k < power.length; k++) power[k] = Math.max(0, power[k]! - into.re[k]! ** 2 - into.im[k]! ** 2);
    const size = this.fft.size;
    for (let i = 0; i < size; i++) {
      const at = end - size + i;
      this.window[i] = at >= 0 && at < this.farFed ? this.farRing[at % FAR_KEPT]! : 0;
    }
    this.fft.forward(this.window, into.re, into.im);
    for (let k = 0; k < power.length; k++) power[k] = power[k]! + into.re[k]! ** 2 + into.im[k]! ** 2;
    this.windowEnds[p] = end;
    this.windowFed[p] = Math.min(end, this.farFed);
  }

  /** Forgets where the far end lines up with the microphone, and what was transformed: D is fixed anew. */
  reset(): void {
    this.offset = undefined;
    this.leastLead = Infinity;
    this.anchorFrames = 0;
    this.outOfLine = 0;
    zeroSpectra(this.spectra);
    this.windowEnds.fill(0);
    this.windowFed.fill(0);
    this.power.fill(0);
  }
}
