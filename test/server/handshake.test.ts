import { describe, expect, it } from 'vitest';
import { helloFrom, peerPolicy } from '../helpers/server-fixtures.js';
import { PROTOCOL_VERSION, Reason, authProof } from '../../src/protocol/index.js';
import { Handshake } from '../../src/server/handshake.js';
import { FailureLimiter } from '../../src/server/rate-limiter.js';
import { ReturningParticipants } from '../../src/server/returning-participants.js';

const hello = helloFrom;

const options = peerPolicy({ authTimeoutMs: 5_000 });
const address = '203.0.113.7';
const KEY = Buffer.alloc(32, 7);

/** A handshake on a connection accepted at 1 000 ms, to a server with a password (`key`) or without. */
function setUp(key: Buffer | undefined) {
  let now = 1_000;
  const events: string[] = [];
  const ctx = {
    options,
    auth: key && { salt: Buffer.from('salt'), key },
    limiter: new FailureLimiter({ maxFailures: 1, windowMs: 60_000, now: () => now }),
    returning: new ReturningParticipants(),
    logger: { log: (_level: string, event: string) => void events.push(event) },
    now: () => now,
  };
  return { handshake: new Handshake(ctx, address, now), ctx, events, advance: (ms: number) => (now += ms) };
}

/** The nonce of a CHALLENGE's payload. */
const nonceOf = (payload: Uint8Array): Buffer => Buffer.from(JSON.parse(Buffer.from(payload).toString('utf8')).nonce, 'base64');

describe('Handshake: HELLO → [CHALLENGE → AUTH] before the join', () => {
  it('joins at once on a server without a password, and keeps a HELLO only once it passed its checks', () => {
    const { handshake } = setUp(undefined);
    expect(handshake.onHello(hello({ version: PROTOCOL_VERSION + 1 }))).toMatchObject({ type: 'refused', refusal: { code: Reason.VERSION_MISMATCH } });
    expect(handshake.hello).toBeUndefined();
    expect(handshake.onHello(hello())).toEqual({ type: 'join' });
    expect(handshake.hello?.name).toBe('alice');
  });

  it('challenges with the salt and a fresh nonce, and lets in the proof made with them', () => {
    const first = setUp(KEY);
    const outcome = first.handshake.onHello(hello());
    if (outcome.type !== 'challenge') throw new Error(`not challenged: ${outcome.type}`);
    expect(JSON.parse(Buffer.from(outcome.payload).toString('utf8')).salt).toBe(Buffer.from('salt').toString('base64'));
    const nonce = nonceOf(outcome.payload);
    expect(nonce.length).toBe(32);
    expect(first.handshake.onAuth(authProof(KEY, nonce, 'main', 'alice'))).toBeUndefined();
    // Another connection gets another nonce: the first one's proof is no good there.
    const second = setUp(KEY);
    const again = second.handshake.onHello(hello());
    expect(again.type === 'challenge' && nonceOf(again.payload).equals(nonce)).toBe(false);
    expect(second.handshake.onAuth(authProof(KEY, nonce, 'main', 'alice'))?.message).toContain('wrong password for this server');
  });

  it('checks the proof over the room and name exactly as the HELLO spelt them, not as the server compares them', () => {
    const spelt = hello({ room: 'StandUp', name: 'Jose\u0301' });
    const exact = setUp(KEY);
    const outcome = exact.handshake.onHello(spelt);
    const nonce = outcome.type === 'challenge' ? nonceOf(outcome.payload) : Buffer.alloc(32);
    expect(exact.handshake.onAuth(authProof(KEY, nonce, 'StandUp', 'Jose\u0301'))).toBeUndefined();
    const folded = setUp(KEY);
    const again = folded.handshake.onHello(spelt);
    const nonce2 = again.type === 'challenge' ? nonceOf(again.payload) : Buffer.alloc(32);
    expect(folded.handshake.onAuth(authProof(KEY, nonce2, 'standup', 'José'))).toMatchObject({ code: Reason.RATE_LIMITED });
  });

  it('refuses a wrong proof, counts it against the address, and then refuses that address its next HELLO', () => {
    const { handshake, ctx, events } = setUp(KEY);
    const outcome = handshake.onHello(hello());
    const nonce = outcome.type === 'challenge' ? nonceOf(outcome.payload) : Buffer.alloc(32);
    // A proof for another room is no proof for this one.
    expect(handshake.onAuth(authProof(KEY, nonce, 'other', 'alice'))).toMatchObject({ code: Reason.RATE_LIMITED });
    expect(events).toEqual(['auth-failed']);
    const next = new Handshake(ctx, address, 1_000);
    expect(next.onHello(hello())).toMatchObject({ type: 'refused', refusal: { code: Reason.RATE_LIMITED } });
    // Refused for its address, not its HELLO: the name is known for the log line.
    expect(next.hello?.name).toBe('alice');
  });

  it('gives the whole handshake 10 s from the connection, and the password 5 s from the CHALLENGE', () => {
    const plain = setUp(undefined);
    expect(plain.handshake.missedDeadline(11_000)).toBeUndefined();
    expect(plain.handshake.missedDeadline(11_001)).toEqual({ code: Reason.HANDSHAKE_TIMEOUT, message: 'the handshake did not finish in time' });
    const guarded = setUp(KEY);
    guarded.advance(2_000);
    guarded.handshake.onHello(hello());
    expect(guarded.handshake.missedDeadline(8_000)).toBeUndefined();
    expect(guarded.handshake.missedDeadline(8_001)).toEqual({ code: Reason.AUTH_TIMEOUT, message: 'no answer to the password challenge within 5 s' });
  });
});
