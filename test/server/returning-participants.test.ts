import { describe, expect, it } from 'vitest';
import { ReturningParticipants } from '../../src/server/returning-participants.js';

describe('ReturningParticipants (exempt from the failed-login limit, docs/protocol.md §4.2)', () => {
  it('knows a token for a while after its participant was last in a call, and never a made-up one', () => {
    const returning = new ReturningParticipants(60_000);
    returning.joined('T');
    returning.left('T', 1000);
    expect(returning.knows('T', 60_000)).toBe(true);
    expect(returning.knows('T', 61_001)).toBe(false);
    expect(returning.knows('made-up', 2000)).toBe(false);
    expect(returning.knows(undefined, 2000)).toBe(false);
  });

  it('knows the token of someone still in the call however long ago they joined (their link dropped unseen)', () => {
    const returning = new ReturningParticipants(60_000);
    returning.joined('T');
    expect(returning.knows('T', 3_600_000)).toBe(true);
    // Replaced by their own reconnect: the old seat leaves, the new one joins.
    returning.left('T', 3_600_000);
    returning.joined('T');
    expect(returning.knows('T', 7_200_000)).toBe(true);
  });

  it('forgets a token that came with a wrong password: one guess past the limit, not more', () => {
    const returning = new ReturningParticipants();
    returning.joined('T');
    returning.left('T', 0);
    returning.forget('T');
    expect(returning.knows('T', 1)).toBe(false);
    returning.joined('S');
    returning.forget('S');
    expect(returning.knows('S', 1)).toBe(false);
  });

  it('holds a bounded number of tokens, dropping those in a call longest ago', () => {
    const returning = new ReturningParticipants(60_000, 2);
    for (const [token, at] of [['a', 0], ['b', 1], ['a', 2], ['c', 3]] as const) {
      returning.joined(token);
      returning.left(token, at); // 'a' back in a call at 2: now the newest
    }
    expect(['a', 'b', 'c'].map((t) => returning.knows(t, 4))).toEqual([true, false, true]);
  });
});
