import { describe, expect, it } from 'vitest';
import { ReturningParticipants } from '../../src/server/returning-participants.js';

describe('ReturningParticipants (exempt from the failed-login limit, docs/protocol.md §4.2)', () => {
  it('knows a token for a while after its participant was last in a call, and never a made-up one', () => {
    const returning = new ReturningParticipants(60_000);
    returning.remember('T', 1000);
    expect(returning.knows('T', 60_000)).toBe(true);
    expect(returning.knows('T', 61_001)).toBe(false);
    expect(returning.knows('made-up', 2000)).toBe(false);
    expect(returning.knows(undefined, 2000)).toBe(false);
  });

  it('forgets a token that came with a wrong password: one guess past the limit, not more', () => {
    const returning = new ReturningParticipants();
    returning.remember('T', 0);
    returning.forget('T');
    expect(returning.knows('T', 1)).toBe(false);
  });

  it('holds a bounded number of tokens, dropping those in a call longest ago', () => {
    const returning = new ReturningParticipants(60_000, 2);
    returning.remember('a', 0);
    returning.remember('b', 1);
    returning.remember('a', 2); // back in a call: now the newest
    returning.remember('c', 3);
    expect(['a', 'b', 'c'].map((t) => returning.knows(t, 4))).toEqual([true, false, true]);
  });
});
