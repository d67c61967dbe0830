import { describe, expect, it } from 'vitest';
import { RoomDirectory } from '../../src/server/room-directory.js';
import type { RoomMember } from '../../src/server/room.js';

const member = (id: number): RoomMember => ({
  id,
  name: `p${id}`,
  info: () => ({ id, name: `p${id}`, muted: false, cameraOff: false }),
  deliver: () => {},
});
const chat = (ts: number) => ({ fromId: 1, from: 'alice', text: `line ${ts}`, ts });

describe('RoomDirectory', () => {
  it('gives the same room for names that differ only as roomKey folds them, under the spelling that opened it', () => {
    const rooms = new RoomDirectory(50);
    const first = rooms.open('Standup');
    expect(rooms.open('standup')).toBe(first);
    expect(rooms.open('STANDUP').name).toBe('Standup');
    expect(rooms.open('retro')).not.toBe(first);
  });

  it('opens each room with the chat history length it was given', () => {
    const room = new RoomDirectory(3).open('main');
    for (let ts = 1; ts <= 5; ts++) room.recordChat(chat(ts));
    expect(room.chatHistoryWithin(Infinity).map((e) => e.ts)).toEqual([3, 4, 5]);
  });

  it('drops an empty room, its history with it: the next to come opens a new one under their spelling', () => {
    const rooms = new RoomDirectory(50);
    const old = rooms.open('main');
    old.recordChat(chat(1));
    rooms.dropIfEmpty(old);
    const next = rooms.open('MAIN');
    expect(next).not.toBe(old);
    expect(next.name).toBe('MAIN');
    expect(next.chatHistoryWithin(Infinity)).toEqual([]);
  });

  it('keeps a room someone is still in', () => {
    const rooms = new RoomDirectory(50);
    const room = rooms.open('main');
    room.add(member(1));
    rooms.dropIfEmpty(room);
    expect(rooms.open('main')).toBe(room);
  });

  it('does not drop the room opened since under the name of one already dropped', () => {
    const rooms = new RoomDirectory(50);
    const old = rooms.open('main');
    rooms.dropIfEmpty(old);
    const now = rooms.open('main');
    rooms.dropIfEmpty(old);
    expect(rooms.open('main')).toBe(now);
  });
});
