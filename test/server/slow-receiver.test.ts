import { describe, expect, it } from 'vitest';
import { SlowReceiverGuard } from '../../src/server/slow-receiver.js';

/** Feeds `levels` at the server's 0.5 s sampling from `startMs`; returns the verdicts. */
function feed(guard: SlowReceiverGuard, startMs: number, levels: number[]) {
  return levels.map((level, i) => guard.sample(startMs + i * 500, level));
}

describe('SlowReceiverGuard: one slow receiver does not hold the room down', () => {
  it('passes congestion through while it comes and goes, as a path the senders can help does', () => {
    const guard = new SlowReceiverGuard();
    // Congested a quarter of the time for a minute: reported as measured, video never withheld.
    const verdicts = feed(guard, 0, Array.from({ length: 120 }, (_, i) => (i % 4 === 0 ? 1 : 0)));
    expect(verdicts.every((v) => !v.withholdVideo)).toBe(true);
    expect(verdicts.map((v) => v.level)).toEqual(Array.from({ length: 120 }, (_, i) => (i % 4 === 0 ? 1 : 0)));
  });

  it('withholds video from a receiver congested for most of 20 s and reports it clear; tries again after 15 s, then 30 s', () => {
    const guard = new SlowReceiverGuard();
    const first = feed(guard, 0, Array(20).fill(2));
    expect(first.slice(0, 19).every((v) => v.level === 2 && !v.withholdVideo)).toBe(true);
    expect(first[19]).toEqual({ level: 0, withholdVideo: true });
    // Withheld (at 9.5 s) for 15 s while its path is calm, then video again.
    const waiting = feed(guard, 10_000, Array(30).fill(0));
    expect(waiting.slice(0, 29).every((v) => v.withholdVideo && v.level === 0)).toBe(true);
    expect(waiting[29]!.withholdVideo).toBe(false);
    // Congested again: withheld again, and this time for 30 s.
    const again = feed(guard, 25_000, Array(20).fill(1));
    expect(again[19]).toEqual({ level: 0, withholdVideo: true });
    // (withheld at 34.5 s: video again at 64.5 s)
    const longer = feed(guard, 35_000, Array(60).fill(0));
    expect(longer.slice(0, 59).every((v) => v.withholdVideo)).toBe(true);
    expect(longer[59]!.withholdVideo).toBe(false);
  });

  it('forgets the samples from before a time audio only: one congested sample after it withholds nothing', () => {
    const guard = new SlowReceiverGuard();
    feed(guard, 0, Array(19).fill(1));
    // Ten minutes audio only (not sampled), then video again.
    guard.forgetSamples();
    const back = feed(guard, 600_000, [1, 1, 0]);
    expect(back.every((v) => !v.withholdVideo)).toBe(true);
  });

  it('keeps video withheld while even the audio alone congests the path', () => {
    const guard = new SlowReceiverGuard();
    feed(guard, 0, Array(20).fill(2));
    const stillSlow = feed(guard, 10_000, Array(100).fill(2));
    expect(stillSlow.every((v) => v.withholdVideo && v.level === 0)).toBe(true);
  });
});
