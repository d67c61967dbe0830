import { describe, expect, it } from 'vitest';
import { closedWithoutReason, endKindOf, refusalSentence } from '../../src/client/session-end.js';
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
    expect(refusalSentence({ code: 'name-taken', message: 'the name "a" is taken' })).toBe(
      'the server said: the name "a" is taken; choose another with --name (name-taken)',
    );
    expect(refusalSentence({ code: 'room-full', message: 'room "r" is full' })).toBe('the server said: room "r" is full (room-full)');
  });
});

describe('a connection closed with no reason given', () => {
  it('is our leave, a lost connection once joined, or a failed handshake that suggests --tls when not using it', () => {
    expect(closedWithoutReason({ leaving: true, joined: true, tls: false })).toMatchObject({ kind: 'left', code: 'leave' });
    expect(closedWithoutReason({ leaving: false, joined: true, tls: false })).toMatchObject({ kind: 'network', code: 'connection-lost' });
    expect(closedWithoutReason({ leaving: false, joined: false, tls: false }).message).toContain('connect with --tls too');
    expect(closedWithoutReason({ leaving: false, joined: false, tls: true }).message).not.toContain('--tls');
  });
});
