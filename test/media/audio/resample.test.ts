/**
 * The polyphase filter bank against the kernel evaluated per tap (`resampleDirect`, the code every rate used before
 * the bank): the same output to within 1 LSB, and still no aliasing when downsampling.
 */
import { describe, expect, test } from 'vitest';
import { resample, resampleDirect } from '../../../src/media/audio/resample.js';
import { rng } from '../../helpers/rng.js';

function noise(n: number, seed: number): Int16Array {
  const random = rng(seed);
  // Full scale, so sums that clip at ±32767 are compared too.
  return Int16Array.from({ length: n }, () => Math.round((random() * 2 - 1) * 32767));
}

function sine(hz: number, rate: number, n: number, amplitude = 30_000): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));
}

function sum(a: Int16Array, b: Int16Array): Int16Array {
  return a.map((v, i) => v + b[i]!);
}

function rms(x: Int16Array): number {
  let sum = 0;
  for (const v of x) sum += v * v;
  return Math.sqrt(sum / x.length);
}

/** Largest |a − b| and how many samples differ at all. */
function compare(a: Int16Array, b: Int16Array): { length: boolean; max: number; differing: number } {
  let max = 0;
  let differing = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > 0) differing++;
    max = Math.max(max, d);
  }
  return { length: a.length === b.length, max, differing };
}

describe('resample: the filter bank matches the kernel evaluated per tap', () => {
  // Why 1 LSB: the bank holds the very kernel values the direct path computes, for the exact phase n·from/to mod 1,
  // where the direct path rounds n·(from/to) in floating point (≤ 3e-8 samples off after an hour; the kernel's slope is
  // below 4 per sample, so < 0.01 LSB) and sums in another order (~1e-11 LSB). Only a sum within that of a half-way
  // point can round the other way: never by more than 1, and rarely.
  const rates = [8000, 11_025, 16_000, 22_050, 32_000, 44_100, 88_200, 96_000, 192_000];
  const cases = rates.flatMap((rate) => [
    { rate, signal: 'noise', input: noise(Math.round(rate * 0.5), rate) },
    { rate, signal: 'sines', input: sum(sine(997.3, rate, Math.round(rate * 0.5), 20_000), sine(3_141, rate, Math.round(rate * 0.5), 12_000)) },
  ]);
  test.each(cases)('$rate Hz, $signal', ({ rate, input }) => {
    const result = compare(resample(input, rate, 48_000), resampleDirect(input, rate, 48_000));
    expect(result.length).toBe(true);
    expect(result.max).toBeLessThanOrEqual(1);
    expect(result.differing).toBeLessThan(input.length / 1000);
  });

  test('ten seconds of 44.1 kHz (phases far from the start)', () => {
    const input = noise(441_000, 7);
    const result = compare(resample(input, 44_100, 48_000), resampleDirect(input, 44_100, 48_000));
    expect(result).toMatchObject({ length: true });
    expect(result.max).toBeLessThanOrEqual(1);
    expect(result.differing).toBeLessThan(441);
  });

  test.each([0, 1, 2, 5, 40])('%i samples: the ends, where taps fall outside the input', (n) => {
    const input = noise(n, 3);
    for (const rate of [8000, 44_100, 96_000]) expect(compare(resample(input, rate, 48_000), resampleDirect(input, rate, 48_000)).max).toBeLessThanOrEqual(1);
    expect(resample(input, 44_100, 48_000).length).toBe(Math.floor((n * 48_000) / 44_100));
  });

  test('a ratio with too many phases (47,999 Hz) or a fractional rate takes the direct path: the same output', () => {
    const input = noise(9_000, 5);
    expect(resample(input, 47_999, 48_000)).toEqual(resampleDirect(input, 47_999, 48_000));
    expect(resample(input, 44_100.5, 48_000)).toEqual(resampleDirect(input, 44_100.5, 48_000));
  });
});

describe('resample: downsampling through the filter bank does not alias', () => {
  // A tone the new rate cannot hold must go, not fold back below 24 kHz at full level.
  test.each([
    { rate: 88_200, hz: 30_000 },
    { rate: 96_000, hz: 36_000 },
    { rate: 192_000, hz: 40_000 },
  ])('$hz Hz at $rate Hz', ({ rate, hz }) => {
    const out = resample(sine(hz, rate, Math.round(rate * 0.2), 10_000), rate, 48_000);
    expect(rms(out.subarray(500, out.length - 500))).toBeLessThan(100); // from 7,071 in: > 37 dB down
    // A tone it can hold keeps its level.
    const kept = resample(sine(1000, rate, Math.round(rate * 0.2), 10_000), rate, 48_000);
    expect(rms(kept.subarray(500, kept.length - 500))).toBeGreaterThan(7_000);
  });
});
