import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import type { AudioSource } from '../../src/media/audio/format.js';
import type { VideoSource } from '../../src/media/video/source.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

/** Races of a call's life over real sockets: changes made at the wrong moment, the end arriving mid-way. */
const servers = useServerPerTest();

/** A TCP proxy that keeps what the server sends until `release()`: a handshake held open at a chosen point. */
async function holdingProxy(targetPort: number): Promise<{ port: number; held: () => number; release: () => void; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const heldChunks: Buffer[] = [];
  let toClient: net.Socket | undefined;
  let holding = true;
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    toClient = client;
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => (holding ? heldChunks.push(chunk) : client.write(chunk)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    held: () => heldChunks.length,
    release: () => {
      holding = false;
      for (const chunk of heldChunks.splice(0)) toClient?.write(chunk);
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const silentMicrophone: AudioSource = { description: 'test microphone', start: () => {}, stop: async () => {} };
const stillCamera: VideoSource = { description: 'test camera', start: () => {}, stop: async () => {} };

describe('client races', () => {
  it('a change of mute made during the handshake reaches the others: unmuted after a muted HELLO is not shown muted', async () => {
    const server = await servers.start();
    const alice = new RecordingSession({ port: server.port, name: 'alice' });
    await alice.start();
    const proxy = await holdingProxy(server.port);
    servers.cleanup(() => proxy.close(), () => alice.session.leave());
    const call = new Call({
      session: { target: { host: '127.0.0.1', port: proxy.port }, name: 'bob', room: 'main' },
      audio: silentMicrophone,
      video: stillCamera,
    });
    servers.cleanup(() => call.leave());
    const events: CallEvent[] = [];
    call.on((event) => events.push(event));
    call.setMuted(true);
    call.start();
    // The WELCOME is at the proxy: the HELLO, which said muted, has gone. Unmuted (m) before the WELCOME arrives.
    await until(() => proxy.held() > 0, 'the server to answer the HELLO');
    call.setMuted(false);
    proxy.release();
    await until(() => events.some((e) => e.type === 'joined'), 'the join');
    call.sendChat('after the join');
    await until(() => alice.of('chat').length > 0, 'the chat line');
    // Bob's STATE, had it gone, went before his chat on his connection and on alice's.
    const states = alice.of('state').filter((s) => s.id === alice.of('participant-joined')[0]!.participant.id);
    const shownMuted = states.length > 0 ? states.at(-1)!.muted : alice.of('participant-joined')[0]!.participant.muted;
    expect(shownMuted).toBe(false);
  });
});
