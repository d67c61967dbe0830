import { describe, expect, it } from 'vitest';
import { helloFrom } from '../helpers/server-fixtures.js';
import { PROTOCOL_VERSION, Reason } from '../../src/protocol/index.js';
import { helloRefusal, lockoutRefusal, nameTakenRefusal, wrongPasswordRefusal } from '../../src/server/admission.js';
import { PeerLimits } from '../../src/server/peer-limits.js';
import { FailureLimiter } from '../../src/server/rate-limiter.js';
import { ReturningParticipants } from '../../src/server/returning-participants.js';

const hello = helloFrom;

describe('helloRefusal', () => {
  it('lets a well-formed HELLO through and names what is wrong with the others', () => {
    expect(helloRefusal(hello())).toBeUndefined();
    expect(helloRefusal(hello({ protocol: 'mqtt' }))?.code).toBe(Reason.NOT_LIVECOMM);
    expect(helloRefusal(hello({ version: PROTOCOL_VERSION + 1 }))).toMatchObject({
      code: Reason.VERSION_MISMATCH,
      message: expect.stringContaining('update the older side'),
    });
    expect(helloRefusal(hello({ name: 'a\x1b[2Jb' }))).toEqual({ code: Reason.BAD_NAME, message: 'the name contains control characters' });
    expect(helloRefusal(hello({ room: '' }))?.code).toBe(Reason.BAD_ROOM);
  });
});

describe('nameTakenRefusal', () => {
  const limits = { pingIntervalMs: 5_000, idleTimeoutMs: 15_000 };

  it('refuses a name whose holder is talking, with no time to wait', () => {
    expect(nameTakenRefusal('alice', 'main', 6_000, limits)).toEqual({
      code: Reason.NAME_TAKEN,
      message: 'the name "alice" is already taken in room "main"',
    });
  });

  it('says when a holder silent past its pings is let go (the idle limit)', () => {
    const refusal = nameTakenRefusal('alice', 'main', 9_400, limits);
    expect(refusal.releaseInMs).toBe(5_600);
    expect(refusal.message).toBe('the name "alice" is already taken in room "main" (nothing heard from it for 9 s)');
    expect(nameTakenRefusal('alice', 'main', 20_000, limits).releaseInMs).toBe(0);
  });
});

describe('PeerLimits', () => {
  it('lets a burst through, then refuses the frame past it until time refills it', () => {
    const limits = new PeerLimits(0);
    for (let i = 0; i < 1_000; i++) expect(limits.media(0, 100)).toBeUndefined();
    expect(limits.media(0, 100)).toBe('more than 150 media frames a second');
    // One second later 150 more frames may come.
    expect(limits.media(1_000, 100)).toBeUndefined();
  });

  it('counts media bytes apart from frames, and chat bytes apart from messages', () => {
    const limits = new PeerLimits(0);
    expect(limits.media(0, 16 * 1024 * 1024)).toBeUndefined();
    expect(limits.media(0, 1)).toBe('more than 2 MiB of media a second');
    expect(limits.message(0, 64 * 1024)).toBeUndefined();
    expect(limits.message(0, 1)).toBe('more than 8 KiB of chat a second');
    // A state change carries no chat bytes: still within the 60 messages' burst.
    expect(limits.message(0)).toBeUndefined();
  });

  it('refuses the 61st message and the 2,001st ping, pong or ACK of one instant', () => {
    const limits = new PeerLimits(0);
    for (let i = 0; i < 60; i++) expect(limits.message(0)).toBeUndefined();
    expect(limits.message(0)).toBe('more than 20 chat messages and state changes a second');
    for (let i = 0; i < 2_000; i++) expect(limits.controlFrame(0)).toBeUndefined();
    expect(limits.controlFrame(0)).toBe('more than 500 pings, pongs and acknowledgements a second');
  });
});

describe('failed logins', () => {
  const address = '203.0.113.7';
  const setUp = () => {
    let now = 0;
    const lines: string[] = [];
    const ctx = {
      limiter: new FailureLimiter({ maxFailures: 2, windowMs: 60_000, now: () => now }),
      returning: new ReturningParticipants(),
      logger: { log: (_level: string, event: string) => void lines.push(event) },
      now: () => now,
    };
    return { ctx, lines, advance: (ms: number) => (now += ms) };
  };

  it('counts each wrong password against the address; the one that locks it out says so and for how long', () => {
    const { ctx, lines, advance } = setUp();
    expect(lockoutRefusal(ctx, address, undefined)).toBeUndefined();
    expect(wrongPasswordRefusal(ctx, address, hello())).toEqual({ code: Reason.AUTH_FAILED, message: 'wrong password for this server' });
    advance(1_000);
    expect(wrongPasswordRefusal(ctx, address, hello())).toEqual({
      code: Reason.RATE_LIMITED,
      message: 'wrong password for this server, and too many failed logins from this address: try again in 59 s',
    });
    expect(lines).toEqual(['auth-failed', 'auth-failed']);
    // Another address is not touched; this one is refused until the first failure ages out.
    expect(lockoutRefusal(ctx, '203.0.113.8', undefined)).toBeUndefined();
    expect(lockoutRefusal(ctx, address, undefined)?.message).toBe('too many failed logins from this address; try again in 59 s');
    advance(59_001);
    expect(lockoutRefusal(ctx, address, undefined)).toBeUndefined();
  });

  it('lets someone who was in a call here back in from a locked-out address, until their token brings a wrong password', () => {
    const { ctx } = setUp();
    ctx.returning.joined('token-of-bob');
    ctx.returning.left('token-of-bob', 0);
    wrongPasswordRefusal(ctx, address, hello({ name: 'mallory' }));
    wrongPasswordRefusal(ctx, address, hello({ name: 'mallory' }));
    expect(lockoutRefusal(ctx, address, 'token-of-bob')).toBeUndefined();
    expect(lockoutRefusal(ctx, address, 'made-up')?.code).toBe(Reason.RATE_LIMITED);
    wrongPasswordRefusal(ctx, address, hello({ name: 'bob', resumeToken: 'token-of-bob' }));
    expect(lockoutRefusal(ctx, address, 'token-of-bob')?.code).toBe(Reason.RATE_LIMITED);
  });
});
