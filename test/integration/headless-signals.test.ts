// A stop signal that comes while a headless participant is already leaving (a second Ctrl-C; Ctrl-C in a terminal
// reaching both a bot and the participant it runs, and the bot passing on a SIGTERM) must not turn a clean leave into
// death by the signal.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';

const workspace = useCliWorkspace('lc-signals-');

/**
 * A relay to `port` that never closes the client's side: the client's leave waits for its connection to close (at
 * most a second). `goodbyeSent` resolves when the client has ended its side; with `holdClientEnd` that end does not
 * reach the server either, whose shutdown then waits for the connection (at most a second).
 */
async function halfOpenRelay(port: number, holdClientEnd = false): Promise<{ port: number; goodbyeSent: Promise<void>; close(): void }> {
  let sent!: () => void;
  const goodbyeSent = new Promise<void>((resolve) => (sent = resolve));
  const sockets: net.Socket[] = [];
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    sockets.push(client, upstream);
    for (const s of [client, upstream]) s.on('error', () => {});
    client.pipe(upstream, { end: !holdClientEnd });
    upstream.pipe(client, { end: false });
    client.on('end', () => sent());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    goodbyeSent,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('headless participant signalled again while it leaves', () => {
  for (const [first, second] of [['SIGINT', 'SIGINT'], ['SIGINT', 'SIGTERM'], ['SIGHUP', 'SIGHUP']] as const) {
    it(`${first} then ${second}: still leaves cleanly, exit 0, \`left\` last`, async () => {
      const { port } = await workspace.serve();
      const relay = await halfOpenRelay(port);
      try {
        const bot = await workspace.joinHeadless(relay.port, 'bot');
        bot.signal(first);
        await relay.goodbyeSent;
        bot.signal(second);
        expect(await bot.exited).toBe(0);
        expect(bot.events().at(-1)).toMatchObject({ type: 'left', reason: 'leave' });
      } finally {
        relay.close();
      }
    });
  }

  it('host: a second Ctrl-C while its server tells the others the call ended still exits 0, and they hear it ended', async () => {
    const port = await freePort();
    const host = workspace.start(['host', '--headless', '--bind', '127.0.0.1', '--port', String(port), '--name', 'host', '--video', 'none', '--audio', 'none']);
    await host.waitForEvent((e) => e.type === 'joined');
    const relay = await halfOpenRelay(port, true);
    try {
      const guest = await workspace.joinHeadless(relay.port, 'guest');
      host.signal('SIGINT');
      await host.waitForEvent((e) => e.type === 'left');
      // The server's shutdown waits for the guest's connection, which the relay holds open.
      host.signal('SIGINT');
      expect(await host.exited).toBe(0);
      expect(await guest.waitForEvent((e) => e.type === 'left')).toMatchObject({ reason: 'call-ended' });
    } finally {
      relay.close();
    }
  });
});
