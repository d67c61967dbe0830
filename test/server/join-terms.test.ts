import { describe, expect, it } from 'vitest';
import { helloFrom, peerPolicy } from '../helpers/server-fixtures.js';
import { Reason } from '../../src/protocol/index.js';
import { joinTerms, type Seat } from '../../src/server/join-terms.js';
import { ReturningParticipants } from '../../src/server/returning-participants.js';
import { Room } from '../../src/server/room.js';

const hello = helloFrom;

const options = peerPolicy({ maxParticipants: 3 });

function seat(id: number, name: string, resumeToken = '', lastHeardAt = 1_000): Seat {
  return { id, name, resumeToken, lastHeardAt, info: () => ({ id, name, muted: false, cameraOff: false }), deliver: () => {} };
}

function context(now = 1_000, returning = new ReturningParticipants()) {
  return { now: () => now, options, returning };
}

const decode = (payload: Uint8Array) => JSON.parse(Buffer.from(payload).toString('utf8'));

describe('joinTerms: the seat, codec, features and token a join goes ahead on, or why it may not', () => {
  it('seats a new name with the client\'s first codec the server allows, the features both offer, a new token', () => {
    const room = new Room('main', 10);
    room.add(seat(1, 'bob'));
    const terms = joinTerms(9, hello({ caps: { video: ['jpeg'], audio: ['speex', 'pcm', 'opus'], feedback: ['ack', 'telepathy', 'receive'] }, resumeToken: 'made-up' }), room, context());
    if (terms.type !== 'seated') throw new Error(`refused: ${terms.refusal.message}`);
    expect(terms.stale).toBeUndefined();
    expect(terms.audioCodec).toBe('pcm');
    expect([...terms.features]).toEqual(['ack', 'receive']);
    // A token this server never counted is replaced.
    expect(terms.resumeToken).not.toBe('made-up');
    expect(terms.resumeToken.length).toBeGreaterThan(16);
    expect(decode(terms.welcome)).toMatchObject({ id: 9, name: 'alice', audioCodec: 'pcm', resumeToken: terms.resumeToken, features: ['ack', 'receive'] });
    expect(decode(terms.welcome).participants.map((p: { id: number }) => p.id)).toEqual([1]);
  });

  it('falls back to pcm when no codec the client offers is allowed', () => {
    const terms = joinTerms(9, hello({ caps: { video: [], audio: ['speex'] } }), new Room('main', 10), context());
    expect(terms.type === 'seated' && terms.audioCodec).toBe('pcm');
  });

  it('refuses a name someone else holds, and gives the seat to its holder back with its token', () => {
    const room = new Room('main', 10);
    const old = seat(1, 'Alice', 'tok-1', 0);
    room.add(old);
    const taken = joinTerms(9, hello({ resumeToken: 'tok-2' }), room, context(1_000));
    expect(taken).toEqual({ type: 'refused', refusal: { code: Reason.NAME_TAKEN, message: 'the name "alice" is already taken in room "main"' } });
    const returning = new ReturningParticipants();
    returning.joined('tok-1');
    const back = joinTerms(9, hello({ resumeToken: 'tok-1' }), room, context(1_000, returning));
    if (back.type !== 'seated') throw new Error(`refused: ${back.refusal.message}`);
    expect(back.stale).toBe(old);
    expect(back.resumeToken).toBe('tok-1');
    // The WELCOME lists the room without the seat being taken over.
    expect(decode(back.welcome).participants).toEqual([]);
  });

  it('refuses a full room, but not to someone taking back their own seat in it', () => {
    const room = new Room('main', 10);
    room.add(seat(1, 'bob'));
    room.add(seat(2, 'carol'));
    room.add(seat(3, 'alice', 'tok-1'));
    expect(joinTerms(9, hello({ name: 'dave' }), room, context())).toEqual({
      type: 'refused', refusal: { code: Reason.ROOM_FULL, message: 'room "main" is full (3 participants)' },
    });
    expect(joinTerms(9, hello({ resumeToken: 'tok-1' }), room, context()).type).toBe('seated');
    // A room for one (--max-participants 1) is full with one participant, not "1 participants".
    const single = new Room('solo', 10);
    single.add(seat(1, 'bob'));
    const oneSeat = { ...context(), options: { ...options, maxParticipants: 1 } };
    expect(joinTerms(9, hello({ name: 'dave', room: 'solo' }), single, oneSeat)).toMatchObject({ refusal: { message: 'room "solo" is full (1 participant)' } });
  });

  it('refuses a join when the room\'s members alone would not fit one WELCOME', () => {
    const room = new Room('main', 10);
    room.add(seat(1, 'x'.repeat(70 * 1024)));
    expect(joinTerms(9, hello(), room, context())).toEqual({
      type: 'refused', refusal: { code: Reason.ROOM_FULL, message: 'room "main" has more participants than one welcome message can list' },
    });
  });
});
