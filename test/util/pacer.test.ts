import { describe, expect, test } from 'vitest';
import { startPacer, ticksDue } from '../../src/util/pacer.js';

describe('ticksDue', () => {
  test('on time: the one tick owed', () => {
    expect(ticksDue(7, 7, 0)).toEqual({ first: 7, last: 7 });
    expect(ticksDue(7, 7, 5)).toEqual({ first: 7, last: 7 });
  });

  test('a timer that woke a hair early still fires the tick it was for', () => {
    expect(ticksDue(7, 6, 5)).toEqual({ first: 7, last: 7 });
  });

  test('late without catch-up: only the newest tick, the missed ones skipped', () => {
    expect(ticksDue(7, 9, 0)).toEqual({ first: 9, last: 9 });
  });

  test('late with catch-up: every missed tick, oldest first, as far back as allowed', () => {
    expect(ticksDue(7, 9, 5)).toEqual({ first: 7, last: 9 });
    expect(ticksDue(7, 20, 5)).toEqual({ first: 15, last: 20 });
  });
});

/** Keeps the event loop busy, as a slow render or a garbage collection would. */
function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // busy on purpose
  }
}

describe('startPacer on a busy event loop', () => {
  const run = async (catchUpTicks: number): Promise<number[]> => {
    const fired: number[] = [];
    const pacer = startPacer(10, (index) => {
      fired.push(index);
      if (index === 2) blockFor(45);
    }, { catchUpTicks });
    await new Promise((resolve) => setTimeout(resolve, 150));
    pacer.stop();
    return fired;
  };

  test('skips the ticks a 45 ms stall covered when it may not catch up', async () => {
    const fired = await run(0);
    expect(fired.length).toBeGreaterThan(3);
    const gaps = fired.slice(1).filter((index, i) => index !== fired[i]! + 1);
    expect(gaps.length).toBeGreaterThan(0);
  });

  test('fires every tick, late but in order, when it may catch up past the stall', async () => {
    // Catching up as far back as a second: only the stall itself, however slow the machine, is being tested.
    const fired = await run(100);
    expect(fired.length).toBeGreaterThan(8);
    expect(fired).toEqual(fired.map((_, i) => i));
  });
});
