/**
 * A fast Fourier transform of real signals, for the echo canceller's frequency-domain filter. Pure.
 *
 * Radix-2, iterative, with the twiddles and the bit-reversal order computed once per size; a real signal of N samples
 * is transformed as a complex one of N/2 points and split (the usual "two for one" trick), so a transform costs about
 * half a complex one. Spectra are unnormalised (`inverse(forward(x))` = x: the inverse divides by N) and hold the
 * N/2 + 1 bins 0 … Nyquist, the rest being their mirror images.
 */
export class RealFft {
  /** Bins in a spectrum: size / 2 + 1. */
  readonly bins: number;
  private readonly half: number;
  private readonly reversed: Uint32Array;
  /** cos/sin of −2πk/half for the half-size complex transform. */
  private readonly cosHalf: Float64Array;
  private readonly sinHalf: Float64Array;
  /** cos/sin of −2πk/size for splitting the packed result into the real signal's spectrum. */
  private readonly cosFull: Float64Array;
  private readonly sinFull: Float64Array;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(readonly size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new Error(`FFT size must be a power of two ≥ 4, not ${size}`);
    this.half = size / 2;
    this.bins = this.half + 1;
    this.reversed = bitReversal(this.half);
    this.cosHalf = new Float64Array(this.half / 2);
    this.sinHalf = new Float64Array(this.half / 2);
    for (let k = 0; k < this.half / 2; k++) {
      this.cosHalf[k] = Math.cos((-2 * Math.PI * k) / this.half);
      this.sinHalf[k] = Math.sin((-2 * Math.PI * k) / this.half);
    }
    this.cosFull = new Float64Array(this.half);
    this.sinFull = new Float64Array(this.half);
    for (let k = 0; k < this.half; k++) {
      this.cosFull[k] = Math.cos((-2 * Math.PI * k) / size);
      this.sinFull[k] = Math.sin((-2 * Math.PI * k) / size);
    }
    this.workRe = new Float64Array(this.half);
    this.workIm = new Float64Array(this.half);
  }

  /** The spectrum of `signal` (`size` samples) into `re`/`im` (`bins` each). */
  forward(signal: ArrayLike<number>, re: Float64Array, im: Float64Array): void {
    const { half, workRe, workIm, reversed } = this;
    // Even samples as the real part, odd as the imaginary part, in bit-reversed order for the in-place transform.
    for (let k = 0; k < half; k++) {
      const j = reversed[k]!;
      workRe[k] = signal[2 * j]!;
      workIm[k] = signal[2 * j + 1]!;
    }
    this.butterflies();
    // Z = E + i·O (E, O: the spectra of the even and odd samples); X[k] = E[k] + W^k·O[k].
    re[0] = workRe[0]! + workIm[0]!;
    im[0] = 0;
    re[half] = workRe[0]! - workIm[0]!;
    im[half] = 0;
    for (let k = 1; k < half; k++) {
      const zr = workRe[k]!;
      const zi = workIm[k]!;
      const cr = workRe[half - k]!;
      const ci = -workIm[half - k]!;
      const er = (zr + cr) / 2;
      const ei = (zi + ci) / 2;
      // O = (Z − conj(Z[N−k])) / 2i
      const or = (zi - ci) / 2;
      const oi = -(zr - cr) / 2;
      const wr = this.cosFull[k]!;
      const wi = this.sinFull[k]!;
      re[k] = er + wr * or - wi * oi;
      im[k] = ei + wr * oi + wi * or;
    }
  }

  /** The signal (`size` samples) of the spectrum `re`/`im` (`bins` each) into `signal`. */
  inverse(re: Float64Array, im: Float64Array, signal: Float64Array): void {
    const { half, workRe, workIm, reversed } = this;
    // Undo the split: E[k] = (X[k] + conj(X[N/2−k]))/2, O[k] = (X[k] − conj(X[N/2−k]))·conj(W^k)/2, Z = E + i·O.
    for (let k = 0; k < half; k++) {
      const xr = re[k]!;
      const xi = im[k]!;
      const yr = re[half - k]!;
      const yi = -im[half - k]!;
      const er = (xr + yr) / 2;
      const ei = (xi + yi) / 2;
      const dr = (xr - yr) / 2;
      const di = (xi - yi) / 2;
      const wr = this.cosFull[k]!;
      const wi = -this.sinFull[k]!;
      const or = dr * wr - di * wi;
      const oi = dr * wi + di * wr;
      const j = reversed[k]!;
      // Conjugated in, conjugated out: the forward butterflies compute the inverse transform.
      workRe[j] = er - oi;
      workIm[j] = -(ei + or);
    }
    this.butterflies();
    const scale = 1 / half;
    for (let k = 0; k < half; k++) {
      signal[2 * k] = workRe[k]! * scale;
      signal[2 * k + 1] = -workIm[k]! * scale;
    }
  }

  /** The in-place complex transform of the bit-reversed work arrays. */
  private butterflies(): void {
    const { half, workRe, workIm, cosHalf, sinHalf } = this;
    for (let span = 1; span < half; span *= 2) {
      const step = half / (2 * span);
      for (let start = 0; start < half; start += 2 * span) {
        for (let k = 0; k < span; k++) {
          const wr = cosHalf[k * step]!;
          const wi = sinHalf[k * step]!;
          const a = start + k;
          const b = a + span;
          const tr = workRe[b]! * wr - workIm[b]! * wi;
          const ti = workRe[b]! * wi + workIm[b]! * wr;
          workRe[b] = workRe[a]! - tr;
          workIm[b] = workIm[a]! - ti;
          workRe[a] = workRe[a]! + tr;
          workIm[a] = workIm[a]! + ti;
        }
      }
    }
  }
}

function bitReversal(n: number): Uint32Array {
  const bits = Math.log2(n);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    out[i] = r;
  }
  return out;
}

/** A spectrum as the FFT gives it: real and imaginary parts of bins 0…N/2. */
export type Spectrum = { re: Float64Array; im: Float64Array };

export function spectrum(bins: number): Spectrum {
  return { re: new Float64Array(bins), im: new Float64Array(bins) };
}

export function zeroSpectra(spectra: Spectrum[]): void {
  for (const part of spectra) {
    part.re.fill(0);
    part.im.fill(0);
  }
}

/** Copies each of `from` into the spectrum at the same place in `to`. */
export function copySpectra(from: Spectrum[], to: Spectrum[]): void {
  for (let p = 0; p < from.length; p++) {
    to[p]!.re.set(from[p]!.re);
    to[p]!.im.set(from[p]!.im);
  }
}
