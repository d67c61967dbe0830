import { describe, expect, it } from 'vitest';
import { CallEndedError, EndKind } from '../../src/client/errors.js';
import { nextReconnectStep, type ConnectionEnd } from '../../src/client/reconnect.js';

const policy = { connectAttempts: 3, reconnectForMs: 120_000, backoff: (attempt: number) => 1000 * (attempt + 1) };
const lost = new CallEndedError(EndKind.NETWORK, 'connection-lost', 'the connection to the server was lost');
const end = (over: Partial<ConnectionEnd>): ConnectionEnd => ({ error: lost, everJoined: false, attempt: 0, joined: false, triedForMs: 0, ...over });

describe('nextReconnectStep', () => {
  it('before the first join, makes connectAttempts attempts, then gives up saying how many', () => {
    expect(nextReconnectStep(end({ attempt: 0 }), policy)).toEqual({ type: 'retry', attempt: 1, delayMs: 2000 });
    expect(nextReconnectStep(end({ attempt: 1 }), policy)).toEqual({ type: 'retry', attempt: 2, delayMs: 3000 });
    const last = nextReconnectStep(end({ attempt: 2 }), policy);
    expect(last.type === 'give-up' && last.error.message).toBe('the connection to the server was lost; gave up after 3 attempts');
  });

  it('does not retry a refusal, and reports it as it came', () => {
    const refused = new CallEndedError(EndKind.REFUSED, 'name-taken', 'taken');
    expect(nextReconnectStep(end({ error: refused }), policy)).toEqual({ type: 'give-up', error: refused });
    const ended = new CallEndedError(EndKind.SERVER_CLOSED, 'call-ended', 'the host ended the call');
    expect(nextReconnectStep(end({ error: ended, everJoined: true, joined: true }), policy)).toEqual({ type: 'give-up', error: ended });
  });

  it('after a join, starts attempts afresh and waits out a failed-login lock instead of taking it as a refusal', () => {
    expect(nextReconnectStep(end({ everJoined: true, joined: true, attempt: 5 }), policy)).toEqual({ type: 'retry', attempt: 0, delayMs: 1000 });
    const locked = new CallEndedError(EndKind.REFUSED, 'rate-limited', 'too many failed logins');
    expect(nextReconnectStep(end({ error: locked, everJoined: true, attempt: 4 }), policy)).toMatchObject({ type: 'retry', attempt: 5 });
    expect(nextReconnectStep(end({ error: locked, everJoined: false }), policy).type).toBe('give-up');
  });

  it('after a join, tries for reconnectForMs, the last attempt when the time is up, then gives up saying how long', () => {
    expect(nextReconnectStep(end({ everJoined: true, attempt: 3, triedForMs: 119_500 }), policy)).toEqual({ type: 'retry', attempt: 4, delayMs: 500 });
    // Elapsed clocks have fractions: the wait (headless `retryInMs`) is whole milliseconds, as the backoff's are.
    expect(nextReconnectStep(end({ everJoined: true, attempt: 3, triedForMs: 119_555.373291015625 }), policy)).toEqual({ type: 'retry', attempt: 4, delayMs: 445 });
    const last = nextReconnectStep(end({ everJoined: true, attempt: 4, triedForMs: 120_000 }), policy);
    expect(last.type === 'give-up' && last.error.message).toBe('the connection to the server was lost; gave up after 120 s of trying');
  });

  it('before the first join, gives up at once on what another attempt cannot mend, with its own sentence', () => {
    for (const code of ['host-not-found', 'not-livecomm', 'tls-mismatch', 'tls-version']) {
      const hopeless = new CallEndedError(EndKind.NETWORK, code, `${code} sentence`);
      expect(nextReconnectStep(end({ error: hopeless }), policy)).toEqual({ type: 'give-up', error: hopeless });
      // Once in the call it is a loss like any other: the server was there a moment ago.
      expect(nextReconnectStep(end({ error: hopeless, everJoined: true, triedForMs: 1000 }), policy).type).toBe('retry');
    }
    // A refused port and a timeout are tried again: the server may be starting, the link may come back.
    for (const code of ['connect-failed', 'connect-timeout', 'no-answer', 'handshake-failed', 'closed-silently']) {
      expect(nextReconnectStep(end({ error: new CallEndedError(EndKind.NETWORK, code, 'x') }), policy).type).toBe('retry');
    }
  });

  it('waits once for a silent holder of its name to be let go, then takes a refusal as final', () => {
    const held = new CallEndedError(EndKind.REFUSED, 'name-taken', 'taken', { releaseInMs: 6000 });
    const step = nextReconnectStep(end({ error: held, attempt: 1 }), policy);
    expect(step).toMatchObject({ type: 'retry', attempt: 1, delayMs: 7000, waitingForName: true });
    expect(step.type === 'retry' && step.detail).toBe(
      'the name is held by a connection the server has not heard from lately (yours, if your link just dropped): waiting 7 s for it to be let go',
    );
    expect(nextReconnectStep(end({ error: held, waitedForName: true }), policy)).toEqual({ type: 'give-up', error: held });
    // A holder the server still hears from (no release time), or one it would keep for longer than is worth waiting.
    const taken = new CallEndedError(EndKind.REFUSED, 'name-taken', 'taken');
    expect(nextReconnectStep(end({ error: taken }), policy).type).toBe('give-up');
    const long = new CallEndedError(EndKind.REFUSED, 'name-taken', 'taken', { releaseInMs: 600_000 });
    expect(nextReconnectStep(end({ error: long }), policy).type).toBe('give-up');
  });
});
