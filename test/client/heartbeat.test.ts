import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat } from '../../src/client/heartbeat.js';

function heartbeat() {
  const pings: Array<{ seq: number; at: number }> = [];
  const silences: number[] = [];
  const beat = new Heartbeat(
    { sendPing: (seq, at) => pings.push({ seq, at }), silent: (idleLimitMs) => silences.push(idleLimitMs) },
    { wallMs: () => Date.now() },
  );
  return { beat, pings, silences };
}

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings a second after the join, then every interval, stamped with the clock', () => {
    const { beat, pings } = heartbeat();
    beat.start(5000, 20_000);
    vi.advanceTimersByTime(999);
    expect(pings).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(pings).toEqual([{ seq: 1, at: 1_001_000 }]);
    vi.advanceTimersByTime(4000);
    expect(pings.map((p) => p.seq)).toEqual([1, 2]);
    beat.stop();
    vi.advanceTimersByTime(60_000);
    expect(pings).toHaveLength(2);
  });

  it('measures the round trip of the ping an answer names, and forgets the older ones still out', () => {
    const { beat } = heartbeat();
    beat.start(1000, 20_000);
    vi.advanceTimersByTime(3000); // pings 1 and 2 at 1 s (the first, and the interval's first), 3 at 2 s, 4 at 3 s
    expect(beat.unansweredPingMs).toBe(2000);
    expect(beat.answered(77)).toBeUndefined();
    expect(beat.lastRttMs).toBeUndefined();
    // An answer to a ping sent 1 s ago: those sent before it count as unanswered no more.
    expect(beat.answered(3)).toBe(1000);
    expect(beat.lastRttMs).toBe(1000);
    expect(beat.unansweredPingMs).toBe(0);
    expect(beat.answered(1)).toBeUndefined();
    beat.stop();
  });

  it('gives up exactly the idle limit after the last word heard, however late that word came', () => {
    const { beat, silences } = heartbeat();
    beat.heard();
    beat.watchSilence(15_000);
    vi.advanceTimersByTime(10_000);
    beat.heard();
    vi.advanceTimersByTime(14_999);
    expect(silences).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(silences).toEqual([15_000]);
    expect(beat.heardAgoMs).toBe(15_000);
  });

  it('says how late its verdict came when this process could not run (a laptop asleep, SIGSTOP), and 0 otherwise', () => {
    let asleepMs = 0;
    const late: Array<[number, number]> = [];
    const beat = new Heartbeat(
      { sendPing: () => {}, silent: (idleLimitMs, lateMs) => void late.push([idleLimitMs, lateMs]) },
      { wallMs: () => Date.now() },
      () => performance.now() + asleepMs,
    );
    beat.heard();
    beat.watchSilence(15_000);
    vi.advanceTimersByTime(10_000);
    // Asleep for 8 s from here: the monotonic clock went on, the timers did not run.
    asleepMs = 8_000;
    vi.advanceTimersByTime(5_000);
    expect(late).toEqual([[15_000, 8_000]]);
    beat.heard();
    beat.watchSilence(15_000);
    vi.advanceTimersByTime(15_000);
    expect(late).toEqual([[15_000, 8_000], [15_000, 0]]);
  });

  it('reports nothing once stopped', () => {
    const { beat, silences } = heartbeat();
    beat.heard();
    beat.start(1000, 3000);
    beat.stop();
    vi.advanceTimersByTime(60_000);
    expect(silences).toEqual([]);
  });
  it('a second WELCOME (a server that sends two) starts the pings over: one timer, and none once stopped', () => {
    const { beat, pings } = heartbeat();
    beat.start(5000, 20_000);
    vi.advanceTimersByTime(2000);
    beat.start(5000, 20_000);
    vi.advanceTimersByTime(10_000);
    // 1 s after each start, then every 5 s from the second: not the first start's interval beside it.
    expect(pings.map((p) => p.at - 1_000_000)).toEqual([1000, 3000, 7000, 12_000]);
    beat.stop();
    vi.advanceTimersByTime(60_000);
    expect(pings).toHaveLength(4);
  });
  // The wall clock set mid-call (NTP stepping it, a resumed VM, `date -s`): silence is timed on a monotonic clock.
  const JUMPS = [60_000, -60_000, 3_600_000, -3_600_000];

  it.each(JUMPS)('keeps a live call whose wall clock is set by %i ms between two words from the server', (jumpMs) => {
    const { beat, silences } = heartbeat();
    beat.heard();
    beat.watchSilence(15_000);
    for (let s = 0; s < 60; s++) {
      vi.advanceTimersByTime(1000);
      // After the word at 20 s, before the idle timer looks again at 25 s.
      if (s === 21) vi.setSystemTime(Date.now() + jumpMs);
      // A quiet call: the server speaks every 5 s (its pings).
      if (s % 5 === 4) beat.heard();
    }
    expect(silences).toEqual([]);
    expect(beat.heardAgoMs).toBe(0);
  });

  it.each(JUMPS)('gives a dead link up on time when the wall clock was set by %i ms after the last word', (jumpMs) => {
    const { beat, silences } = heartbeat();
    beat.heard();
    beat.watchSilence(15_000);
    vi.advanceTimersByTime(3000);
    vi.setSystemTime(Date.now() + jumpMs);
    vi.advanceTimersByTime(11_999);
    expect(silences).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(silences).toEqual([15_000]);
  });
});
