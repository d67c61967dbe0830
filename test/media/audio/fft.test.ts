import { describe, expect, it } from 'vitest';
import { RealFft } from '../../../src/media/audio/fft.js';
import { rng } from '../../helpers/rng.js';

/** The textbook O(N²) DFT, to check the fast one against. */
function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = x.length;
  const re = new Float64Array(n / 2 + 1);
  const im = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) {
    for (let t = 0; t < n; t++) {
      re[k] += x[t]! * Math.cos((-2 * Math.PI * k * t) / n);
      im[k] += x[t]! * Math.sin((-2 * Math.PI * k * t) / n);
    }
  }
  return { re, im };
}

describe('RealFft', () => {
  for (const size of [4, 8, 64, 2048]) {
    it(`matches the textbook DFT and inverts exactly at size ${size}`, () => {
      const random = rng(size);
      const x = Float64Array.from({ length: size }, () => random() * 2 - 1);
      const fft = new RealFft(size);
      const re = new Float64Array(fft.bins);
      const im = new Float64Array(fft.bins);
      fft.forward(x, re, im);
      const want = naiveDft(x);
      for (let k = 0; k < fft.bins; k++) {
        expect(re[k]).toBeCloseTo(want.re[k]!, 8);
        expect(im[k]).toBeCloseTo(want.im[k]!, 8);
      }
      const back = new Float64Array(size);
      fft.inverse(re, im, back);
      for (let t = 0; t < size; t++) expect(back[t]).toBeCloseTo(x[t]!, 10);
    });
  }

  it('turns a product of spectra into a circular convolution', () => {
    const n = 16;
    const fft = new RealFft(n);
    const x = Float64Array.from({ length: n }, (_, i) => (i === 3 ? 1 : 0));
    const h = Float64Array.from({ length: n }, (_, i) => [0.5, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1][i]!);
    const [xr, xi, hr, hi] = [0, 1, 2, 3].map(() => new Float64Array(fft.bins)) as [Float64Array, Float64Array, Float64Array, Float64Array];
    fft.forward(x, xr, xi);
    fft.forward(h, hr, hi);
    const yr = xr.map((a, k) => a * hr[k]! - xi[k]! * hi[k]!);
    const yi = xr.map((a, k) => a * hi[k]! + xi[k]! * hr[k]!);
    const y = new Float64Array(n);
    fft.inverse(yr, yi, y);
    // An impulse at 3 through h: h shifted by 3, wrapping round (h[15] lands on 2).
    expect(Array.from(y, (v) => Math.round(v * 100) / 100 + 0)).toEqual([0, 0, -1, 0.5, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses sizes that are not powers of two', () => {
    expect(() => new RealFft(960)).toThrow(/power of two/);
  });
});
