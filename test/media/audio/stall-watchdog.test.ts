import { describe, expect, it } from 'vitest';
import { StallWatchdog } from '../../../src/media/audio/stall-watchdog.js';

/**
 * Checks every 100 ms from `from` to `to` (exclusive), the stream moving between checks when `moving`; returns the
 * first time the watchdog said dead, or null.
 */
function run(w: StallWatchdog, from: number, to: number, moving = false): number | null {
  for (let t = from; t < to; t += 100) {
    if (w.check(t)) return t;
    if (moving) w.progress(t);
  }
  return null;
}

describe('StallWatchdog', () => {
  it('keeps quiet while the stream moves, and calls it dead after 2 s without progress', () => {
    const w = new StallWatchdog(0);
    expect(run(w, 100, 5000, true)).toBeNull();
    // The last progress at 4900: dead at 6900.
    expect(run(w, 5000, 8000)).toBe(6900);
    expect(w.idleMs).toBe(2000);
  });

  it('gives a device 3 s to deliver its first data', () => {
    const w = new StallWatchdog(0);
    expect(run(w, 100, 5000)).toBe(3000);
    expect(w.started).toBe(false);
  });

  it('does not blame the device for time this process was stopped (SIGSTOP, a busy machine)', () => {
    const w = new StallWatchdog(0);
    expect(run(w, 100, 1000, true)).toBeNull();
    // Stopped for 1.5 s: the next check comes 1.6 s late and counts 200 ms; the stream moves again right after.
    expect(w.check(2500)).toBe(false);
    expect(w.idleMs).toBe(200);
    w.progress(2500);
    expect(run(w, 2600, 4000, true)).toBeNull();
  });

  it('lets a stream suspended for over a second come back, but not one stalled for good', () => {
    const w = new StallWatchdog(0);
    run(w, 100, 1000, true);
    expect(run(w, 1000, 2500)).toBeNull();
    w.progress(2500);
    expect(run(w, 2500, 4000, true)).toBeNull();
    expect(run(w, 4000, 8000)).toBe(5900);
  });

  it('counts a healthy stream idle only since its last progress, so stopping it finds it alive', () => {
    const w = new StallWatchdog(0);
    for (let t = 100; t <= 1000; t += 100) {
      w.progress(t - 10); // data 10 ms before each check
      w.check(t);
    }
    // 10 ms idle, not a whole check period (it stopped as dead, killed instead of closed, every time).
    expect(w.idleMs).toBe(10);
  });
});
