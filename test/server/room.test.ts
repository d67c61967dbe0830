import { describe, expect, it } from 'vitest';
import { Room } from '../../src/server/room.js';

const entry = (i: number, length: number) => ({ fromId: 1, from: 'alice', text: `${i} ${'x'.repeat(length)}`, ts: i });
const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

describe('room chat history', () => {
  it('keeps the last N entries', () => {
    const room = new Room('main', 3);
    for (let i = 0; i < 5; i++) room.recordChat(entry(i, 10));
    expect(room.chatHistoryWithin(Infinity).map((e) => e.ts)).toEqual([2, 3, 4]);
  });

  it('keeps at most 32 KiB of it, however few entries that is (a WELCOME must still fit one frame)', () => {
    const room = new Room('main', 50);
    for (let i = 0; i < 50; i++) room.recordChat(entry(i, 1990));
    const kept = room.chatHistoryWithin(Infinity);
    expect(jsonBytes(kept)).toBeLessThanOrEqual(32 * 1024);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.at(-1)!.ts).toBe(49);
  });

  it('keeps one entry even when it alone is over the budget', () => {
    const room = new Room('main', 50);
    room.recordChat(entry(0, 40_000));
    expect(room.chatHistoryWithin(Infinity)).toHaveLength(1);
  });

  it('gives the newest entries whose JSON array fits a budget, exactly', () => {
    const room = new Room('main', 50);
    for (let i = 0; i < 10; i++) room.recordChat(entry(i, 100 + i));
    const all = room.chatHistoryWithin(Infinity);
    for (const budget of [0, 2, 150, 500, 1000, jsonBytes(all) - 1, jsonBytes(all)]) {
      const within = room.chatHistoryWithin(budget);
      expect(jsonBytes(within)).toBeLessThanOrEqual(Math.max(2, budget));
      expect(within).toEqual(all.slice(all.length - within.length));
      // One more (older) entry would not have fitted.
      if (within.length < all.length) expect(jsonBytes(all.slice(all.length - within.length - 1))).toBeGreaterThan(budget);
    }
    expect(room.chatHistoryWithin(jsonBytes(all))).toEqual(all);
  });
});
