import { describe, expect, it } from 'vitest';
import { KeyedTokenBuckets } from '../../src/util/keyed-token-buckets.js';

describe('KeyedTokenBuckets', () => {
  it('keeps a bucket per key, each starting full', () => {
    const buckets = new KeyedTokenBuckets(1, 2, 10);
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('a', 0)).toBe(true);
    expect(buckets.take('a', 0)).toBe(false);
    expect(buckets.take('b', 0, 2)).toBe(true);
    expect(buckets.take('a', 1000)).toBe(true);
  });

  it('at its limit of keys forgets refilled buckets first, failing that the oldest', () => {
    const buckets = new KeyedTokenBuckets(1, 2, 2);
    buckets.take('a', 0, 2);
    buckets.take('b', 0, 2);
    // Neither has refilled: the oldest (a) goes, and comes back full.
    buckets.take('c', 0, 2);
    expect(buckets.size).toBe(2);
    expect(buckets.take('b', 0)).toBe(false);
    // Both refilled by now: forgotten together.
    buckets.take('d', 5000);
    expect(buckets.size).toBe(1);
  });
});
