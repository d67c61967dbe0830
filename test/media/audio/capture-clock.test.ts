import { describe, expect, it } from 'vitest';
import { CaptureClock } from '../../../src/media/audio/capture-clock.js';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import { rng } from '../../helpers/rng.js';

/** Stamps for frames read at `readTimes` (ms). */
function stampsOf(readTimes: number[]): number[] {
  const clock = new CaptureClock(SAMPLE_RATE);
  return readTimes.map((at) => clock.next(SAMPLES_PER_FRAME, at));
}

const gaps = (stamps: number[]): number[] => stamps.slice(1).map((stamp, i) => stamp - stamps[i]!);

describe('CaptureClock', () => {
  it('stamps frames 20 ms apart however late each was read, moving back only to a read earlier than the count', () => {
    const random = rng(7);
    const reads = Array.from({ length: 500 }, (_, i) => 1_000 + 20 * (i + 1) + random() * 8);
    const frameGaps = gaps(stampsOf(reads));
    // The read jitter (up to 8 ms) shows only where a frame came earlier than any before it: a few times, less each.
    expect(frameGaps.filter((gap) => Math.abs(gap - 20) > 1e-6).length).toBeLessThan(10);
    expect(Math.min(...frameGaps)).toBeGreaterThan(12);
    expect(Math.max(...frameGaps)).toBeLessThan(20 + 1e-6);
  });

  it('keeps the count through a stall: the frames read in a burst after it are not a pause and a pile-up', () => {
    // Frames 0–49 on time; the process stalls, reads the 8 frames that queued in 160 ms at once, then on time again.
    const reads: number[] = [];
    for (let i = 0; i < 50; i++) reads.push(20 * (i + 1));
    const resumeAt = reads.at(-1)! + 160;
    for (let i = 0; i < 8; i++) reads.push(resumeAt + i * 0.2);
    for (let i = 0; i < 100; i++) reads.push(resumeAt + 20 * (i + 1));
    const stamps = stampsOf(reads);
    for (const gap of gaps(stamps)) expect(gap).toBeCloseTo(20, 6);
    // Never later than the frame was read.
    stamps.forEach((stamp, i) => expect(stamp).toBeLessThanOrEqual(reads[i]!));
  });

  it('moves on when samples went missing (every frame read later than counted for a second), never back', () => {
    // 300 ms of sound lost: frame 50 onwards is read 300 ms later than the count says, for good.
    const reads = Array.from({ length: 200 }, (_, i) => 20 * (i + 1) + (i >= 50 ? 300 : 0));
    const stamps = stampsOf(reads);
    for (const gap of gaps(stamps)) expect(gap).toBeGreaterThan(0);
    // Within two windows the stamps are the read times again.
    expect(reads.at(-1)! - stamps.at(-1)!).toBeLessThan(1);
    expect(gaps(stamps).filter((gap) => gap > 20.5)).toHaveLength(1);
  });

  it('follows a sound card whose clock runs fast or slow (±200 ppm for five minutes): never ahead of the read, never far behind', () => {
    for (const ppm of [200, -200]) {
      const frameMs = 20 / (1 + ppm * 1e-6);
      const reads = Array.from({ length: 15_000 }, (_, i) => 5_000 + frameMs * (i + 1) + ((i * 7919) % 5));
      const stamps = stampsOf(reads);
      const lags = stamps.map((stamp, i) => reads[i]! - stamp);
      expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...lags)).toBeLessThan(5 + 5 + 1);
      expect(Math.min(...gaps(stamps))).toBeGreaterThan(0);
    }
  });

  it('starts from the earliest read: a first frame read late does not leave every later stamp early', () => {
    const reads = [120, ...Array.from({ length: 60 }, (_, i) => 40 + 20 * (i + 1))];
    const stamps = stampsOf(reads);
    expect(stamps.at(-1)).toBeCloseTo(reads.at(-1)!, 6);
  });
});
