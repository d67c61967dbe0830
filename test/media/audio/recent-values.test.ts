import { describe, expect, it } from 'vitest';
import { RecentValues } from '../../../src/media/audio/recent-values.js';

describe('RecentValues', () => {
  it('keeps the last `capacity` values, oldest first', () => {
    const recent = new RecentValues(3, 5000);
    for (let i = 1; i <= 5; i++) recent.push(i * 10, i);
    expect(recent.values).toEqual([30, 40, 50]);
    expect(recent.size).toBe(3);
  });

  it('forgets values older than maxAgeMs, keeping one exactly that old', () => {
    const recent = new RecentValues(100, 5000);
    recent.push(1, 1000);
    recent.push(2, 2000);
    recent.push(3, 3000);
    recent.expire(7000);
    expect(recent.values).toEqual([2, 3]);
    recent.expire(60_000);
    expect(recent.size).toBe(0);
    recent.push(4, 60_000);
    recent.clear();
    expect(recent.values).toEqual([]);
  });
});
