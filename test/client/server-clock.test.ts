import { describe, expect, it } from 'vitest';
import { ServerClock } from '../../src/client/server-clock.js';

describe('ServerClock', () => {
  it('starts from the previous estimate, then takes the sample with the shortest round trip', () => {
    const clock = new ServerClock(120);
    expect([clock.offsetMs, clock.measured]).toEqual([120, false]);
    // The server is 3 s ahead; a PING takes half the round trip to arrive.
    clock.sample(10_000 + 3000 - 40, 10_000, 80); // arrived 40 ms after it was stamped
    expect(clock.offsetMs).toBe(3000);
    expect(clock.measured).toBe(true);
    // A PING that sat 30 ms in a queue the round trip did not see: a worse sample, not taken.
    clock.sample(15_000 + 3000 - 40 - 30, 15_000, 80 + 30);
    expect(clock.offsetMs).toBe(3000);
    // A quieter moment measures it better.
    clock.sample(20_000 + 3000 - 2, 20_000, 6);
    expect(clock.offsetMs).toBe(3001);
  });

  it('forgets samples older than its history', () => {
    const clock = new ServerClock(0, 60_000);
    clock.sample(1000 + 500, 1000, 2); // offset 501, rtt 2
    clock.sample(30_000 + 500 + 10, 30_000, 40); // 530, within what the round trips allow
    expect(clock.offsetMs).toBe(501);
    clock.sample(62_000 + 500 + 10, 62_000, 40); // the first is over a minute old now
    expect(clock.offsetMs).toBe(530);
  });

  it('follows a clock that was set, from two samples that agree — not from one held-up PING', () => {
    const clock = new ServerClock();
    clock.sample(1000 + 3000 - 5, 1000, 10); // 3000
    clock.sample(6000 + 3000 - 5 - 400, 6000, 10); // one PING 400 ms late: ignored
    expect(clock.offsetMs).toBe(3000);
    clock.sample(11_000 + 3000 - 5, 11_000, 10);
    expect(clock.offsetMs).toBe(3000);
    // Our clock was set 10 s back: two samples say so.
    clock.sample(6000 + 3000 + 10_000 - 5, 6000, 10);
    expect(clock.offsetMs).toBe(3000);
    clock.sample(11_000 + 3000 + 10_000 - 5, 11_000, 10);
    expect(clock.offsetMs).toBe(13_000);
    // Nonsense is ignored.
    clock.sample(Number.NaN, 12_000, 10);
    clock.sample(12_000, 12_000, -1);
    expect(clock.offsetMs).toBe(13_000);
  });
});
