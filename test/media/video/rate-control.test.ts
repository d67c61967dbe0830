import { describe, expect, it } from 'vitest';
import { VideoRateControl } from '../../../src/media/video/rate-control.js';

/** A picture whose JPEG at quality 60 takes `bytesAt60`, ~7 % more or less per 5 quality points (as measured). */
function run(control: VideoRateControl, bytesAt60: number, frames: number): { qualities: number[]; sizes: number[] } {
  const qualities: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < frames; i++) {
    const q = control.quality;
    const size = Math.round(bytesAt60 * 1.075 ** ((q - 60) / 5));
    qualities.push(q);
    sizes.push(size);
    control.encoded(size);
  }
  return { qualities, sizes };
}

const average = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('VideoRateControl', () => {
  it('turns the quality down for a detailed picture until it fits the budget, and stays there', () => {
    const control = new VideoRateControl({ bitsPerSecond: 240_000, fps: 15 });
    expect(control.frameBudgetBytes).toBe(2000);
    // 2,800 bytes at quality 60: a detailed camera picture (the fixture clip measured 2,793).
    const { qualities, sizes } = run(control, 2800, 150);
    const settled = qualities.slice(75);
    expect(Math.max(...settled)).toBeLessThan(60);
    expect(average(sizes.slice(75))).toBeLessThanOrEqual(2000);
    expect(average(sizes.slice(75))).toBeGreaterThan(2000 / 1.075 ** 2);
    // No hunting: one or two qualities once settled.
    expect(new Set(settled).size).toBeLessThanOrEqual(2);
  });

  it('gives a simple picture more quality for the same budget, up to 80', () => {
    const control = new VideoRateControl({ bitsPerSecond: 240_000 });
    const { qualities } = run(control, 900, 150);
    expect(qualities.at(-1)).toBe(80);
  });

  it('stops at 30 for a picture that does not fit even there: blocks are worse than a higher bitrate', () => {
    const control = new VideoRateControl({ bitsPerSecond: 64_000 });
    const { qualities } = run(control, 5000, 200);
    expect(qualities.at(-1)).toBe(30);
  });

  it('follows a scene that changes: detailed, then plain, then detailed again', () => {
    const control = new VideoRateControl();
    const detailed = run(control, 3000, 100).qualities.at(-1)!;
    const plain = run(control, 1200, 100).qualities.at(-1)!;
    const again = run(control, 3000, 100);
    expect(plain).toBeGreaterThan(detailed);
    expect(again.qualities.at(-1)).toBe(detailed);
    // It steps down within a second of the change (15 frames).
    expect(again.qualities[15]!).toBeLessThan(plain);
  });

  it('refuses a bitrate of zero', () => {
    expect(() => new VideoRateControl({ bitsPerSecond: 0 })).toThrow(RangeError);
  });
});

describe('VideoRateControl as a ceiling', () => {
  it('sends fewer frames when even the lowest quality is over budget, and keeps the bitrate within it', () => {
    const control = new VideoRateControl({ bitsPerSecond: 120_000 });
    let sent = 0;
    let bytes = 0;
    // 10 s of a 15 fps camera whose frames take 1,850 bytes at quality 30 (the clip's), against 1,000 a frame.
    for (let frame = 0; frame < 150; frame++) {
      if (!control.admit(frame * (1000 / 15))) continue;
      const size = Math.round(1850 * 1.075 ** ((control.quality - 30) / 5));
      control.encoded(size);
      sent += 1;
      bytes += size;
    }
    expect(control.quality).toBe(30);
    // The bucket starts with half a second of budget: 10 s may use 10.5 s worth.
    expect(bytes).toBeLessThanOrEqual(10.5 * 15_000);
    expect(sent).toBeLessThan(120);
    expect(sent).toBeGreaterThan(60);
  });

  it('admits every frame of a picture that fits', () => {
    const control = new VideoRateControl();
    let refused = 0;
    for (let frame = 0; frame < 150; frame++) {
      if (!control.admit(frame * (1000 / 15))) refused += 1;
      else control.encoded(1500);
    }
    expect(refused).toBe(0);
  });

  it('spends, without judging its quality by them, the frames a congested sender made smaller', () => {
    const control = new VideoRateControl();
    // 18 KB at once: more than the half second of budget (15 KB) the bucket holds.
    for (let frame = 0; frame < 60; frame++) control.encoded(300, false);
    expect(control.quality).toBe(60);
    expect(control.admit(0)).toBe(false);
  });
});
