import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatOutbox } from '../../src/client/chat-outbox.js';
import { CHAT_BYTE_LIMIT, CLIENT_CHAT_BYTE_PACE, CLIENT_CHAT_PACE, CLIENT_STATE_PACE, MAX_CHAT_LENGTH, MESSAGE_LIMIT } from '../../src/protocol/index.js';
import { PacedLatest } from '../../src/util/paced-latest.js';
import { TokenBucket } from '../../src/util/token-bucket.js';

describe('TokenBucket', () => {
  it('gives its burst at once, then tokens at its rate, and says how long until the next', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
    expect(bucket.waitMs(0)).toBe(100);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.waitMs(50)).toBe(50);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.isFull(100)).toBe(false);
    expect(bucket.isFull(400)).toBe(true);
    // Never more than the burst, however long it rested.
    expect([0, 1, 2, 3].map(() => bucket.take(10_000))).toEqual([true, true, true, false]);
  });

  it('does not refill when time goes backwards', () => {
    const bucket = new TokenBucket(10, 1, 1000);
    expect(bucket.take(1000)).toBe(true);
    expect(bucket.take(500)).toBe(false);
    expect(bucket.take(1100)).toBe(true);
  });
});

describe('client pacing stays inside the server limit', () => {
  it('together, at most the server burst at once and under its rate', () => {
    expect(CLIENT_CHAT_PACE.burst + 2 * CLIENT_STATE_PACE.burst).toBeLessThanOrEqual(MESSAGE_LIMIT.burst - 20);
    expect(CLIENT_CHAT_PACE.perSecond + 2 * CLIENT_STATE_PACE.perSecond).toBeLessThan(MESSAGE_LIMIT.perSecond);
    // Chat bytes: half the server's rate and burst, and the longest message (4-byte characters, JSON) fits a burst.
    expect(CLIENT_CHAT_BYTE_PACE.perSecond * 2).toBeLessThanOrEqual(CHAT_BYTE_LIMIT.perSecond);
    expect(CLIENT_CHAT_BYTE_PACE.burst * 2).toBeLessThanOrEqual(CHAT_BYTE_LIMIT.burst);
    expect(Buffer.byteLength(JSON.stringify({ text: '😀'.repeat(MAX_CHAT_LENGTH / 2) }))).toBeLessThan(CLIENT_CHAT_BYTE_PACE.burst);
  });
});

describe('with a clock', () => {
  let now = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    now = 0;
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number): void => {
    now += ms;
    vi.advanceTimersByTime(ms);
  };

  // A clock set back (NTP stepping it, `date -s`): what the bucket gives must not wait for the clock to catch up.
  it.each([60_000, 3_600_000])('TokenBucket refills as before after its clock went back %i ms', (backMs) => {
    const bucket = new TokenBucket(10, 3, 1_000_000);
    expect([0, 1, 2, 3].map(() => bucket.take(1_000_000))).toEqual([true, true, true, false]);
    const back = 1_000_000 - backMs;
    expect(bucket.take(back)).toBe(false);
    expect(bucket.waitMs(back)).toBe(100);
    expect(bucket.take(back + 100)).toBe(true);
    expect(bucket.isFull(back + 1000)).toBe(true);
  });

  it('PacedLatest and ChatOutbox on their own clock go on after the wall clock is set back an hour', () => {
    const states: number[] = [];
    const paced = new PacedLatest(CLIENT_STATE_PACE, (v: number) => states.push(v));
    const chat: string[] = [];
    const outbox = new ChatOutbox(() => true, (text) => chat.push(text));
    for (let i = 0; i < CLIENT_STATE_PACE.burst; i++) paced.set(i);
    for (let i = 0; i < CLIENT_CHAT_PACE.burst; i++) outbox.push(`m${i}`);
    outbox.drain();
    vi.setSystemTime(Date.now() - 3_600_000);
    paced.set(99);
    outbox.push('after');
    outbox.drain();
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(100);
      outbox.drain();
    }
    expect(states.at(-1)).toBe(99);
    expect(chat.at(-1)).toBe('after');
    paced.stop();
  });

  it('PacedLatest sends changes at once while the pace allows, then only the newest of those that waited', () => {
    const sent: number[] = [];
    const paced = new PacedLatest({ perSecond: 2, burst: 2 }, (v: number) => sent.push(v), () => now);
    for (let i = 1; i <= 6; i++) paced.set(i);
    expect(sent).toEqual([1, 2]);
    advance(499);
    expect(sent).toEqual([1, 2]);
    advance(1);
    expect(sent).toEqual([1, 2, 6]);
    advance(5000);
    expect(sent).toEqual([1, 2, 6]);
    paced.set(7);
    paced.stop();
    paced.set(8);
    expect(sent).toEqual([1, 2, 6, 7, 8]);
  });

  it('ChatOutbox sends a long paste in characters of three bytes at its byte pace, well inside the server limit', () => {
    const sent: string[] = [];
    const outbox = new ChatOutbox(() => true, (text) => sent.push(text), 100, () => now);
    const message = '漢'.repeat(MAX_CHAT_LENGTH); // 6 KB of UTF-8
    for (let i = 0; i < 40; i++) outbox.push(message);
    outbox.drain();
    // 32 KiB at once: five messages, not the twenty the message pace alone would let go.
    expect(sent.length).toBe(5);
    for (let i = 0; i < 100; i++) advance(100);
    // Over those 10 s: its burst and its rate, no more, and no less than a message short of them.
    const bytes = sent.length * Buffer.byteLength(JSON.stringify({ text: message }));
    const allowed = CLIENT_CHAT_BYTE_PACE.burst + 10 * CLIENT_CHAT_BYTE_PACE.perSecond;
    expect(bytes).toBeLessThanOrEqual(allowed);
    expect(bytes).toBeGreaterThan(allowed - 6100);
    for (let i = 0; i < 600; i++) advance(100);
    expect(sent.length).toBe(40);
  });

  it('ChatOutbox sends a paste at its pace, in order, holds it while not joined, and refuses past its limit', () => {
    const sent: string[] = [];
    let joined = false;
    const outbox = new ChatOutbox(() => joined, (text) => sent.push(text), 30, () => now);
    for (let i = 0; i < 31; i++) expect(outbox.push(`m${i}`)).toBe(i < 30);
    outbox.drain();
    expect(sent).toEqual([]);
    joined = true;
    outbox.drain();
    // The burst (none of it spent while not joined), then one per 1/perSecond.
    expect(sent.length).toBe(CLIENT_CHAT_PACE.burst);
    advance(1000);
    expect(sent.length).toBe(CLIENT_CHAT_PACE.burst + CLIENT_CHAT_PACE.perSecond);
    advance(10_000);
    expect(sent).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
    expect(outbox.waiting).toBe(0);
  });
});
