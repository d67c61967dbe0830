import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, uptime } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openBootClock } from '../../src/util/boot-clock.js';
import { elapsedClock } from '../../src/util/clock.js';

/** A machine's clocks, moved by hand: `mono` stops while asleep; `boot` does not; `wall` may also be set. */
function machine(withBoot = true) {
  const t = { mono: 1_000, wall: 1.7e12, boot: 5e6 };
  return {
    t,
    clock: elapsedClock({ mono: () => t.mono, wall: () => t.wall, boot: withBoot ? () => t.boot : undefined }),
    run(ms: number) {
      t.mono += ms;
      t.wall += ms;
      t.boot += ms;
    },
    sleep(ms: number) {
      t.wall += ms;
      t.boot += ms;
    },
  };
}

describe('elapsedClock with a boot clock (Linux)', () => {
  it('does not count the wall clock set forward (was: 30 s of silence in the recording)', () => {
    const m = machine();
    const start = m.clock();
    m.run(1000);
    m.t.wall += 30_000;
    m.run(1000);
    expect(m.clock() - start).toBe(2000);
  });

  it('does not count the wall clock set back', () => {
    const m = machine();
    const start = m.clock();
    m.run(1000);
    m.t.wall -= 3_600_000;
    m.run(1000);
    expect(m.clock() - start).toBe(2000);
  });

  it('counts a suspend (the boot clock gaining on the monotonic one), once', () => {
    const m = machine();
    const start = m.clock();
    m.run(1000);
    m.sleep(60_000);
    expect(m.clock() - start).toBe(61_000);
    m.run(1000);
    expect(m.clock() - start).toBe(62_000);
  });

  it('counts a suspend in which the wall clock was also set back', () => {
    const m = machine();
    const start = m.clock();
    m.sleep(10_000);
    m.t.wall -= 3_600_000;
    m.run(500);
    expect(m.clock() - start).toBe(10_500);
  });

  it('neither goes back nor runs ahead on a boot clock read in 10 ms steps, or a read that fails', () => {
    let mono = 3;
    let failing = false;
    const clock = elapsedClock({ mono: () => mono, wall: () => 0, boot: () => (failing ? Number.NaN : 5e6 + Math.floor(mono / 10) * 10) });
    const seen: number[] = [];
    for (let i = 0; i < 100; i++, mono += 3) {
      failing = i >= 50;
      seen.push(clock());
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    // Truncated reads never count ahead: at most the part of one 10 ms step the first read missed.
    expect(seen.at(-1)! - seen[0]!).toBeGreaterThanOrEqual(99 * 3);
    expect(seen.at(-1)! - seen[0]!).toBeLessThanOrEqual(99 * 3 + 10);
  });
});

describe('elapsedClock without a boot clock (not Linux)', () => {
  it('counts a suspend as the wall clock gaining on the monotonic one', () => {
    const m = machine(false);
    const start = m.clock();
    m.sleep(60_000);
    m.run(1000);
    expect(m.clock() - start).toBe(61_000);
  });

  it('does not count the wall clock set back, and takes one set forward for sleep', () => {
    const m = machine(false);
    const start = m.clock();
    m.t.wall -= 3_600_000;
    m.run(1000);
    expect(m.clock() - start).toBe(1000);
    m.t.wall += 3_600_000 + 30_000;
    expect(m.clock() - start).toBe(31_000);
  });

  it('uses the wall clock when the boot clock cannot be read at the start', () => {
    const t = { mono: 0, wall: 1.7e12 };
    const clock = elapsedClock({ mono: () => t.mono, wall: () => t.wall, boot: () => Number.NaN });
    const start = clock();
    t.wall += 5000;
    expect(clock() - start).toBe(5000);
  });
});

describe('openBootClock', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = (text: string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-boot-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'uptime'), text);
    return join(dir, 'uptime');
  };

  it('reads the first field of /proc/uptime as milliseconds, each time afresh', () => {
    const path = file('66967.35 57232.42\n');
    const boot = openBootClock(path, 'linux')!;
    expect(boot()).toBeCloseTo(66_967_350, 3);
    writeFileSync(path, '66968.01 57233.00\n');
    expect(boot()).toBeCloseTo(66_968_010, 3);
  });

  it('is there none off Linux, without /proc/uptime, or when it says no number', () => {
    expect(openBootClock(file('1.00 2.00\n'), 'darwin')).toBeUndefined();
    expect(openBootClock(join(tmpdir(), 'lc-no-such-uptime'), 'linux')).toBeUndefined();
    expect(openBootClock(file('garbage\n'), 'linux')).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('agrees with os.uptime() on this machine', () => {
    const boot = openBootClock()!;
    expect(Math.abs(boot() / 1000 - uptime())).toBeLessThan(1);
  });
});
