import { describe, expect, it } from 'vitest';
import { AddressLogLimits, AddressWindows, LOGGED_UNJOINED_PER_WINDOW, PreJoinLog } from '../../src/server/log-limit.js';
import type { LogFields } from '../../src/server/logger.js';

const ended = (): { windows: AddressWindows<{ n: number }>; ends: Array<[string, number, number]> } => {
  const ends: Array<[string, number, number]> = [];
  const windows = new AddressWindows({ windowMs: 100, maxAddresses: 3, create: () => ({ n: 0 }), onEnd: (a, t, lasted) => void ends.push([a, t.n, lasted]) });
  return { windows, ends };
};

describe('AddressWindows', () => {
  it('keeps one tally per address for a window, and ends it at the first flush after its time is up', () => {
    const { windows, ends } = ended();
    windows.tally('a', 0).n++;
    windows.tally('a', 50).n++;
    windows.tally('b', 60).n++;
    windows.flush(99);
    expect(ends).toEqual([]);
    windows.flush(130);
    expect(ends).toEqual([['a', 2, 130]]);
    windows.flush(160);
    expect(ends).toEqual([['a', 2, 130], ['b', 1, 100]]);
    expect(windows.size).toBe(0);
  });

  it('starts a new window for an address whose window is over, ending the old one first', () => {
    const { windows, ends } = ended();
    windows.tally('a', 0).n += 5;
    expect(windows.tally('a', 100).n).toBe(0);
    expect(ends).toEqual([['a', 5, 100]]);
  });

  it('ends every window at once when asked (a server stopping)', () => {
    const { windows, ends } = ended();
    windows.tally('a', 0).n++;
    windows.tally('b', 10).n++;
    windows.endAll(20);
    expect(ends).toEqual([['a', 1, 20], ['b', 1, 10]]);
  });

  it('holds at most maxAddresses windows: the oldest ends early to make room', () => {
    const { windows, ends } = ended();
    for (const [i, a] of ['a', 'b', 'c', 'd'].entries()) windows.tally(a, i).n++;
    expect(windows.size).toBe(3);
    expect(ends).toEqual([['a', 1, 3]]);
  });
});

describe('PreJoinLog', () => {
  const capture = (): { lines: Array<[string, LogFields | undefined]>; log: { log: (l: string, e: string, f?: LogFields) => void } } => {
    const lines: Array<[string, LogFields | undefined]> = [];
    return { lines, log: { log: (_l, e, f) => void lines.push([e, f]) } };
  };

  it('logs everything when loud', () => {
    const { lines, log } = capture();
    const pre = new PreJoinLog(log, true);
    pre.connection({ peer: 1 });
    pre.log('warn', 'protocol-error', { peer: 1 });
    expect(lines.map(([e]) => e)).toEqual(['connection', 'protocol-error']);
  });

  it('when quiet, drops its lines and counts the connection once; if it joins, its connection line is logged then', () => {
    const { lines, log } = capture();
    let dropped = 0;
    const scanner = new PreJoinLog(log, false, () => dropped++);
    scanner.connection({ peer: 1 });
    scanner.log('warn', 'protocol-error', { peer: 1 });
    scanner.log('warn', 'closed', { peer: 1 });
    expect(lines).toEqual([]);
    expect(dropped).toBe(1);
    const participant = new PreJoinLog(log, false, () => dropped++);
    participant.connection({ peer: 2 });
    participant.joined();
    expect(lines).toEqual([['connection', { peer: 2 }]]);
    expect(dropped).toBe(1);
  });

  it('when quiet, counts a connection that ends with only its held connection line, once; ending is a no-op otherwise', () => {
    const { lines, log } = capture();
    let dropped = 0;
    // Sent two bytes and hung up: nothing but the held line.
    const hungUp = new PreJoinLog(log, false, () => dropped++);
    hungUp.connection({ peer: 1 });
    hungUp.ended();
    hungUp.ended();
    expect(dropped).toBe(1);
    // Already counted for a dropped line: not counted again.
    const scanner = new PreJoinLog(log, false, () => dropped++);
    scanner.connection({ peer: 2 });
    scanner.log('warn', 'protocol-error', { peer: 2 });
    scanner.ended();
    expect(dropped).toBe(2);
    // Joined, then left: its connection line was logged, nothing is counted.
    const participant = new PreJoinLog(log, false, () => dropped++);
    participant.connection({ peer: 3 });
    participant.joined();
    participant.ended();
    // Loud: its connection line was logged.
    const loud = new PreJoinLog(log, true, () => dropped++);
    loud.connection({ peer: 4 });
    loud.ended();
    expect(dropped).toBe(2);
    expect(lines).toEqual([['connection', { peer: 3 }], ['connection', { peer: 4 }]]);
  });
});

