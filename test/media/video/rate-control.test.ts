import { describe, expect, it } from 'vitest';
import { SMALLER_SCALE, VideoRateControl } from '../../../src/media/video/rate-control.js';

/**
 * A picture whose JPEG at quality 60 and full size takes `bytesAt60`: ~7.5 % more or less per 5 quality points, 70 %
 * at three quarters of the size (as measured on the fixture clip).
 */
function run(control: VideoRateControl, bytesAt60: number, frames: number): { qualities: number[]; scales: number[]; sizes: number[] } {
  const qualities: number[] = [];
  const scales: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < frames; i++) {
    const q = control.quality;
    const size = Math.round(bytesAt60 * 1.075 ** ((q - 60) / 5) * (control.scale === 1 ? 1 : 0.7));
    qualities.push(q);
    scales.push(control.scale);
    sizes.push(size);
    control.encoded(size);
  }
  return { qualities, scales, sizes };
}

const average = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('VideoRateControl', () => {
  it('fits a moderately detailed picture by lowering its quality, and stays there', () => {
    const control = new VideoRateControl({ bitsPerSecond: 240_000, fps: 15 });
    expect(control.frameBudgetBytes).toBe(2000);
    const { qualities, scales, sizes } = run(control, 2200, 150);
    const settled = qualities.slice(75);
    expect(Math.max(...settled)).toBeLessThan(60);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(45);
    expect(scales.at(-1)).toBe(1);
    expect(average(sizes.slice(75))).toBeLessThanOrEqual(2000);
    expect(average(sizes.slice(75))).toBeGreaterThan(2000 / 1.075 ** 2);
    // No hunting: one or two qualities once settled.
    expect(new Set(settled).size).toBeLessThanOrEqual(2);
  });

  it('sends a very detailed picture smaller at a good quality rather than full size with blocks, and stays there', () => {
    const control = new VideoRateControl();
    // 2,740 bytes at quality 60: the fixture clip (fur), which at full size would fit only at quality 35.
    const { qualities, scales, sizes } = run(control, 2740, 300);
    expect(scales.at(-1)).toBe(SMALLER_SCALE);
    expect(Math.min(...qualities.slice(150))).toBeGreaterThanOrEqual(55);
    expect(new Set(scales.slice(50)).size).toBe(1);
    expect(average(sizes.slice(150))).toBeLessThanOrEqual(2000);
  });

  it('gives a simple picture more quality for the same budget, up to 80, at full size', () => {
    const control = new VideoRateControl({ bitsPerSecond: 240_000 });
    const { qualities, scales } = run(control, 900, 150);
    expect(qualities.at(-1)).toBe(80);
    expect(scales.every((s) => s === 1)).toBe(true);
  });

  it('stops at 30 and the smaller size for a picture that does not fit even there', () => {
    const control = new VideoRateControl({ bitsPerSecond: 64_000 });
    const { qualities, scales } = run(control, 5000, 200);
    expect(qualities.at(-1)).toBe(30);
    expect(scales.at(-1)).toBe(SMALLER_SCALE);
  });

  it('follows a scene that changes: detailed (smaller), then plain (full size again), then detailed again', () => {
    const control = new VideoRateControl();
    run(control, 3000, 150);
    expect(control.scale).toBe(SMALLER_SCALE);
    const plain = run(control, 1200, 150);
    expect(plain.scales.at(-1)).toBe(1);
    expect(plain.qualities.at(-1)).toBeGreaterThanOrEqual(70);
    const again = run(control, 3000, 150);
    expect(again.scales.at(-1)).toBe(SMALLER_SCALE);
    // It is within budget again within a second or so (20 frames).
    expect(average(again.sizes.slice(20))).toBeLessThanOrEqual(2000 * 1.05);
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
    // 10 s of a 15 fps camera whose frames take 1,850 bytes at quality 30 and full size, against 1,000 a frame.
    for (let frame = 0; frame < 150; frame++) {
      if (!control.admit(frame * (1000 / 15))) continue;
      const size = Math.round(1850 * 1.075 ** ((control.quality - 30) / 5) * (control.scale === 1 ? 1 : 0.7));
      control.encoded(size);
      sent += 1;
      bytes += size;
    }
    expect(control.quality).toBe(30);
    // The bucket starts with half a second of budget: 10 s may use 10.5 s worth.
    expect(bytes).toBeLessThanOrEqual(10.5 * 15_000);
    expect(sent).toBeLessThan(140);
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
