import { describe, expect, it } from 'vitest';
import { AckWindow } from '../../src/net/ack-window.js';
import { rng } from '../helpers/rng.js';

/** Writes `bytes` at `sentAt` and acknowledges everything so far at `ackedAt`: one round trip of ackedAt − sentAt. */
function roundTrip(window: AckWindow, bytes: number, sentAt: number, ackedAt: number, total: { sent: number }): void {
  window.onSent(bytes, sentAt);
  total.sent += bytes;
  window.onAck(total.sent % 2 ** 32, ackedAt);
}

describe('AckWindow delay evidence (the path carries less than is sent)', () => {
  it('counts the round trips queued past the target, and the worst, since it was last asked', () => {
    const window = new AckWindow({});
    const total = { sent: 0 };
    let now = 0;
    for (let i = 0; i < 5; i++, now += 20) roundTrip(window, 1000, now, now + 5, total); // the empty path: 5 ms
    expect(window.takeDelayEvidence()).toEqual({ samples: 5, queued: 0, worstQueueingMs: 0 });
    // 60 ms of queueing (what a delayed ACK alone may add) is not counted; 150 and 250 ms are.
    for (const rtt of [65, 155, 255]) {
      roundTrip(window, 1000, now, now + rtt, total);
      now += 300;
    }
    expect(window.takeDelayEvidence()).toEqual({ samples: 3, queued: 2, worstQueueingMs: 250 });
    expect(window.takeDelayEvidence()).toEqual({ samples: 0, queued: 0, worstQueueingMs: 0 });
  });
});

describe('AckWindow fuzz: a simulated path', () => {
  /**
   * Writes at random into a path of delay `delayMs` (plus `jitter` ms of queueing now and then) and acknowledges what
   * arrived at random moments, checking the counts after every step. `huge`: writes of up to a GiB, so the totals
   * pass 2^32 many times and only the low 32 bits of the count come back.
   */
  function simulate(seed: number, delayMs: number, jitter: number, huge: boolean): { windows: number[] } {
    const random = rng(seed);
    const pick = (n: number): number => Math.floor(random() * n);
    const window = new AckWindow();
    const path: Array<{ end: number; at: number }> = [];
    const windows: number[] = [];
    let now = 0;
    let sent = 0;
    let arrived = 0;
    let acked = 0;
    const fail = (what: string): never => {
      throw new Error(`${what} (seed ${seed}, now ${now}, sent ${sent}, acked ${acked})`);
    };
    for (let step = 0; step < 1500; step++) {
      now += pick(25);
      if (random() < 0.5) {
        // Huge ones keep under 4 GiB in flight: past that a 32-bit count is ambiguous (the window holds at most 4 MiB).
        const bytes = 1 + (huge ? pick(Math.max(0, Math.min(2 ** 30, 2 ** 32 - 2 ** 20 - (sent - acked)))) : pick(window.room + 2000));
        window.onSent(bytes, now);
        sent += bytes;
        path.push({ end: sent, at: now + delayMs + (random() < 0.3 ? pick(jitter + 1) : 0) });
      }
      // The path delivers in order: a late write holds back the ones after it.
      while (path.length > 0 && path[0]!.at <= now) arrived = path.shift()!.end;
      if (random() < 0.4 && arrived > acked) {
        if (window.onAck(arrived % 2 ** 32, now) !== arrived - acked) fail('newly acknowledged bytes');
        acked = arrived;
      }
      // A stale or repeated acknowledgement changes nothing.
      if (random() < 0.1 && window.onAck((acked - pick(3000) + 2 ** 32) % 2 ** 32, now) !== 0) fail('stale acknowledgement counted');
      if (window.written !== sent || window.acknowledged !== acked || window.inFlight !== sent - acked) fail('counts');
      if (window.window < 8 * 1024 || window.window > 4 * 1024 * 1024) fail(`window ${window.window} out of bounds`);
      if (window.rttMs !== undefined && window.rttMs < 0) fail('negative round trip');
      windows.push(window.window);
    }
    return { windows };
  }

  it('counts every byte once across 32-bit wraps, ignores stale acknowledgements, keeps the window in bounds', () => {
    for (let seed = 1; seed <= 12; seed++) simulate(seed, 5 + seed * 10, 400, seed % 3 === 0);
  });

  it('never shrinks the window on a path that does not queue; shrinks it to the minimum on one that always does', () => {
    for (let seed = 20; seed < 26; seed++) {
      const { windows } = simulate(seed, 40, 0, false);
      for (let i = 1; i < windows.length; i++) expect(windows[i]).toBeGreaterThanOrEqual(windows[i - 1]!);
      expect(windows.at(-1)).toBeGreaterThan(32 * 1024);
    }
    // Queueing of up to 2 s on a third of the writes: far past the 100 ms target, again and again.
    expect(simulate(30, 40, 2000, false).windows.at(-1)).toBe(8 * 1024);
  });
});
