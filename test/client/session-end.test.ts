import { describe, expect, it } from 'vitest';
import { closedWithoutReason, endKindOf, garbledServer, reconnectAttemptError, refusalSentence, silentServer } from '../../src/client/session-end.js';
import { CallEndedError } from '../../src/client/errors.js';
import { FrameType } from '../../src/protocol/index.js';

describe('how a REFUSE or BYE ends a session', () => {
  const table = [
    { name: 'our own leave, as we asked', type: FrameType.BYE, code: 'leave', leaving: true, kind: 'left' },
    { name: 'a leave we did not ask for', type: FrameType.BYE, code: 'leave', leaving: false, kind: 'network' },
    { name: 'the server shutting down', type: FrameType.BYE, code: 'server-shutdown', leaving: false, kind: 'server-closed' },
    { name: 'the host ending the call', type: FrameType.BYE, code: 'call-ended', leaving: false, kind: 'server-closed' },
    { name: 'a refusal to try again later', type: FrameType.REFUSE, code: 'too-many-connections', leaving: false, kind: 'network' },
    { name: 'a refusal code in a BYE', type: FrameType.BYE, code: 'name-taken', leaving: false, kind: 'refused' },
    { name: 'a wrong password', type: FrameType.REFUSE, code: 'auth-failed', leaving: false, kind: 'refused' },
    { name: 'any other REFUSE', type: FrameType.REFUSE, code: 'something-new', leaving: false, kind: 'refused' },
    { name: 'any other BYE', type: FrameType.BYE, code: 'idle-timeout', leaving: false, kind: 'network' },
  ] as const;
  for (const row of table) {
    it(`${row.name}: ${row.kind}`, () => {
      expect(endKindOf(row.type, { code: row.code, message: 'm' }, row.leaving)).toBe(row.kind);
    });
  }

  it('tells the user in one sentence, pointing at --name when the name is taken', () => {
    expect(refusalSentence({ code: 'auth-failed', message: 'x' })).toBe('the server refused the password');
    // A password nobody typed (a LIVECOMM_PASSWORD left from another call) is not asked about again: where it came from is said.
    expect(refusalSentence({ code: 'auth-failed', message: 'x' }, 'LIVECOMM_PASSWORD')).toBe('the server refused the password from LIVECOMM_PASSWORD');
    // Your own link that just dropped holds it too, until the server lets it go: said, with when.
    expect(refusalSentence({ code: 'name-taken', message: 'the name "a" is taken' })).toBe(
      'the server said: the name "a" is taken — if that was you on a link that just dropped, the server lets it go within 15 s; or choose another with --name (name-taken)',
    );
    expect(refusalSentence({ code: 'name-taken', message: 'm', releaseInMs: 6200 })).toContain('lets it go within 7 s;');
    expect(refusalSentence({ code: 'room-full', message: 'room "r" is full' })).toBe('the server said: room "r" is full (room-full)');
  });
});

describe('a connection closed with no reason given', () => {
  it('is our leave, a lost connection once joined, or a failed handshake; without TLS and without a byte, a TLS server', () => {
    const plain = { host: '192.0.2.7', port: 7447 };
    const tls = { ...plain, tls: { knownHostsPath: 'k' } };
    expect(closedWithoutReason({ leaving: true, joined: true, heardAnything: true }, plain)).toMatchObject({ kind: 'left', code: 'leave' });
    expect(closedWithoutReason({ leaving: false, joined: true, heardAnything: true }, plain)).toMatchObject({ kind: 'network', code: 'connection-lost' });
    expect(closedWithoutReason({ leaving: false, joined: false, heardAnything: false }, plain)).toMatchObject({
      kind: 'network', code: 'closed-silently',
      message: '192.0.2.7:7447 closed the connection during the handshake without a word: the server probably runs with --tls (connect with --tls too)',
    });
    expect(closedWithoutReason({ leaving: false, joined: false, heardAnything: true }, plain)).toMatchObject({ code: 'handshake-failed' });
    expect(closedWithoutReason({ leaving: false, joined: false, heardAnything: false }, tls)).toMatchObject({
      code: 'handshake-failed', message: 'the server closed the connection during the handshake',
    });
  });
});

