import { describe, expect, it } from 'vitest';
import { FailureLimiter } from '../../src/server/rate-limiter.js';
import { rng } from '../helpers/rng.js';

function fakeClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('FailureLimiter', () => {
  it('does not block a key below maxFailures, blocks at maxFailures', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 10_000, now: clock.now });
    expect(limiter.blockedForMs('a')).toBe(0);
    limiter.recordFailure('a');
    clock.advance(100);
    limiter.recordFailure('a');
    expect(limiter.blockedForMs('a')).toBe(0);
    clock.advance(100);
    limiter.recordFailure('a');
    // Blocked until the first failure (at t0) ages out: t0 + 10 s − (t0 + 200 ms).
    expect(limiter.blockedForMs('a')).toBe(9_800);
  });

  it('counts down with the clock and unblocks when the oldest failure leaves the window', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 1_000, now: clock.now });
    limiter.recordFailure('a');
    clock.advance(300);
    limiter.recordFailure('a');
    expect(limiter.blockedForMs('a')).toBe(700);
    clock.advance(699);
    expect(limiter.blockedForMs('a')).toBe(1);
    clock.advance(1);
    expect(limiter.blockedForMs('a')).toBe(0);
    // One failure (at +300) is still inside the window: one more blocks again, until that one ages out.
    limiter.recordFailure('a');
    expect(limiter.blockedForMs('a')).toBe(300);
  });

  it('with more failures than the limit, waits for enough of them to age out', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 2, windowMs: 1_000, now: clock.now });
    for (let i = 0; i < 4; i++) {
      limiter.recordFailure('a');
      clock.advance(100);
    }
    // Failures at 0, 100, 200, 300; now 400. Unblocked when only one is left in the window: after the one at 200.
    expect(limiter.blockedForMs('a')).toBe(800);
    clock.advance(800);
    expect(limiter.blockedForMs('a')).toBe(0);
  });

  it('failures spread wider than the window never block', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 3, windowMs: 1_000, now: clock.now });
    for (let i = 0; i < 20; i++) {
      limiter.recordFailure('a');
      expect(limiter.blockedForMs('a')).toBe(0);
      clock.advance(500);
    }
  });

  it('keeps keys independent', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 1_000, now: clock.now });
    limiter.recordFailure('10.0.0.1');
    expect(limiter.blockedForMs('10.0.0.1')).toBe(1_000);
    expect(limiter.blockedForMs('10.0.0.2')).toBe(0);
  });

  it('uses the documented defaults: 5 failures in 60 s', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ now: clock.now });
    for (let i = 0; i < 4; i++) limiter.recordFailure('a');
    expect(limiter.blockedForMs('a')).toBe(0);
    limiter.recordFailure('a');
    expect(limiter.blockedForMs('a')).toBe(60_000);
    clock.advance(60_000);
    expect(limiter.blockedForMs('a')).toBe(0);
  });

  it('remembers at most maxKeys keys, forgetting the least recently failing', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 3, now: clock.now });
    limiter.recordFailure('a');
    limiter.recordFailure('b');
    limiter.recordFailure('c');
    // 'a' fails again: now the most recent.
    limiter.recordFailure('a');
    limiter.recordFailure('d');
    expect(limiter.blockedForMs('b')).toBe(0);
    expect(limiter.blockedForMs('a')).toBeGreaterThan(0);
    expect(limiter.blockedForMs('c')).toBeGreaterThan(0);
    expect(limiter.blockedForMs('d')).toBeGreaterThan(0);
  });

  it('stays bounded under a flood of distinct addresses', () => {
    const clock = fakeClock();
    const limiter = new FailureLimiter({ maxFailures: 1, windowMs: 60_000, maxKeys: 100, now: clock.now });
    for (let i = 0; i < 10_000; i++) limiter.recordFailure(`10.0.${i >> 8}.${i & 0xff}`);
    let blocked = 0;
    for (let i = 0; i < 10_000; i++) if (limiter.blockedForMs(`10.0.${i >> 8}.${i & 0xff}`) > 0) blocked += 1;
    expect(blocked).toBe(100);
    // The survivors are the last 100.
    expect(limiter.blockedForMs('10.0.39.15')).toBeGreaterThan(0); // i = 9999
    expect(limiter.blockedForMs('10.0.0.0')).toBe(0);
  });
});

describe('FailureLimiter fuzz', () => {
  it('agrees with a model of the sliding window for random failures and checks, forgetting the least recently failing key past maxKeys', () => {
    const random = rng(0x11a1);
    const pick = (n: number): number => Math.floor(random() * n);
    for (let trial = 0; trial < 80; trial++) {
      const clock = fakeClock();
      const maxFailures = 1 + pick(5);
      const windowMs = 100 + pick(1000);
      const maxKeys = 1 + pick(6);
      const limiter = new FailureLimiter({ maxFailures, windowMs, maxKeys, now: clock.now });
      // The model: each key's failure times; the least recently failing key is forgotten past maxKeys.
      const model = new Map<string, number[]>();
      for (let step = 0; step < 300; step++) {
        // Several at the same millisecond too.
        clock.advance(random() < 0.2 ? 0 : pick(80));
        const now = clock.now();
        const key = `10.0.0.${pick(8)}`;
        const recent = (model.get(key) ?? []).filter((t) => t > now - windowMs);
        if (random() < 0.5) {
          limiter.recordFailure(key);
          model.delete(key);
          model.set(key, [...recent, now]);
          if (model.size > maxKeys) model.delete(model.keys().next().value!);
        } else {
          const want = recent.length >= maxFailures ? recent[recent.length - maxFailures]! + windowMs - now : 0;
          expect(limiter.blockedForMs(key), JSON.stringify({ trial, step, key, recent })).toBe(want);
          if (recent.length === 0) model.delete(key);
        }
      }
    }
  });
});