describe('AddressLogLimits', () => {
  const capture = (): { lines: Array<[string, string, LogFields]>; limits: AddressLogLimits } => {
    const lines: Array<[string, string, LogFields]> = [];
    return { lines, limits: new AddressLogLimits({ log: (level, event, fields = {}) => void lines.push([level, event, fields]) }, 10_000) };
  };

  it('logs the first few connections of an address that never join, then one line with the count when the window ends', () => {
    const { lines, limits } = capture();
    let now = 0;
    for (let i = 0; i < 50; i++) {
      const log = limits.preJoinLog('192.0.2.7', () => now);
      log.connection({ peer: i, address: '192.0.2.7' });
      log.log('warn', 'protocol-error', { peer: i, address: '192.0.2.7' });
      now += 100;
    }
    expect(lines).toHaveLength(2 * LOGGED_UNJOINED_PER_WINDOW);
    limits.flush(9_999);
    expect(lines).toHaveLength(2 * LOGGED_UNJOINED_PER_WINDOW);
    limits.flush(10_000);
    expect(lines.at(-1)).toEqual(['warn', 'unlogged', {
      address: '192.0.2.7', connections: 47, detail: '47 more connections from 192.0.2.7 in the last 10 s ended before joining, their lines not logged',
    }]);
    // Another address has lines of its own.
    limits.preJoinLog('192.0.2.8', () => now).connection({ peer: 99 });
    expect(lines.at(-1)![1]).toBe('connection');
  });

  it('counts the connections that end before joining with nothing but their connection line', () => {
    const { lines, limits } = capture();
    for (let i = 0; i < 8; i++) {
      const log = limits.preJoinLog('192.0.2.10', () => i);
      log.connection({ peer: i, address: '192.0.2.10' });
      log.ended();
    }
    limits.endAll(10);
    expect(lines.map(([, e, f]) => [e, f.connections])).toEqual([
      ['connection', undefined], ['connection', undefined], ['connection', undefined], ['unlogged', 5],
    ]);
  });

  it('logs the first refusal of an address in a window, then its count', () => {
    const { lines, limits } = capture();
    const numbers = Array.from({ length: 12 }, (_, i) => limits.refused('192.0.2.9', { code: 'connecting-too-fast', message: 'slow down' }, i));
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    limits.endAll(50);
    expect(lines.map(([, e, f]) => [e, f.detail, f.refusedInWindow])).toEqual([
      ['connection-refused', 'slow down', undefined],
      ['connection-refused', 'summary', 12],
    ]);
  });
});

describe('AddressLogLimits and participants', () => {
  it("does not count a connection that joined as one that never joins: an office's refused joiner is still logged", () => {
    // Five people behind one NAT address join within 10 s, then a sixth is refused (name taken): its lines were
    // dropped and counted as "1 more connections … ended before joining", so nobody could tell why it failed.
    const lines: Array<[string, LogFields]> = [];
    const limits = new AddressLogLimits({ log: (_level, event, fields = {}) => void lines.push([event, fields]) }, 10_000);
    // Two connect together with the first three, and are refused after those joined (a restart: all come back at once).
    const early = Array.from({ length: 5 }, (_, peer) => {
      const log = limits.preJoinLog('192.0.2.20', () => peer);
      log.connection({ peer });
      return log;
    });
    for (const log of early.slice(0, 3)) log.joined();
    early[3]!.log('info', 'refused', { peer: 3, code: 'room-full' });
    early[4]!.log('info', 'refused', { peer: 4, code: 'room-full' });
    for (let peer = 5; peer < 8; peer++) {
      const log = limits.preJoinLog('192.0.2.20', () => peer);
      log.connection({ peer });
      log.joined();
    }
    const refused = limits.preJoinLog('192.0.2.20', () => 9);
    refused.connection({ peer: 9 });
    refused.log('info', 'refused', { peer: 9, code: 'name-taken' });
    refused.ended();
    limits.endAll(10);
    expect(lines.filter(([event]) => event === 'refused').map(([, fields]) => fields.peer)).toEqual([3, 4, 9]);
    // Every connection line once, the refused ones' before their refusal.
    expect(lines.filter(([event]) => event === 'connection').map(([, fields]) => fields.peer).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 9]);
    expect(lines.findIndex(([e, f]) => e === 'connection' && f.peer === 9)).toBe(lines.findIndex(([e, f]) => e === 'refused' && f.peer === 9) - 1);
    expect(lines.map(([event]) => event)).not.toContain('unlogged');
  });
});

describe('AddressLogLimits summary', () => {
  it('says "1 more connection … its lines", not "1 more connections … their lines"', () => {
    const lines: Array<[string, LogFields]> = [];
    const limits = new AddressLogLimits({ log: (_level, event, fields = {}) => void lines.push([event, fields]) }, 10_000);
    for (let peer = 0; peer <= LOGGED_UNJOINED_PER_WINDOW; peer++) {
      const log = limits.preJoinLog('192.0.2.30', () => peer);
      log.connection({ peer });
      log.ended();
    }
    limits.endAll(1_000);
    expect(lines.at(-1)).toEqual(['unlogged', {
      address: '192.0.2.30', connections: 1, detail: '1 more connection from 192.0.2.30 in the last 1 s ended before joining, its lines not logged',
    }]);
  });
});