describe('a server that answers nothing, or nothing that makes sense', () => {
  const target = { host: '192.0.2.7', port: 7447 };
  it('silent from the start: names the address and what to check; silent after it spoke: the plain idle timeout', () => {
    expect(silentServer(target, false, 5000)).toMatchObject({
      kind: 'network', code: 'no-answer',
      message: '192.0.2.7:7447 accepted the connection but answered nothing within 5 s: is a livecomm-tui server listening there? another program may hold the port, or the server may need --tls',
    });
    // Already on TLS: --tls is no hint.
    expect(silentServer({ ...target, tls: { knownHostsPath: 'k' } }, false, 5000).message).not.toContain('--tls');
    expect(silentServer(target, true, 15_000)).toMatchObject({ code: 'idle-timeout', message: 'nothing heard from the server for 15 s' });
    // This process could not run past the deadline (a laptop asleep, a stopped job): not the server's silence alone.
    expect(silentServer(target, true, 15_000, 5_200)).toMatchObject({
      code: 'idle-timeout',
      message: 'this program could not run for a while (the computer slept, or it was stopped), and nothing came from the server for 20 s',
    });
    expect(silentServer(target, true, 15_000, 900).message).toBe('nothing heard from the server for 15 s');
  });

  it('garbled from the start: another service; garbled after it spoke: a malformed frame', () => {
    expect(garbledServer({ host: '::1', port: 80 }, false, 'x')).toMatchObject({ code: 'not-livecomm', message: '[::1]:80 did not answer as a livecomm-tui server (another service on that port?)' });
    expect(garbledServer(target, true, 'too large')).toMatchObject({ code: 'malformed-frame', message: 'the server sent a malformed frame (too large)' });
  });
});

describe('a failed attempt to get back into a call', () => {
  const target = { host: '192.0.2.7', port: 7447 };
  it('names no --tls and no other program: this server took our HELLO moments ago; a tunnel or proxy answers for it', () => {
    const silent = reconnectAttemptError(closedWithoutReason({ leaving: false, joined: false, heardAnything: false }, target), target);
    expect(silent).toMatchObject({
      kind: 'network', code: 'closed-silently',
      message: '192.0.2.7:7447 closed the connection during the handshake without a word (the server is not back yet behind a tunnel or proxy that accepts for it?)',
    });
    expect(reconnectAttemptError(silentServer(target, false, 5000), target)).toMatchObject({
      code: 'no-answer', message: '192.0.2.7:7447 accepted the connection but answered nothing (the server is not back yet behind a tunnel or proxy that accepts for it?)',
    });
    const lost = closedWithoutReason({ leaving: false, joined: true, heardAnything: true }, target);
    expect(reconnectAttemptError(lost, target)).toBe(lost);
  });

  it('a hang-up in the TLS handshake also asks whether the server was started again without --tls', () => {
    // A restart that changed --tls hangs up on every attempt for the two minutes: a tunnel alone was the wrong lead.
    const tlsTarget = { ...target, tls: { knownHostsPath: 'k' } };
    const closed = new CallEndedError('network', 'closed-silently', 'x');
    expect(reconnectAttemptError(closed, tlsTarget).message).toBe(
      '192.0.2.7:7447 closed the connection during the handshake without a word (the server is not back yet behind a tunnel or ' +
        'proxy that accepts for it, or was it started again without --tls?)',
    );
    expect(reconnectAttemptError(closed, target).message).toBe(
      '192.0.2.7:7447 closed the connection during the handshake without a word (the server is not back yet behind a tunnel or ' +
        'proxy that accepts for it?)',
    );
  });
});
