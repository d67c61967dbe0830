import { describe, expect, it } from 'vitest';
import { ServerClock } from '../../src/client/server-clock.js';

describe('ServerClock', () => {
  it('starts from our own clock, corrects a clock seconds off, and holds it against small changes', () => {
    const clock = new ServerClock();
    expect(clock.offsetMs).toBe(0);
    // The server is 3 s ahead; a PING takes half the round trip to arrive.
    clock.sample(10_000 + 3000 - 40, 10_000, 80); // arrived 40 ms after it was stamped
    expect(clock.offsetMs).toBe(3000);
    // A better sample a millisecond off: the stamps do not move for it (receivers would take the move for jitter).
    clock.sample(20_000 + 3000 - 2, 20_000, 6);
    expect(clock.offsetMs).toBe(3000);
  });

  it('leaves clocks that agree uncorrected: a PING read late by a busy event loop moves nothing', () => {
    const clock = new ServerClock();
    clock.sample(1000 - 1, 1000, 2); // the same machine: offset 0
    clock.sample(6000 - 30, 6000, 2); // read 30 ms late
    clock.sample(11_000 + 20, 11_000, 1);
    expect(clock.offsetMs).toBe(0);
  });

  it('takes the sample of least error: half its round trip, plus what the clocks may have drifted since', () => {
    const clock = new ServerClock();
    clock.sample(1000 + 500, 1000, 2); // 501, ±1 ms
    clock.sample(30_000 + 600 - 50, 30_000, 100); // 600, ±50 ms: within what the round trips allow, but worse
    expect(clock.offsetMs).toBe(501);
    // Ten minutes later the first may have drifted 30 ms (50 ppm): still better than ±50…
    clock.sample(601_000 + 600 - 50, 601_000, 100);
    expect(clock.offsetMs).toBe(501);
    // …twenty minutes later, 60 ms: no longer.
    clock.sample(1_201_000 + 600 - 50, 1_201_000, 100);
    expect(clock.offsetMs).toBe(600);
  });

  it('a WELCOME whose HELLO waited seconds in a stalled path does not move what a quiet moment measured', () => {
    const clock = new ServerClock();
    clock.sample(1000 + 1, 1000, 2); // the same machine: offset 0 (within a ms)
    // A reconnect: the HELLO sat 8 s in a stalled path before the server read it, and its WELCOME came at once. Half
    // the round trip is 4 s, the server's stamp far from the middle of it.
    clock.sample(120_000 - 1, 120_000, 8000);
    expect(clock.offsetMs).toBe(0);
  });

  it('follows a WELCOME that disagrees at once: its stamp is within its own round trip (a server with another clock)', () => {
    const clock = new ServerClock();
    clock.sample(1000 + 1, 1000, 2);
    // A reconnect to a server (restarted on another machine) whose clock is 3 s ahead: its WELCOME, 4 ms round trip.
    clock.sample(60_000 + 3000 - 2, 60_000, 4, true);
    expect(clock.offsetMs).toBe(3000);
  });

  it('takes two PINGs read late in a row (a starved process) for late reads, not for a clock set back', () => {
    // Before: the second moved the offset to −109 ms, and every stamp with it, until two PINGs on time came.
    const clock = new ServerClock();
    let t = 1_000_000;
    clock.sample(t, t + 0.5, 1, true);
    for (let i = 0; i < 5; i++) clock.sample((t += 5000), t + 0.5, 1);
    clock.sample((t += 5000), t + 120, 1);
    clock.sample((t += 5000), t + 110, 1);
    expect(clock.offsetMs).toBe(0);
    // A clock set by more than a stall can be is still followed, that way too: ours set 3 s forward.
    clock.sample((t += 5000), t + 3000, 1);
    clock.sample((t += 5000), t + 3000, 1);
    expect(clock.offsetMs).toBe(-2999); // −3000 plus half the 1 ms round trip, rounded
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
