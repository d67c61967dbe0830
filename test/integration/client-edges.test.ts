import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import { openSocket } from '../../src/client/connect.js';
import { CallEndedError } from '../../src/client/errors.js';
import { createJpegEncoder } from '../../src/media/video/jpeg.js';
import { loadOrCreateTlsIdentity } from '../../src/net/tls-identity.js';
import { Codec, FrameDecoder, FrameType, StreamKind, encodeFrame, encodeJson, type DecodedFrame } from '../../src/protocol/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

/** Edges of the client's life: a server that hangs up mid trust check, a leave before the join, a hostile sender. */
const servers = useServerPerTest();
const dirs: string[] = [];

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A scripted server on a free loopback port: `onSocket` plays its part on each connection; closed after the test. */
async function scriptedServer(onSocket: (socket: net.Socket) => void): Promise<number> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.cleanup(() => new Promise<void>((resolve) => {
    for (const socket of sockets) socket.destroy();
    server.close(() => resolve());
  }));
  return (server.address() as net.AddressInfo).port;
}

/** A WELCOME for `bob` with the given ping interval and idle limit, as a scripted server sends it. */
function welcomeFrame(pingIntervalMs: number, idleTimeoutMs: number): Uint8Array {
  const welcome = {
    id: 1, name: 'bob', room: 'main', participants: [], chat: [], audioCodec: 'pcm', server: 'scripted', pingIntervalMs,
    idleTimeoutMs, resumeToken: 't', features: [],
  };
  return encodeFrame({ type: FrameType.WELCOME, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: Date.now(), payload: encodeJson(welcome) });
}

