import { describe, expect, it } from 'vitest';
import { VIDEO_LADDER, VideoAdaptation } from '../../src/client/video-ladder.js';

/** Feeds `adaptation` one congestion sample every 0.5 s (the server's sweep) for `seconds`; returns the steps taken. */
function run(adaptation: VideoAdaptation, seconds: number, levelAt: (step: number, msOnStep: number) => number, from = 0) {
  const steps: number[] = [];
  let enteredAt = from;
  for (let now = from; now < from + seconds * 1000; now += 500) {
    if (adaptation.update(levelAt(adaptation.step, now - enteredAt), now)) {
      enteredAt = now;
      steps.push(adaptation.step);
    }
  }
  return steps;
}

describe('VideoAdaptation: the video ladder of a congested sender', () => {
  it('falls one rung for level 1 and two for level 2, at most every 1.5 s, and never past paused', () => {
    const ladder = new VideoAdaptation();
    expect(ladder.update(1, 0)).toBe(true);
    expect(ladder.step).toBe(1);
    expect(ladder.update(1, 1000)).toBe(false);
    expect(ladder.update(2, 1500)).toBe(true);
    expect(ladder.step).toBe(3);
    for (let t = 3000; t < 20_000; t += 1500) ladder.update(2, t);
    expect(ladder.step).toBe(VIDEO_LADDER.length - 1);
    expect(VIDEO_LADDER[ladder.step]!.paused).toBe(true);
  });

  it('climbs one rung every 2 s after 4 s of a clear path', () => {
    const ladder = new VideoAdaptation();
    ladder.update(2, 0);
    expect(ladder.step).toBe(2);
    expect(ladder.update(0, 500)).toBe(false);
    expect(ladder.update(0, 4000)).toBe(false);
    expect(ladder.update(0, 4500)).toBe(true);
    expect(ladder.step).toBe(1);
    expect(ladder.update(0, 6000)).toBe(false);
    expect(ladder.update(0, 6500)).toBe(true);
    expect(ladder.step).toBe(0);
  });

  it('on a path a little slower than the top rung, tries it again less and less often instead of every few seconds', () => {
    // The top rung congests the path 1.5 s after each climb onto it; the one below is fine.
    const congestsTop = (step: number, msOnStep: number): number => (step === 0 && msOnStep >= 1500 ? 1 : 0);
    const ladder = new VideoAdaptation();
    const steps = run(ladder, 300, congestsTop, 0);
    const climbsToTop = steps.filter((s) => s === 0).length;
    // Every ~7 s without the backoff (4 s hold + 1.5 s + the sweep): ~40 tries in 5 minutes. With it: 4, 8, 16, 32,
    // 64, 64, 64 s between them.
    expect(climbsToTop).toBeGreaterThanOrEqual(4);
    expect(climbsToTop).toBeLessThanOrEqual(9);
    expect(steps.every((s) => s <= 1)).toBe(true);
  });

  it('a climb that holds forgets the failures: the next congestion is met with the short hold again', () => {
    const ladder = new VideoAdaptation();
    let topCongests = true;
    run(ladder, 60, (step, ms) => (topCongests && step === 0 && ms >= 1500 ? 1 : 0));
    // The path gets better: the top rung holds once it is tried (within 64 s), and for good.
    topCongests = false;
    run(ladder, 80, () => 0, 60_000);
    expect(ladder.step).toBe(0);
    // One congestion later, the climb back comes after the first hold (4 s), not the long one.
    ladder.update(1, 200_000);
    expect(ladder.step).toBe(1);
    expect(run(ladder, 5, () => 0, 200_500)).toEqual([0]);
  });
});
