import { describe, expect, it } from 'vitest';
import { CallEndedError, EndKind } from '../../src/client/errors.js';
import { Rejoin } from '../../src/client/rejoin.js';

const target = { host: 'example.org', port: 7447 };
const lost = new CallEndedError(EndKind.NETWORK, 'connection-lost', 'the connection to the server was lost');
/** Tries for 10 s after a loss, one second between attempts. */
const rejoin = () => new Rejoin({ reconnectForMs: 10_000, backoff: () => 1_000 }, target);
const welcome = { room: 'main', name: 'alice' };

describe('Rejoin', () => {
  it('before the first join: connecting, the error as it came, a count of attempts (3 by default) in the status', () => {
    const r = rejoin();
    expect(r.everJoined).toBe(false);
    expect(r.tryingStatus).toBe('connecting');
    const silent = new CallEndedError(EndKind.NETWORK, 'closed-silently', 'closed without a word');
    expect(r.lost(silent, 1_000, 0)).toBe(silent);
    const step = r.nextStep(lost, 0, false, 1_000);
    expect(step).toEqual({ type: 'retry', attempt: 1, delayMs: 1_000 });
    if (step.type !== 'retry') throw new Error('no retry');
    expect(r.retryStatus(step, lost)).toEqual({
      type: 'status', status: 'connecting', detail: lost.message, attempt: 1, attempts: 3, retryInMs: 1_000,
    });
  });

  it('says whether a join is a rejoin, and whether the server kept our resume token', () => {
    const r = rejoin();
    expect(r.joined('t1')).toEqual({ rejoined: false, resumed: false });
    expect(r.resumeToken).toBe('t1');
    expect(r.tryingStatus).toBe('reconnecting');
    expect(r.joined('t1')).toEqual({ rejoined: true, resumed: true });
    expect(r.joined('t2')).toEqual({ rejoined: true, resumed: false });
    expect(r.resumeToken).toBe('t2');
  });

  it('after a join, tells a failed attempt as one to get back, and no count of attempts in the status', () => {
    const r = rejoin();
    r.joined('t');
    const silent = new CallEndedError(EndKind.NETWORK, 'closed-silently', 'closed without a word');
    expect(r.lost(silent, 1_000, 0).message).toMatch(/^example\.org:7447 closed the connection during the handshake/);
    const step = r.nextStep(lost, 0, true, 1_000);
    if (step.type !== 'retry') throw new Error('no retry');
    expect(r.retryStatus(step, lost)).toEqual({ type: 'status', status: 'reconnecting', detail: lost.message, attempt: 0, retryInMs: 1_000 });
  });

  it('times the loss from the first connection that ended, not from each failed attempt', () => {
    const r = rejoin();
    r.joined('t');
    r.lost(lost, 1_000, 0);
    r.lost(lost, 5_000, 0);
    // 9.5 s tried of 10: the last attempt when the time is up, in 0.5 s.
    expect(r.nextStep(lost, 3, false, 10_500)).toEqual({ type: 'retry', attempt: 4, delayMs: 500 });
    const last = r.nextStep(lost, 4, false, 11_000);
    expect(last.type === 'give-up' && last.error.message).toBe(`${lost.message}; gave up after 10 s of trying`);
  });

  it('counts the time away from the last word heard before the loss, and afresh after being back', () => {
    const r = rejoin();
    r.joined('t');
    r.lost(lost, 90_000, 89_500);
    r.lost(lost, 91_000, 0);
    expect(r.reconnectedNotice(welcome, 92_500)).toBe('reconnected to room main as alice after 92.0 s');
    r.lossOver();
    expect(r.reconnectedNotice(welcome, 92_500)).toBe('reconnected to room main as alice');
    r.lost(lost, 100_000, 0);
    expect(r.nextStep(lost, 0, true, 109_000).type).toBe('retry');
  });

  it('starts the time of trying anew after a password is found, and only while a loss is timed', () => {
    const r = rejoin();
    r.joined('t');
    r.lost(lost, 1_000, 0);
    r.restartTrying(60_000);
    expect(r.nextStep(lost, 0, false, 65_000).type).toBe('retry');
    r.lossOver();
    r.restartTrying(70_000);
    r.lost(lost, 80_000, 0);
    expect(r.nextStep(lost, 0, false, 89_000).type).toBe('retry');
  });

  it('waits for a silent holder of our name once, not twice', () => {
    const r = rejoin();
    const taken = new CallEndedError(EndKind.REFUSED, 'name-taken', 'the name is taken', { releaseInMs: 5_000 });
    expect(r.nextStep(taken, 0, false, 0)).toMatchObject({ type: 'retry', waitingForName: true, delayMs: 6_000 });
    expect(r.nextStep(taken, 0, false, 6_000)).toEqual({ type: 'give-up', error: taken });
  });
});