describe('client edges', () => {
  it('reports a TLS server that resets the connection right after its handshake as a network failure, not a crash', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lc-client-edges-'));
    dirs.push(dir);
    const identity = await loadOrCreateTlsIdentity(join(dir, 'server'));
    const server = tls.createServer({ key: identity.key, cert: identity.cert, minVersion: 'TLSv1.3' });
    let raw: net.Socket | undefined;
    server.on('connection', (socket) => {
      socket.on('error', () => {});
      raw = socket;
    });
    // Reset as soon as the handshake is done: the client is then reading (trust on first use) its known_hosts file.
    server.on('secureConnection', (socket) => {
      socket.on('error', () => {});
      raw?.resetAndDestroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.cleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as net.AddressInfo).port;
    for (let i = 0; i < 5; i++) {
      const outcome = await openSocket({ host: '127.0.0.1', port, tls: { knownHostsPath: join(dir, `known_hosts_${i}`) } }).then(
        (opened) => {
          // Opened before the reset arrived: the reset must then come as a socket 'close', not an unhandled error.
          return new Promise<string>((resolve) => opened.socket.once('close', () => resolve('closed')));
        },
        (err: unknown) => (err instanceof CallEndedError ? `${err.kind}:${err.code}` : String(err)),
      );
      expect(['closed', 'network:connect-failed']).toContain(outcome);
    }
  });

  it('does not join after all when it leaves while still connecting', async () => {
    const server = await servers.start();
    const client = new RecordingSession({ port: server.port, name: 'ghost' });
    const started = client.start().then(
      () => 'joined',
      (err: unknown) => (err instanceof CallEndedError ? err.kind : String(err)),
    );
    await client.session.leave();
    expect(await started).toBe('left');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.session.status).toBe('ended');
    expect(client.of('joined')).toHaveLength(0);
    expect(server.peerStats().filter((p) => p.joined)).toHaveLength(0);
  });

  it('ends with an internal error, not a "malformed frame" and a reconnect, when one of its own listeners throws', async () => {
    const server = await servers.start();
    const client = new RecordingSession({ port: server.port, name: 'alice' });
    client.session.on((event) => {
      if (event.type === 'chat') throw new Error('a bug in the chat view');
    });
    await client.start();
    const bob = new RecordingSession({ port: server.port, name: 'bob' });
    await bob.start();
    servers.cleanup(() => bob.session.leave());
    bob.session.sendChat('hi');
    const ended = await client.waitFor('ended');
    expect(ended.error.kind).toBe('internal');
    expect(ended.error.message).toBe('internal error: a bug in the chat view');
  });

  it('does not decode a huge video frame (a flat picture of megapixels is tiny on the wire): says so once, and shows the next frame of a normal size', async () => {
    const server = await servers.start();
    const events: CallEvent[] = [];
    const call = new Call({ session: { target: { host: '127.0.0.1', port: server.port }, name: 'alice', room: 'main', audioCodecs: ['pcm'] }, statsIntervalMs: 60_000 });
    call.on((event) => events.push(event));
    call.start();
    servers.cleanup(() => call.leave());
    await until(() => events.some((e) => e.type === 'joined'), 'alice to join');
    const mallory = await RawClient.connect(server.port);
    servers.cleanup(() => mallory.destroy());
    mallory.hello('mallory');
    await mallory.waitFor((f) => f.type === FrameType.WELCOME);
    const encoder = createJpegEncoder(30);
    const huge = encoder.encode({ width: 2000, height: 2000, data: new Uint8Array(2000 * 2000 * 4).fill(128) });
    const small = encoder.encode({ width: 160, height: 120, data: new Uint8Array(160 * 120 * 4).fill(128) });
    expect(huge.length).toBeLessThan(64 * 1024);
    for (let seq = 1; seq <= 3; seq++) mallory.send(FrameType.MEDIA, huge, { kind: StreamKind.VIDEO, codec: Codec.JPEG, seq });
    await until(() => events.some((e) => e.type === 'notice' && /could not be decoded.*exceeds the 76800-pixel limit/.test(e.message)), 'the notice');
    mallory.send(FrameType.MEDIA, small, { kind: StreamKind.VIDEO, codec: Codec.JPEG, seq: 4 });
    const video = await until(() => events.find((e) => e.type === 'video'), 'the small frame');
    expect(video).toMatchObject({ image: { width: 160, height: 120 } });
    expect(events.filter((e) => e.type === 'video')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'notice')).toHaveLength(1);
  });

  it('gives up on a server gone silent after the join without a BYE of its own (docs/protocol.md §4.3)', async () => {
    const heard: DecodedFrame[] = [];
    let closedAt = 0;
    // Welcomes the client with the shortest limits it accepts (pings at 1 s, so silence for 2 s ends it), then says
    // nothing more and records whatever the client sends until it hangs up.
    const port = await scriptedServer((socket) => {
      socket.on('close', () => (closedAt = Date.now()));
      const decoder = new FrameDecoder();
      socket.on('data', (chunk) => {
        const frames = decoder.push(chunk);
        heard.push(...frames);
        if (frames.some((f) => f.type === FrameType.HELLO)) socket.write(welcomeFrame(1000, 1000));
      });
    });
    const client = new RecordingSession({ port, name: 'bob' });
    await client.start();
    const ended = await client.waitFor('ended', () => true, 5_000);
    expect(ended.error).toMatchObject({ kind: 'network', code: 'idle-timeout' });
    await until(() => closedAt > 0, 'the client to hang up');
    // It pinged (the first ping 1 s after the join) and then closed without a BYE: only the server sends one.
    expect(heard.some((f) => f.type === FrameType.PING)).toBe(true);
    expect(heard.filter((f) => f.type === FrameType.BYE)).toEqual([]);
  });

  it('ends as slow-link when the server stops reading what it sends (docs/protocol.md §6): control past 1 MiB', async () => {
    // Welcomes the client, then reads nothing more: the kernel's buffers fill, then the client's control queue.
    const port = await scriptedServer((socket) => {
      socket.once('data', () => {
        socket.pause();
        socket.write(welcomeFrame(5000, 15000));
      });
    });
    const client = new RecordingSession({ port, name: 'bob' });
    await client.start();
    // Chat is control: never dropped, so it piles up until the queue passes its cap (loopback buffers hold a few MB).
    const line = 'x'.repeat(2000);
    for (let i = 0; i < 20_000 && client.session.status === 'joined'; i++) {
      client.session.sendChat(line);
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    const ended = await client.waitFor('ended', () => true, 10_000);
    expect(ended.error).toMatchObject({ kind: 'network', code: 'slow-link' });
  });

  it('gives up on a port that accepts and answers nothing after 5 s, naming it; once the server has spoken, silence waits 15 s', async () => {
    let connections = 0;
    // Answers nothing to the first connection (a web server waits for a request line our HELLO never ends), and a
    // password challenge to the second, then nothing more.
    const port = await scriptedServer((socket) => {
      connections += 1;
      if (connections === 2) {
        socket.once('data', () => {
          const challenge = { salt: Buffer.alloc(16).toString('base64'), nonce: Buffer.alloc(32).toString('base64') };
          socket.write(encodeFrame({ type: FrameType.CHALLENGE, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: Date.now(), payload: encodeJson(challenge) }));
        });
      }
    });
    const silent = new RecordingSession({ port, name: 'bob' });
    const startedAt = Date.now();
    const error = await silent.start().then(() => undefined, (err: unknown) => err as CallEndedError);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(4_900);
    expect(Date.now() - startedAt).toBeLessThan(7_000);
    expect(error).toMatchObject({ kind: 'network', code: 'no-answer' });
    expect(error!.message).toBe(
      `127.0.0.1:${port} accepted the connection but answered nothing within 5 s: is a livecomm-tui server listening there? ` +
        'another program may hold the port, or the server may need --tls',
    );
    const spoke = new RecordingSession({ port, name: 'bob', password: 'pw' });
    void spoke.start().catch(() => {});
    await until(() => connections === 2, 'the second connection');
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    expect(spoke.session.status).toBe('handshaking');
    await spoke.session.leave();
  });

  it('says a --tls port that accepts the connection and never answers the TLS handshake is not answering, after 5 s', async () => {
    // Not "no answer within 10 s", which reads as a firewall dropping the packets: the connection was accepted.
    const port = await scriptedServer(() => {});
    const dir = await mkdtemp(join(tmpdir(), 'lc-client-edges-'));
    dirs.push(dir);
    const startedAt = Date.now();
    const error = await openSocket({ host: '127.0.0.1', port, tls: { knownHostsPath: join(dir, 'known_hosts') } }).then(
      () => undefined,
      (err: unknown) => err as CallEndedError,
    );
    expect(Date.now() - startedAt).toBeLessThan(7_000);
    expect(error).toMatchObject({ kind: 'network', code: 'no-answer' });
    expect(error!.message).toBe(
      `127.0.0.1:${port} accepted the connection but answered nothing within 5 s: is a livecomm-tui server listening there? ` +
        'another program may hold the port',
    );
  });
});
