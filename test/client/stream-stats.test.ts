import { describe, expect, it } from 'vitest';
import { percentile, StreamStats } from '../../src/client/stream-stats.js';

describe('StreamStats', () => {
  it('counts a frame dropped here once, with its bytes, not again as a gap before the next', () => {
    const stats = new StreamStats();
    stats.record(1, 100, 5);
    stats.discarded(2, 100); // replaced by 3 before it was decoded
    stats.discarded(3, 100); // broken
    stats.record(4, 100, 5);
    const w = stats.takeWindow(1000);
    expect(w).toMatchObject({ frames: 2, framesDropped: 2, kbps: 3.2 });
  });

  it('after resetSequence, a jump in seq is not loss (video again after audio only)', () => {
    const stats = new StreamStats();
    stats.record(10, 100, 5);
    stats.resetSequence();
    stats.record(461, 100, 5);
    expect(stats.takeWindow(1000).framesDropped).toBe(0);
  });

  it('computes fps and kbit/s over the window', () => {
    const stats = new StreamStats();
    for (let seq = 1; seq <= 50; seq++) stats.record(seq, 1000, 10);
    const w = stats.takeWindow(2000);
    expect(w.fps).toBe(25);
    expect(w.kbps).toBe(200); // 50 000 bytes · 8 / 1000 / 2 s
    expect(w.frames).toBe(50);
    expect(w.framesDropped).toBe(0);
  });

  it('rounds fps and kbit/s to one decimal', () => {
    const stats = new StreamStats();
    for (let seq = 1; seq <= 10; seq++) stats.record(seq, 123, 0);
    const w = stats.takeWindow(3000);
    expect(w.fps).toBe(3.3);
    expect(w.kbps).toBe(3.3); // 9840 bits / 3 s = 3.28 kbit/s
  });

  it('reports latency p50 and p95 by nearest rank', () => {
    const stats = new StreamStats();
    // Recorded out of order: the window must sort them.
    const latencies = Array.from({ length: 100 }, (_, i) => 100 - i);
    latencies.forEach((ms, i) => stats.record(i + 1, 10, ms));
    const w = stats.takeWindow(1000);
    expect(w.latencyP50Ms).toBe(50);
    expect(w.latencyP95Ms).toBe(95);
  });

  it('counts a frame late on purpose (a talk spurt\'s onset) as a frame, but not its lateness as latency', () => {
    const stats = new StreamStats();
    for (let seq = 1; seq <= 3; seq++) stats.record(seq, 60, undefined);
    for (let seq = 4; seq <= 20; seq++) stats.record(seq, 60, 5);
    const w = stats.takeWindow(1000);
    expect(w.frames).toBe(20);
    expect(w.framesDropped).toBe(0);
    expect(w.latencyP95Ms).toBe(5);
  });

  it('reports null latencies and zero rates for an empty window', () => {
    const w = new StreamStats().takeWindow(2000);
    expect(w).toEqual({ fps: 0, kbps: 0, latencyP50Ms: null, latencyP95Ms: null, framesDropped: 0, frames: 0 });
  });

  it('counts sequence gaps as dropped frames', () => {
    const stats = new StreamStats();
    for (const seq of [1, 2, 5, 6, 10]) stats.record(seq, 1, 0);
    const w = stats.takeWindow(1000);
    expect(w.framesDropped).toBe(5); // 3, 4, 7, 8, 9
    expect(w.frames).toBe(5);
    expect(stats.droppedTotal).toBe(5);
  });

  it('counts no gap across the 2^32 wrap', () => {
    const stats = new StreamStats();
    stats.record(0xfffffffe, 1, 0);
    stats.record(0xffffffff, 1, 0);
    stats.record(0, 1, 0);
    stats.record(2, 1, 0);
    expect(stats.takeWindow(1000).framesDropped).toBe(1); // only seq 1 is missing
  });

  it('does not count a sender restart (seq back to 1) or a duplicate as loss', () => {
    const stats = new StreamStats();
    for (let seq = 1; seq <= 500; seq++) stats.record(seq, 1, 0);
    stats.record(1, 1, 0); // restarted
    stats.record(2, 1, 0);
    stats.record(2, 1, 0); // duplicate
    stats.record(1, 1, 0); // reordered
    expect(stats.takeWindow(1000).framesDropped).toBe(0);
    expect(stats.droppedTotal).toBe(0);
  });

  it('treats a jump of 1000 or more as a restart, below that as loss', () => {
    const a = new StreamStats();
    a.record(1, 1, 0);
    a.record(1000, 1, 0);
    expect(a.takeWindow(1000).framesDropped).toBe(998);
    const b = new StreamStats();
    b.record(1, 1, 0);
    b.record(1002, 1, 0);
    expect(b.takeWindow(1000).framesDropped).toBe(0);
  });

  it('counts discarded frames as dropped', () => {
    const stats = new StreamStats();
    stats.record(1, 1, 0);
    stats.discarded(2, 1);
    stats.discarded(3, 1);
    expect(stats.takeWindow(1000).framesDropped).toBe(2);
    expect(stats.droppedTotal).toBe(2);
  });

  it('starts a fresh window after takeWindow but keeps the running total and the last seq', () => {
    const stats = new StreamStats();
    stats.record(1, 100, 5);
    stats.record(3, 100, 7);
    expect(stats.takeWindow(1000)).toMatchObject({ frames: 2, framesDropped: 1 });
    // The gap between windows (seq 4) is still seen, because the last seq carries over.
    stats.record(5, 50, 9);
    const w = stats.takeWindow(1000);
    expect(w).toEqual({ fps: 1, kbps: 0.4, latencyP50Ms: 9, latencyP95Ms: 9, framesDropped: 1, frames: 1 });
    expect(stats.droppedTotal).toBe(2);
  });

  it('bounds the latency samples kept per window', () => {
    const stats = new StreamStats();
    for (let seq = 1; seq <= 10_000; seq++) stats.record(seq, 1, 1);
    // Samples past the bound are not kept: the huge latencies below cannot move the percentiles.
    for (let seq = 10_001; seq <= 12_000; seq++) stats.record(seq, 1, 1e6);
    const w = stats.takeWindow(1000);
    expect(w.frames).toBe(12_000);
    expect(w.latencyP95Ms).toBe(1);
  });
});

describe('percentile', () => {
  it('is null for an empty list', () => {
    expect(percentile([], 0.5)).toBeNull();
  });

  it('uses nearest rank', () => {
    const sorted = [10, 20, 30, 40];
    expect(percentile(sorted, 0)).toBe(10);
    expect(percentile(sorted, 0.25)).toBe(10);
    expect(percentile(sorted, 0.26)).toBe(20);
    expect(percentile(sorted, 0.5)).toBe(20);
    expect(percentile(sorted, 0.95)).toBe(40);
    expect(percentile(sorted, 1)).toBe(40);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it('matches the exact nearest-rank definition for every list length up to 1000', () => {
    for (let n = 1; n <= 1000; n++) {
      const sorted = Array.from({ length: n }, (_, i) => i + 1);
      // Rank ⌈p·n⌉ computed in integers, free of floating-point error.
      expect(percentile(sorted, 0.5)).toBe(Math.ceil((50 * n) / 100));
      expect(percentile(sorted, 0.95)).toBe(Math.ceil((95 * n) / 100));
    }
  });

  it('rounds to one decimal', () => {
    expect(percentile([1.26], 0.5)).toBe(1.3);
  });
});
