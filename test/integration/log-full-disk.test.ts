/**
 * A log that cannot be written (a full disk; /dev/full is one on every Linux) must not take down the server or the
 * call: one sentence says logging stopped, and everything else goes on. Real CLI processes.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, CliProcess, useCliWorkspace } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-log-full-');
afterEach(() => workspace.killAll());

describe('a full disk under the log', () => {
  it('serve with stderr on a full disk: says so once on stdout, and keeps serving', async () => {
    // The shell points the server's stderr at /dev/full (every write: ENOSPC), as `serve 2>>full-disk.log` would.
    const serve = workspace.track(new CliProcess(['serve', '--bind', '127.0.0.1', '--port', '0'], {}, ['sh', '-c', 'exec "$0" "$@" 2>/dev/full', process.execPath, BIN]));
    const port = Number((await serve.waitForOutput(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    const alice = await workspace.joinHeadless(port, 'alice'); // the server logs her connection: the write fails
    await serve.waitForOutput(/livecomm-tui: cannot write the server log to stderr \(the disk is full\): logging stops, the server goes on\n/);
    const bob = await workspace.joinHeadless(port, 'bob');
    expect(bob.events().find((e) => e.type === 'joined')).toMatchObject({ participants: [expect.objectContaining({ name: 'alice' })] });
    expect(serve.stdout.match(/cannot write the server log/g)).toHaveLength(1);
    alice.kill();
    serve.signal('SIGINT');
    expect(await serve.exited).toBe(0);
  });

  it('serve >>log 2>&1 on a full disk: nowhere to say so, and it keeps serving all the same', async () => {
    const port = await freePort();
    const serve = workspace.track(new CliProcess(['serve', '--bind', '127.0.0.1', '--port', String(port)], {}, ['sh', '-c', 'exec "$0" "$@" >/dev/full 2>&1', process.execPath, BIN]));
    // Its "listening on" line went nowhere: it listens once a connection is taken.
    await until(() => new Promise<boolean>((resolve) => {
      const probe = connect(port, '127.0.0.1', () => resolve(true)).on('error', () => resolve(false));
      probe.on('connect', () => probe.destroy());
    }), 'the server to listen');
    await workspace.joinHeadless(port, 'alice');
    const bob = await workspace.joinHeadless(port, 'bob');
    expect(bob.events().find((e) => e.type === 'joined')).toMatchObject({ participants: [expect.objectContaining({ name: 'alice' })] });
    serve.signal('SIGINT');
    expect(await serve.exited).toBe(0);
  });

  it('host --log-file on a full disk: a notice in the call, which goes on', async () => {
    const host = workspace.start(['host', '--bind', '127.0.0.1', '--port', '0', '--headless', '--log-file', '/dev/full', '--video', 'none', '--audio', 'none']);
    const hosting = await host.waitForEvent((e) => e.type === 'hosting');
    await host.waitForEvent((e) => e.type === 'notice' && e.message === 'cannot write the log file /dev/full (the disk is full): logging stops, the call goes on');
    const port = Number(/:(\d+)$/.exec((hosting.addresses as string[])[0]!)![1]);
    await workspace.joinHeadless(port, 'guest');
    await host.waitForEvent((e) => e.type === 'participant-joined');
    host.signal('SIGINT');
    expect(await host.exited).toBe(0);
  });
});
