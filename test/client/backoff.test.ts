import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../../src/client/backoff.js';

const max = () => 1 - Number.EPSILON; // the largest value Math.random can return, near enough
const zero = () => 0;

describe('backoffDelayMs', () => {
  it('grows exponentially from baseMs: the ceiling doubles per attempt', () => {
    expect([0, 1, 2, 3, 4].map((a) => backoffDelayMs(a, 500, 30_000, max))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('caps the ceiling at maxMs', () => {
    expect(backoffDelayMs(6, 500, 30_000, max)).toBe(30_000); // 32 s uncapped
    expect(backoffDelayMs(50, 500, 30_000, max)).toBe(30_000);
    expect(backoffDelayMs(1_000_000, 500, 30_000, max)).toBe(30_000);
  });

  it('never returns a non-finite value for huge attempt numbers', () => {
    const delay = backoffDelayMs(Number.MAX_SAFE_INTEGER, 500, Number.POSITIVE_INFINITY, max);
    expect(Number.isFinite(delay)).toBe(true);
  });

  it('uses full jitter: the delay is random() × ceiling, rounded', () => {
    expect(backoffDelayMs(3, 500, 30_000, zero)).toBe(0);
    expect(backoffDelayMs(3, 500, 30_000, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(3, 500, 30_000, () => 0.25)).toBe(1000);
    expect(backoffDelayMs(2, 100, 30_000, () => 0.123)).toBe(49);
  });

  it('stays within [0, ceiling] for any random value in [0, 1)', () => {
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let attempt = 0; attempt < 30; attempt++) {
      const ceiling = Math.min(30_000, 500 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelayMs(attempt, 500, 30_000, random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('spreads clients out: different random draws give different delays', () => {
    let seed = 99;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const delays = new Set(Array.from({ length: 100 }, () => backoffDelayMs(5, 500, 30_000, random)));
    expect(delays.size).toBeGreaterThan(50);
  });

  it('defaults to base 500 ms, cap 10 s and Math.random', () => {
    for (let i = 0; i < 100; i++) {
      const first = backoffDelayMs(0);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(first).toBeLessThanOrEqual(500);
      expect(backoffDelayMs(20)).toBeLessThanOrEqual(10_000);
    }
  });
});
