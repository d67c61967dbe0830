import { describe, expect, it } from 'vitest';
import { FlushScheduler } from '../../src/net/flush-scheduler.js';

describe('FlushScheduler', () => {
  it('flushes every socket that asked during one turn in one pass, in the order they asked', async () => {
    const scheduler = new FlushScheduler();
    const flushed: string[] = [];
    const socket = (name: string) => ({ scheduledFlush: () => flushed.push(name) });
    scheduler.request(socket('a'));
    scheduler.request(socket('b'));
    scheduler.request(socket('c'));
    expect(flushed).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual(['a', 'b', 'c']);
    // A request after the pass starts a new one; the sockets already flushed are not flushed again.
    scheduler.request(socket('d'));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(flushed).toEqual(['a', 'b', 'c', 'd']);
  });
});
