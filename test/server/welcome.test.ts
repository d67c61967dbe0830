import { describe, expect, it } from 'vitest';
import { Room, type RoomMember } from '../../src/server/room.js';
import { welcomePayload } from '../../src/server/welcome.js';
import { parseWelcome, printableChatText } from '../../src/protocol/index.js';
import { rng } from '../helpers/rng.js';

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

describe('welcomePayload fuzz: rooms of random members and chat', () => {
  // Characters JSON doubles or takes 3 and 4 bytes of UTF-8 for: the byte counts must be of the JSON, not the text.
  const CHARS = ['a', '"', '\\', 'é', '😀', '李', '\u200d', ' ', '<'];

  it('always fits one control frame and parses as a client parses it, with the newest chat that fits', () => {
    const random = rng(0x3e1c);
    const pick = (n: number): number => Math.floor(random() * n);
    const text = (units: number): string => {
      let out = '';
      while (out.length < units) out += CHARS[pick(CHARS.length)];
      return printableChatText(out.slice(0, units));
    };
    let refused = 0;
    let cut = 0;
    for (let trial = 0; trial < 60; trial++) {
      const room = new Room('r'.repeat(1 + pick(32)), 1 + pick(60));
      for (let id = 1, n = trial % 4 === 0 ? 150 + pick(400) : pick(40); id <= n; id++) {
        const name = [...text(64)].slice(0, 32).join('');
        const info = { id, name, muted: true, cameraOff: true, noMicrophone: true as const, noCamera: true as const, recording: true as const };
        room.add({ id, name, info: () => info, deliver: () => {} });
      }
      const chat = Array.from({ length: pick(120) }, (_, i) => ({ fromId: 0xffffffff, from: [...text(64)].slice(0, 32).join(''), text: text(random() < 0.5 ? 2000 : pick(100)), ts: i }));
      for (const entry of chat) room.recordChat(entry);
      const payload = welcomePayload(room, undefined, self, policy);
      if (payload === undefined) {
        // Only when the members alone are too many for one frame.
        expect(Buffer.byteLength(JSON.stringify(room.participants()))).toBeGreaterThan(LIMIT / 2);
        refused += 1;
        continue;
      }
      expect(payload.length).toBeLessThanOrEqual(LIMIT);
      const welcome = parseWelcome(payload);
      expect(welcome.participants).toHaveLength(room.size);
      // The newest entries, in order, as many as fit: one more (if the room kept it) would not have.
      const sent = welcome.chat.map((e) => e.ts);
      const kept = room.chatHistoryWithin(Infinity);
      expect(sent).toEqual(kept.slice(kept.length - sent.length).map((e) => e.ts));
      if (sent.length < kept.length) {
        const bigger = { ...decode(payload), chat: kept.slice(kept.length - sent.length - 1) };
        expect(Buffer.byteLength(JSON.stringify(bigger))).toBeGreaterThan(LIMIT);
        cut += 1;
      }
    }
    // The corpus reached both edges.
    expect(refused).toBeGreaterThan(0);
    expect(cut).toBeGreaterThan(0);
  });
});
