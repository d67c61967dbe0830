/**
 * When the echo path moved rather than changed (pure): the speaker's timeline slipped — a sound card that ran dry
 * for a moment plays everything after a little later — so the room is the same and only its delay is not. Relearning
 * the path from nothing takes seconds of speech; moving what was learnt takes a frame.
 *
 * `findEchoShift` cross-correlates what the microphone heard with the echo the filter expected over the same frames:
 * a moved echo is the expected one, later or earlier. `shiftFilter` moves a partitioned filter's impulse response.
 */
import { RealFft, spectrum, type Spectrum } from './fft.js';

/** Points of the cross-correlation: the frames compared, zero-padded by the largest shift looked for. */
const CORRELATION_FFT = 16_384;
/**
 * How well the expected echo, moved, must match what was heard (normalised cross-correlation) to count as the echo:
 * a voice talking over it, or a path that truly changed (someone moved the laptop), matches far worse.
 */
const MIN_MATCH = 0.5;
/**
 * …and how much of the echo left the moved expectation must take out, against the unmoved one (half: 3 dB). For
 * speech a lag of a few samples correlates nearly as well as none, so what counts is what is left after subtracting.
 */
const LEFT_AFTER_MOVE = 0.5;

/** Keeps the last frames heard and the echo expected in them; finds whether that echo moved. */
export class EchoShiftFinder {
  private readonly fft = new RealFft(CORRELATION_FFT);
  /** The last `frames` frames, oldest first once `find` has laid them out; rings while recording. */
  private readonly heard: Float64Array;
  private readonly expected: Float64Array;
  private recorded = 0;
  private readonly heardPadded = new Float64Array(CORRELATION_FFT);
  private readonly expectedPadded = new Float64Array(CORRELATION_FFT);
  private readonly heardSpectrum: Spectrum;
  private readonly expectedSpectrum: Spectrum;
  private readonly correlation = new Float64Array(CORRELATION_FFT);

  /**
   * @param maxShift the largest move looked for, in samples.
   * @param frames how many of the last frames are compared (`frames`·`frameSize` + `maxShift` ≤ 16,384).
   */
  constructor(
    private readonly maxShift: number,
    private readonly frames: number,
    private readonly frameSize: number,
  ) {
    if (maxShift + frames * frameSize > CORRELATION_FFT) throw new Error(`${frames} frames and shifts of ${maxShift} do not fit one correlation`);
    this.heard = new Float64Array(frames * frameSize);
    this.expected = new Float64Array(frames * frameSize);
    this.heardSpectrum = spectrum(this.fft.bins);
    this.expectedSpectrum = spectrum(this.fft.bins);
  }

  /** One frame: what the microphone heard, and the echo the filter expected in it. */
  record(heard: ArrayLike<number>, expected: ArrayLike<number>): void {
    const at = (this.recorded % this.frames) * this.frameSize;
    for (let i = 0; i < this.frameSize; i++) {
      this.heard[at + i] = heard[i]!;
      this.expected[at + i] = expected[i]!;
    }
    this.recorded += 1;
  }

  /** Drops what was recorded (the filter started over: its expectations are gone). */
  forget(): void {
    this.recorded = 0;
  }

  /**
   * By how many samples the echo heard over the last `frames` frames (at most those kept) comes later (positive) or
   * earlier than expected;
   * undefined before enough frames were recorded, when it did not move, or when what was heard is not the expected
   * echo moved.
   */
  find(frames = this.frames): number | undefined {
    const count = Math.min(frames, this.frames);
    if (this.recorded < count) return undefined;
    const ring = this.frames * this.frameSize;
    const n = count * this.frameSize;
    // Oldest first: the last `count` frames before the ring's next slot.
    const start = ((this.recorded - count) % this.frames) * this.frameSize;
    this.heardPadded.fill(0);
    this.expectedPadded.fill(0);
    let heardEnergy = 0;
    let expectedEnergy = 0;
    for (let i = 0; i < n; i++) {
      const h = (this.heardPadded[i] = this.heard[(start + i) % ring]!);
      const e = (this.expectedPadded[i] = this.expected[(start + i) % ring]!);
      heardEnergy += h * h;
      expectedEnergy += e * e;
    }
    if (heardEnergy === 0 || expectedEnergy === 0) return undefined;
    const H = this.heardSpectrum;
    const E = this.expectedSpectrum;
    this.fft.forward(this.heardPadded, H.re, H.im);
    this.fft.forward(this.expectedPadded, E.re, E.im);
    // r[τ] = Σ heard[i + τ] · expected[i] has the spectrum H · conj(E); the zero padding keeps it linear for |τ| ≤ maxShift.
    for (let k = 0; k < H.re.length; k++) {
      const re = H.re[k]! * E.re[k]! + H.im[k]! * E.im[k]!;
      const im = H.im[k]! * E.re[k]! - H.re[k]! * E.im[k]!;
      H.re[k] = re;
      H.im[k] = im;
    }
    this.fft.inverse(H.re, H.im, this.correlation);
    let best = 0;
    let bestLag = 0;
    for (let lag = -this.maxShift; lag <= this.maxShift; lag++) {
      const r = this.correlation[(lag + CORRELATION_FFT) % CORRELATION_FFT]!;
      if (r > best) {
        best = r;
        bestLag = lag;
      }
    }
    // What is left of what was heard after taking the expected echo out, moved and not: Σ(h − e)² = Σh² − 2r + Σe².
    const leftUnmoved = heardEnergy - 2 * this.correlation[0]! + expectedEnergy;
    const leftMoved = heardEnergy - 2 * best + expectedEnergy;
    if (bestLag === 0 || best < MIN_MATCH * Math.sqrt(heardEnergy * expectedEnergy) || leftMoved > LEFT_AFTER_MOVE * leftUnmoved) return undefined;
    return bestLag;
  }
}

/**
 * Moves the impulse response held by a partitioned frequency-domain filter `shift` samples later (earlier when
 * negative), in place: partition p's weights are taps p·`hop` … p·`hop` + `taps` of it (overlap-save, `fft.size`
 * points). What moves past either end is dropped.
 */
export function shiftFilter(filter: Spectrum[], shift: number, fft: RealFft, hop: number, taps: number): void {
  const length = (filter.length - 1) * hop + taps;
  const response = new Float64Array(length);
  const time = new Float64Array(fft.size);
  filter.forEach((part, p) => {
    fft.inverse(part.re, part.im, time);
    for (let m = 0; m < taps; m++) response[p * hop + m] = response[p * hop + m]! + time[m]!;
  });
  const moved = new Float64Array(length);
  for (let k = Math.max(0, shift); k < Math.min(length, length + shift); k++) moved[k] = response[k - shift]!;
  filter.forEach((part, p) => {
    time.fill(0);
    // Each partition takes its own hop of the response; the last one its whole reach.
    const end = p === filter.length - 1 ? taps : hop;
    for (let m = 0; m < end; m++) time[m] = moved[p * hop + m]!;
    fft.forward(time, part.re, part.im);
  });
}
