import { describe, expect, it } from 'vitest';
import { Room, type RoomMember } from '../../src/server/room.js';
import { welcomePayload } from '../../src/server/welcome.js';

const LIMIT = 64 * 1024;
const policy = { serverName: 'test', pingIntervalMs: 5000, idleTimeoutMs: 20000 };
const self = { id: 99, name: 'zoe', audioCodec: 'opus', resumeToken: 'token', features: new Set(['ack']) };

function member(id: number, nameLength: number): RoomMember {
  const name = `m${id}-${'n'.repeat(nameLength)}`;
  return { id, name, info: () => ({ id, name, muted: false, cameraOff: false }), deliver: () => {} };
}

const decode = (payload: Uint8Array) => JSON.parse(Buffer.from(payload).toString('utf8'));

describe('welcomePayload', () => {
  it('lists the room without the seat being taken over, and the agreed features', () => {
    const room = new Room('main', 10);
    room.add(member(1, 3));
    room.add(member(2, 3));
    const welcome = decode(welcomePayload(room, member(2, 3), self, policy)!);
    expect(welcome.participants.map((p: { id: number }) => p.id)).toEqual([1]);
    expect(welcome).toMatchObject({ id: 99, name: 'zoe', room: 'main', audioCodec: 'opus', features: ['ack'], server: 'test' });
  });

  it('fills the rest of one control frame with the newest chat when members and chat together would not fit', () => {
    const room = new Room('main', 50);
    for (let i = 1; i <= 40; i++) room.add(member(i, 1000));
    for (let i = 0; i < 50; i++) room.recordChat({ fromId: 1, from: 'm1', text: `${i} ${'x'.repeat(1000)}`, ts: i });
    const payload = welcomePayload(room, undefined, self, policy)!;
    expect(payload.length).toBeLessThanOrEqual(LIMIT);
    const chat = decode(payload).chat as Array<{ ts: number }>;
    expect(chat.at(-1)!.ts).toBe(49);
    // Room for one more entry would have been used.
    expect(payload.length + 1000).toBeGreaterThan(LIMIT);
  });

  it('is undefined when the members alone do not fit one control frame', () => {
    const room = new Room('main', 10);
    for (let i = 1; i <= 80; i++) room.add(member(i, 1000));
    expect(welcomePayload(room, undefined, self, policy)).toBeUndefined();
  });
});
