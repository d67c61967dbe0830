import { describe, expect, it } from 'vitest';
import { EchoShiftFinder, shiftFilter } from '../../../src/media/audio/echo-shift.js';
import { RealFft, spectrum } from '../../../src/media/audio/fft.js';
import { rng } from '../../helpers/rng.js';

const FRAME = 960;

function noise(length: number, seed: number): Float64Array {
  const random = rng(seed);
  return Float64Array.from({ length }, () => (random() * 2 - 1) * 3000);
}

/** `signal` delayed by `shift` samples (earlier when negative), zeros where nothing was. */
function delayed(signal: Float64Array, shift: number): Float64Array {
  return Float64Array.from(signal, (_, i) => signal[i - shift] ?? 0);
}

/** Feeds `heard` and `expected` to a finder frame by frame and asks it. */
function find(heard: Float64Array, expected: Float64Array, frames = 10): number | undefined {
  const finder = new EchoShiftFinder(4800, frames, FRAME);
  for (let k = 0; k < heard.length / FRAME; k++) finder.record(heard.subarray(k * FRAME, (k + 1) * FRAME), expected.subarray(k * FRAME, (k + 1) * FRAME));
  return finder.find();
}

describe('EchoShiftFinder', () => {
  const expected = noise(12 * FRAME, 1);

  it('finds by how much the echo heard comes later or earlier than expected, to the sample', () => {
    for (const shift of [1, 37, 960, 4800, -5, -2000]) expect(find(delayed(expected, shift), expected)).toBe(shift);
  });

  it('finds it under a voice talking over it as loud as the echo, and only over the frames it keeps', () => {
    const voice = noise(12 * FRAME, 2);
    const heard = delayed(expected, 300).map((v, i) => v + voice[i]! * 0.5);
    expect(find(heard, expected)).toBe(300);
    // Ten frames kept: two older frames of anything do not matter.
    const olderJunk = Float64Array.from(heard, (v, i) => (i < 2 * FRAME ? 30_000 * Math.sin(i) : v));
    expect(find(olderJunk, expected)).toBe(300);
  });

  it('looks at the last frames only when asked: those since things went wrong', () => {
    // Seven frames as expected, then the echo 96 samples later.
    const moved = delayed(expected, 96);
    const heard = Float64Array.from(expected, (v, i) => (i < 9 * FRAME ? v : moved[i]!));
    expect(find(heard, expected)).toBeUndefined();
    const finder = new EchoShiftFinder(4800, 10, FRAME);
    for (let k = 0; k < 12; k++) finder.record(heard.subarray(k * FRAME, (k + 1) * FRAME), expected.subarray(k * FRAME, (k + 1) * FRAME));
    expect(finder.find(3)).toBe(96);
    expect(finder.find(10)).toBeUndefined();
  });

  it('says nothing when the echo did not move, when what is heard is not the expected echo, or before ten frames', () => {
    expect(find(expected, expected)).toBeUndefined();
    // Another sound altogether; the expected echo upside down (another speaker, wired the other way).
    expect(find(noise(12 * FRAME, 3), expected)).toBeUndefined();
    expect(find(expected.map((v) => -v), expected)).toBeUndefined();
    // Moved, but mostly something else: the match is too weak to move a filter by.
    const loud = noise(12 * FRAME, 4);
    expect(find(delayed(expected, 300).map((v, i) => 0.3 * v + loud[i]!), expected)).toBeUndefined();
    expect(find(delayed(expected, 300).subarray(0, 9 * FRAME), expected.subarray(0, 9 * FRAME))).toBeUndefined();
    // Silence.
    expect(find(new Float64Array(12 * FRAME), expected)).toBeUndefined();
  });
});

describe('shiftFilter', () => {
  it("moves a partitioned filter's impulse response across partitions, later and earlier, dropping what falls off", () => {
    const fft = new RealFft(2048);
    const hop = 960;
    const taps = 2048 - hop;
    // Taps at 100 (partition 0), 1000 (partition 1, and within partition 0's overlap) and 2900 (partition 3).
    const response = new Map([[100, 1], [1000, -0.5], [2900, 0.25]]);
    const filterOf = (impulses: Map<number, number>): ReturnType<typeof spectrum>[] => {
      const parts = Array.from({ length: 4 }, () => spectrum(fft.bins));
      for (const [at, gain] of impulses) {
        const p = Math.min(3, Math.floor(at / hop));
        const time = new Float64Array(2048);
        fft.inverse(parts[p]!.re, parts[p]!.im, time);
        time[at - p * hop] = time[at - p * hop]! + gain;
        fft.forward(time, parts[p]!.re, parts[p]!.im);
      }
      return parts;
    };
    const responseOf = (parts: ReturnType<typeof spectrum>[]): Map<number, number> => {
      const found = new Map<number, number>();
      const time = new Float64Array(2048);
      parts.forEach((part, p) => {
        fft.inverse(part.re, part.im, time);
        time.forEach((v, m) => {
          if (Math.abs(v) > 1e-9) found.set(p * hop + m, (found.get(p * hop + m) ?? 0) + v);
        });
      });
      return new Map([...found].map(([at, v]) => [at, Math.round(v * 1e6) / 1e6]));
    };
    const later = filterOf(response);
    shiftFilter(later, 900, fft, hop, taps);
    expect(responseOf(later)).toEqual(new Map([[1000, 1], [1900, -0.5], [3800, 0.25]]));
    const earlier = filterOf(response);
    shiftFilter(earlier, -950, fft, hop, taps);
    // The tap at 100 falls off the front.
    expect(responseOf(earlier)).toEqual(new Map([[50, -0.5], [1950, 0.25]]));
  });
});
