/**
 * `serve` and `headless` print the line a script waits for (the join line, `hosting`) only once SIGINT, SIGTERM and
 * SIGHUP are theirs: a script that stops them as soon as it reads it must not meet Node's default, death by signal.
 */
import { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/client/call.js';
import { runHeadless } from '../../src/cli/headless.js';
import { runServe } from '../../src/cli/serve.js';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A stream that calls `onLine` with each line written, and the listeners each stop signal has at that moment. */
function recorder(onLine: (line: string, counts: number[]) => void): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) onLine(line, SIGNALS.map((s) => process.listenerCount(s)));
      done();
    },
  });
}

describe('stop signals are handled before the first line a script waits for', () => {
  it('serve: when the join line is written, each stop signal has one more listener', async () => {
    const before = SIGNALS.map((s) => process.listenerCount(s));
    const listeners = SIGNALS.map((s) => process.listeners(s));
    let atJoinLine: number[] | undefined;
    const out = recorder((line, counts) => {
      if (line.startsWith('join with:')) atJoinLine = counts;
    });
    const running = runServe(
      { bind: '127.0.0.1', port: 0, maxParticipants: 4, maxConnectionsPerAddress: 4, connectionRate: 4, logFormat: 'text' },
      {},
      out,
      new Writable({ write: (_c, _e, done) => done() }),
    );
    while (atJoinLine === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(atJoinLine).toEqual(before.map((n) => n + 1));
    // Stop it as the signal would: the listener serve added.
    const added = process.listeners('SIGTERM').find((l) => !listeners[1]!.includes(l))!;
    (added as () => void)();
    await expect(running).resolves.toBe(0);
  });

  it('headless: when the preamble (`hosting`) is written, each stop signal has one more listener', async () => {
    const before = SIGNALS.map((s) => process.listenerCount(s));
    let atPreamble: number[] | undefined;
    const handlers: Array<(event: { type: string }) => void> = [];
    // The least of a Call runHeadless uses: it is never started here, only left.
    const call = {
      chatWaiting: 0,
      on: (handler: (event: { type: string }) => void) => handlers.push(handler),
      start: () => {},
      leave: async () => {},
      sendChat: () => {},
      serverWallMs: () => 0,
    } as unknown as Call;
    const running = runHeadless({
      call,
      stdin: Readable.from([]),
      stdout: recorder((line, counts) => {
        if (line.includes('"hosting"')) atPreamble = counts;
      }),
      stderr: new Writable({ write: (_c, _e, done) => done() }),
      preamble: [{ type: 'hosting' }],
      hosting: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(atPreamble).toEqual(before.map((n) => n + 1));
    const left = Object.assign(new Error('left the call'), { kind: 'left', code: 'leave' });
    for (const handler of handlers) handler({ type: 'ended', error: left } as never);
    await running;
    // After the end, until the process exits, a stop signal is ignored (one listener, however many calls ended),
    // not met by Node's default: death by the signal while a host's server still tells the others the call ended.
    expect(SIGNALS.map((s) => process.listenerCount(s))).toEqual(before.map((n) => n + 1));
  });
});
