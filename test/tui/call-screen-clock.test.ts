/**
 * The call screen's timers with the wall clock set mid-call (NTP stepping it, a resumed VM, `date -s`): they run on
 * the injected monotonic clock, so a step of Date.now moves none of them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallScreenHarness, participant } from '../helpers/call-screen-harness.js';

const HOUR = 3_600_000;
const open: CallScreenHarness[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  vi.useRealTimers();
});

/** A call screen on a monotonic clock the test moves, and a wall clock it can set. */
function callScreen(): { h: CallScreenHarness; advance(ms: number): void; setWallClock(byMs: number): void } {
  let mono = 1_000;
  // Only Date is faked, before the screen exists (code that kept a reference to Date.now sees the step too); timers
  // and setImmediate stay real for the harness.
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  const h = new CallScreenHarness({ cols: 160, rows: 48, monoMs: () => mono });
  open.push(h);
  return {
    h,
    advance: (ms) => void (mono += ms),
    setWallClock: (byMs) => vi.setSystemTime(Date.now() + byMs),
  };
}

const screenText = (h: CallScreenHarness): string => h.text().join('\n');

describe('the call screen when the wall clock is set', () => {
  it('counts down to the next connection attempt on: set forward an hour, it still says "again in 5 s"', async () => {
    const { h, advance, setWallClock } = callScreen();
    h.call.emit({ type: 'status', status: 'connecting', detail: 'nothing is listening', attempt: 1, attempts: 3, retryInMs: 5_000 });
    await h.settle();
    expect(screenText(h)).toContain('again in 5 s (2 of 3)');
    setWallClock(HOUR);
    advance(1_000);
    // Any redraw reads the clock again: a notice asks for one.
    h.call.emit({ type: 'notice', message: 'redraw' });
    await h.settle();
    expect(screenText(h)).toContain('again in 4 s (2 of 3)');
  });

  it('greets someone who drops out and comes back as back, though the clock was set an hour forward meanwhile', async () => {
    const { h, advance, setWallClock } = callScreen();
    const ada = participant('Ada');
    h.call.emit({ type: 'participant-joined', participant: ada });
    await h.settle();
    h.call.emit({ type: 'participant-left', id: ada.id, name: 'Ada', reason: 'timeout' });
    setWallClock(HOUR);
    advance(10_000);
    h.call.emit({ type: 'participant-joined', participant: participant('Ada') });
    await h.settle();
    expect(screenText(h)).toContain('Ada is back');
  });

  it('says "no camera" again after 20 s, though the clock was set an hour back after it said so', async () => {
    const { h, advance, setWallClock } = callScreen();
    h.call.sources.video = false;
    const said = (): number => screenText(h).match(/no camera in this call/g)?.length ?? 0;
    h.type('v');
    await h.settle();
    expect(said()).toBe(1);
    // Pressed again at once: not repeated.
    h.type('v');
    await h.settle();
    expect(said()).toBe(1);
    setWallClock(-HOUR);
    advance(21_000);
    h.type('v');
    await h.settle();
    expect(said()).toBe(2);
  });
});
