/**
 * How much of what the echo canceller sends is still echo (pure): the share of a frame's energy that is coherent with
 * the echo the canceller expected in it. The output's level alone cannot tell a voice talking over the far end from
 * echo the filter no longer cancels (the speaker's latency moved by a fraction of a frame): both are louder than the
 * echo it left before. Coherence can: echo left behind is the far end through what the filter got wrong — per
 * frequency a fixed gain and phase away from its estimate, so coherent with it — while a voice has nothing to do
 * with the far end. WebRTC's echo suppressor tells the two apart the same way.
 *
 * Per frequency bin, the magnitude-squared coherence |S_oe|² / (S_oo · S_ee) of the output o and the estimate e, from
 * cross-spectra smoothed over ~4 frames; weighted by the output's power and summed, that is the share of the output
 * a linear transform of the estimate explains. The few frames smoothed bias coherence up (~1/4 for unrelated sound,
 * the reciprocal of their number): that much is taken out, or a quiet voice over the far end would read as partly
 * echo and be turned down.
 */
import { RealFft, spectrum, type Spectrum } from './fft.js';

/** Per-frame smoothing of the spectra: ~4 frames (80 ms), quick enough for a voice's first syllable to count. */
const SMOOTHING = 0.6;
/** The coherence unrelated sound reads as through that few frames: 1 / their number, (1 − a) / (1 + a). */
const SMOOTHING_BIAS = (1 - SMOOTHING) / (1 + SMOOTHING);
/** A bin's estimate is counted as at least this share (−30 dB) of its mean over bins. */
const QUIET_BIN_FLOOR = 1e-3;
/**
 * More than this share of a frame echo is mostly echo: not a voice's tail (the echo suppressor ends its hangover), and
 * output above the echo left that stays so is echo the canceller lost.
 */
export const MOSTLY_ECHO = 0.5;

export class EchoCoherence {
  private readonly fft: RealFft;
  private readonly window: Float64Array;
  private readonly scratch: Float64Array;
  private readonly outputSpectrum: Spectrum;
  private readonly echoSpectrum: Spectrum;
  // Smoothed power and cross spectra.
  private readonly outputPower: Float64Array;
  private readonly echoPower: Float64Array;
  private readonly cross: Spectrum;

  constructor(frameSize: number) {
    let size = 4;
    while (size < frameSize) size *= 2;
    this.fft = new RealFft(size);
    // Hann: without a window, a tone's leakage spreads over every bin and its coherence with it.
    this.window = Float64Array.from({ length: frameSize }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / frameSize));
    this.scratch = new Float64Array(size);
    this.outputSpectrum = spectrum(this.fft.bins);
    this.echoSpectrum = spectrum(this.fft.bins);
    this.outputPower = new Float64Array(this.fft.bins);
    this.echoPower = new Float64Array(this.fft.bins);
    this.cross = spectrum(this.fft.bins);
  }

  /** One frame: what went out, and the echo the canceller expected in it. Returns the echo's share of it (0–1). */
  measure(output: ArrayLike<number>, expectedEcho: ArrayLike<number>): number {
    this.transform(output, this.outputSpectrum);
    this.transform(expectedEcho, this.echoSpectrum);
    const o = this.outputSpectrum;
    const e = this.echoSpectrum;
    let total = 0;
    let coherent = 0;
    let echoMean = 0;
    for (let k = 0; k < this.fft.bins; k++) {
      this.outputPower[k] = SMOOTHING * this.outputPower[k]! + (1 - SMOOTHING) * (o.re[k]! * o.re[k]! + o.im[k]! * o.im[k]!);
      this.echoPower[k] = SMOOTHING * this.echoPower[k]! + (1 - SMOOTHING) * (e.re[k]! * e.re[k]! + e.im[k]! * e.im[k]!);
      // S_oe = smoothed O · conj(E)
      this.cross.re[k] = SMOOTHING * this.cross.re[k]! + (1 - SMOOTHING) * (o.re[k]! * e.re[k]! + o.im[k]! * e.im[k]!);
      this.cross.im[k] = SMOOTHING * this.cross.im[k]! + (1 - SMOOTHING) * (o.im[k]! * e.re[k]! - o.re[k]! * e.im[k]!);
      total += this.outputPower[k]!;
      echoMean += this.echoPower[k]! / this.fft.bins;
    }
    // Bins where the estimate has next to nothing (30 dB under its mean: a tone's leakage) count as if it had that
    // much: two steady tones are coherent in any bin, however little of one leaks there, and that is no echo.
    const floor = echoMean * QUIET_BIN_FLOOR;
    for (let k = 0; k < this.fft.bins; k++) {
      // coherence · output power = |S_oe|² / S_ee (never above S_oo: the three are smoothed alike)
      if (this.echoPower[k]! > 0) coherent += (this.cross.re[k]! ** 2 + this.cross.im[k]! ** 2) / Math.max(this.echoPower[k]!, floor);
    }
    if (total <= 0) return 0;
    // The share unrelated sound reads as, taken out.
    return Math.max(0, Math.min(1, (coherent / total - SMOOTHING_BIAS) / (1 - SMOOTHING_BIAS)));
  }

  /** Forgets the spectra: the estimate they were measured against is gone (the canceller learns anew). */
  reset(): void {
    this.outputPower.fill(0);
    this.echoPower.fill(0);
    this.cross.re.fill(0);
    this.cross.im.fill(0);
  }

  private transform(frame: ArrayLike<number>, into: Spectrum): void {
    for (let i = 0; i < this.window.length; i++) this.scratch[i] = frame[i]! * this.window[i]!;
    this.fft.forward(this.scratch, into.re, into.im);
  }
}
