import { describe, expect, it } from 'vitest';
import { KeyHold, type HoldTimers } from '../../src/tui/key-hold.js';

/** A fake clock with timers that fire as it advances. */
function fakeTimers(): HoldTimers & { advance(ms: number): void } {
  let now = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  let nextId = 1;
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      pending.set(nextId, { at: now + ms, callback });
      return nextId++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

/** Holds the key for `ms`: the press, the terminal's repeat delay, then repeats every `intervalMs`. */
function hold(key: KeyHold, timers: ReturnType<typeof fakeTimers>, ms: number, delayMs = 500, intervalMs = 33): void {
  key.press();
  timers.advance(delayMs);
  for (let t = delayMs; t < ms; t += intervalMs) {
    key.press();
    timers.advance(intervalMs);
  }
}

describe('KeyHold (push-to-talk from key repeats)', () => {
  it('is held from the press through the repeat delay and the repeats, and let go ~200 ms after the last repeat', () => {
    const timers = fakeTimers();
    const changes: Array<[boolean, number]> = [];
    const key = new KeyHold((held) => changes.push([held, timers.now()]), {}, timers);
    hold(key, timers, 2000);
    expect(changes).toEqual([[true, 0]]);
    const lastRepeatAt = timers.now() - 33;
    timers.advance(1000);
    expect(changes).toHaveLength(2);
    expect(changes[1]![0]).toBe(false);
    expect(changes[1]![1] - lastRepeatAt).toBeLessThanOrEqual(200);
  });

  it('a tap (no repeats) talks until the longest repeat delay has passed, then lets go', () => {
    const timers = fakeTimers();
    const changes: boolean[] = [];
    const key = new KeyHold((held) => changes.push(held), {}, timers);
    key.press();
    timers.advance(650);
    expect(key.isHeld).toBe(true);
    timers.advance(100);
    expect(changes).toEqual([true, false]);
  });

  it('repeats that arrive unevenly (over SSH) do not let go between them', () => {
    const timers = fakeTimers();
    const changes: boolean[] = [];
    const key = new KeyHold((held) => changes.push(held), {}, timers);
    key.press();
    timers.advance(400);
    // 30 ms repeats, then a 180 ms gap, as a congested link delivers them.
    for (const gap of [30, 30, 30, 180, 30, 30]) {
      key.press();
      timers.advance(gap);
    }
    expect(changes).toEqual([true]);
  });

  it('release() lets go at once, and a new press after it holds again', () => {
    const timers = fakeTimers();
    const changes: boolean[] = [];
    const key = new KeyHold((held) => changes.push(held), {}, timers);
    key.press();
    key.release();
    key.release();
    key.press();
    expect(changes).toEqual([true, false, true]);
  });

  it('once the terminal reports releases, held from press to release, whatever the repeats do', () => {
    const timers = fakeTimers();
    const changes: boolean[] = [];
    const key = new KeyHold((held) => changes.push(held), {}, timers);
    key.trustReportedReleases();
    // No repeats at all (a keyboard that does not repeat, or repeats lost on the way): still held after 5 s.
    key.press();
    timers.advance(5000);
    expect(key.isHeld).toBe(true);
    // Repeats that stop (an SSH link that stalls) do not let go either.
    key.press();
    key.press();
    timers.advance(2000);
    expect(key.isHeld).toBe(true);
    key.release();
    expect(changes).toEqual([true, false]);
  });

  it('a trust that comes while the key is down cancels the guess already running', () => {
    const timers = fakeTimers();
    const key = new KeyHold(() => {}, {}, timers);
    key.press();
    key.trustReportedReleases();
    timers.advance(3000);
    expect(key.isHeld).toBe(true);
  });
});
