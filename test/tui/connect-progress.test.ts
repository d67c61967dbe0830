import { describe, expect, it } from 'vitest';
import { retryChatLine, retryOf, retryStatus } from '../../src/tui/connect-progress.js';
import { statusLines, type StatusInfo } from '../../src/tui/status-line.js';
import { visibleLength } from '../../src/tui/pane-view.js';

const plain = (text: string): string => text.replace(/\{\/?[\w-]*\}/g, '');
const reason = 'no answer from 10.0.0.5:7447 within 10 s';

const info = (overrides: Partial<StatusInfo>): StatusInfo => ({
  room: 'main', address: '10.0.0.5:7447', tlsFingerprint: undefined, connection: 'connecting',
  participants: 1, muted: false, cameraOff: false, rttMs: null, inKbps: 0, inFps: 0, outKbps: 0, colorMode: '256', joinLine: undefined,
  ...overrides,
});

describe('a failed connection attempt on the call screen', () => {
  it('is a retry only when a status event announces one', () => {
    expect(retryOf({ type: 'status', status: 'connecting' }, 0)).toBeUndefined();
    expect(retryOf({ type: 'status', status: 'joined', detail: 'reconnected' }, 0)).toBeUndefined();
    expect(retryOf({ type: 'status', status: 'connecting', detail: reason, attempt: 1, attempts: 3, retryInMs: 2500 }, 1000))
      .toEqual({ status: 'connecting', reason, next: 2, of: 3, at: 3500 });
  });

  it('says in the chat why the attempt failed and which attempt comes next', () => {
    const retry = retryOf({ type: 'status', status: 'connecting', detail: reason, attempt: 1, attempts: 3, retryInMs: 2500 }, 0)!;
    expect(plain(retryChatLine(retry))).toBe('no answer from 10.0.0.5:7447 within 10 s — trying again (2 of 3)');
    // Tags in the reason are text, not markup.
    expect(retryChatLine({ ...retry, reason: 'a {bold} b' })).toContain('a {open}bold{close} b');
  });

  it('counts down to the next attempt in the status bar, then names the attempt under way', () => {
    const retry = retryOf({ type: 'status', status: 'connecting', detail: reason, attempt: 1, attempts: 3, retryInMs: 2500 }, 0)!;
    expect(retryStatus(retry, 0)).toEqual({ long: `${reason} — again in 3 s (2 of 3)`, short: 'again in 3 s (2 of 3)' });
    expect(retryStatus(retry, 3000).short).toBe('attempt 2 of 3');
    const reconnecting = retryOf({ type: 'status', status: 'reconnecting', detail: 'lost', attempt: 4, retryInMs: 0 }, 0)!;
    expect(retryStatus(reconnecting, 10).short).toBe('attempt 5');
  });

  it('the status bar shows the reason where it fits, and the next try where only that fits', () => {
    const retry = retryOf({ type: 'status', status: 'connecting', detail: reason, attempt: 1, attempts: 3, retryInMs: 2500 }, 0)!;
    const status = info({ connectionDetail: retryStatus(retry, 0) });
    expect(plain(statusLines(status, 160)[0])).toBe(` ● connecting… ${reason} — again in 3 s (2 of 3) │ main @ 10.0.0.5:7447 no TLS │ 1 here │ mic on cam on`);
    const narrow = plain(statusLines(status, 80)[0]);
    expect(visibleLength(narrow)).toBeLessThanOrEqual(80);
    expect(narrow).toMatch(/^ ● connecting… again in 3 s \(2 of 3\) │ main/);
    expect(plain(statusLines(info({}), 160)[0])).toMatch(/^ ● connecting… │ main @/);
  });
});
