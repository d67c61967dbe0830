import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { CHAT_BYTE_LIMIT, CONTROL_FRAME_LIMIT, Codec, FrameType, MAX_CHAT_LENGTH, MAX_PAYLOAD_BYTES, MEDIA_BYTE_LIMIT, MEDIA_FRAME_LIMIT, MESSAGE_LIMIT, StreamKind } from '../../src/protocol/index.js';
import { encodeFrame } from '../../src/protocol/frame.js';
import { RawClient } from '../helpers/raw-client.js';
import { ServerProcess } from '../helpers/server-process.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { until } from '../helpers/wait.js';

/**
 * Edges of the server's rules that an honest client never reaches: a reset before the first byte, a room whose chat
 * history outgrows a WELCOME, a reconnect while alone, chat text full of control characters, a receiver that offers
 * acknowledgements and sends none, a handshake dribbled in, connections still half open at shutdown, a chat flood.
 */
const servers = useServerPerTest();

async function joined(port: number, name: string, overrides: Record<string, unknown> = {}): Promise<{ client: RawClient; welcome: Record<string, unknown> }> {
  const client = await RawClient.connect(port);
  servers.cleanup(() => client.destroy());
  client.hello(name, 'main', overrides);
  const welcome = client.json(await client.waitFor((f) => f.type === FrameType.WELCOME));
  return { client, welcome };
}

/** Resolves once the server has read everything `client` sent so far (a PING answered). */
async function roundTrip(client: RawClient): Promise<void> {
  const seq = 1000 + client.frames.length;
  client.send(FrameType.PING, new Uint8Array(0), { kind: StreamKind.CONTROL, codec: Codec.NONE, seq });
  await client.waitFor((f) => f.type === FrameType.PONG && f.seq === seq);
}

const byeCode = (client: RawClient): unknown => {
  const bye = client.ofType(FrameType.BYE)[0];
  return bye ? client.json(bye).code : undefined;
};

describe('server edges', () => {
  it('survives a connection reset before its first byte, and goes on admitting', async () => {
    const server = await ServerProcess.start();
    try {
      for (let i = 0; i < 5; i++) {
        const socket = net.connect({ port: server.port, host: '127.0.0.1' });
        socket.on('error', () => {});
        await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
        await new Promise((resolve) => setTimeout(resolve, 50));
        socket.resetAndDestroy();
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      const client = await RawClient.connect(server.port);
      client.hello('after-resets');
      await client.waitFor((f) => f.type === FrameType.WELCOME);
      client.destroy();
      const exitedEarly = await Promise.race([server.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 100))]);
      expect(exitedEarly).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('keeps a room joinable after long pastes: a WELCOME carries the newest chat that fits, and a member can come back', async () => {
    const { port } = await servers.start();
    const alice = await joined(port, 'alice');
    const carol = await joined(port, 'carol');
    // 80 KB of chat from two people (one alone would pass the chat byte limit).
    for (let i = 0; i < 20; i++) carol.client.send(FrameType.CHAT, { text: `${i} ${'x'.repeat(1990)}` }, { seq: i + 2 });
    await roundTrip(carol.client);
    for (let i = 20; i < 40; i++) alice.client.send(FrameType.CHAT, { text: `${i} ${'x'.repeat(1990)}` }, { seq: i + 2 });
    await roundTrip(alice.client);
    const bob = await joined(port, 'bob');
    const chat = bob.welcome.chat as Array<{ text: string }>;
    expect(chat.length).toBeGreaterThan(5);
    expect(chat.length).toBeLessThan(40);
    expect(chat.at(-1)!.text.startsWith('39 ')).toBe(true);
    const welcomeFrame = bob.client.ofType(FrameType.WELCOME)[0]!;
    expect(welcomeFrame.payload.length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES[StreamKind.CONTROL]);
    // Alice reconnects with her token before the server noticed her old connection: she gets her seat back.
    const again = await joined(port, 'alice', { resumeToken: alice.welcome.resumeToken });
    expect((again.welcome.chat as unknown[]).length).toBe(chat.length);
    await alice.client.waitForClose();
    expect(byeCode(alice.client)).toBe('replaced');
  });

  it('refuses a frame larger than a control frame before the join from its header, without waiting for the payload', async () => {
    const { port } = await servers.start();
    const stranger = await RawClient.connect(port);
    servers.cleanup(() => stranger.destroy());
    // A 200 KiB video frame's header, and nothing of its payload: the server must not hold the connection for it.
    const frame = encodeFrame({ type: FrameType.MEDIA, kind: StreamKind.VIDEO, codec: Codec.JPEG, flags: 0, sender: 0, seq: 1, ts: 0, payload: new Uint8Array(200 * 1024) });
    stranger.socket.write(frame.subarray(0, 24));
    await stranger.waitForClose(3000);
    expect(byeCode(stranger)).toBe('malformed-frame');
    // After the join, frames of every kind may be as large as their kind allows.
    const alice = await joined(port, 'alice');
    const bob = await joined(port, 'bob');
    alice.client.send(FrameType.MEDIA, new Uint8Array(200 * 1024), { kind: StreamKind.VIDEO, codec: Codec.JPEG, seq: 1 });
    await bob.client.waitFor((f) => f.type === FrameType.MEDIA && f.payload.length === 200 * 1024);
  });

  it('hands out a resume token of its own for a made-up or empty one, and keeps one it issued', async () => {
    const { port } = await servers.start();
    const mallory = await joined(port, 'mallory', { resumeToken: 'made-up' });
    expect(mallory.welcome.resumeToken).not.toBe('made-up');
    const eve = await joined(port, 'eve', { resumeToken: '' });
    expect(eve.welcome.resumeToken).toMatch(/^[\w-]{24}$/);
    // Back with the token it was given (the old connection not yet noticed gone): the same token, the same seat.
    const again = await joined(port, 'mallory', { resumeToken: mallory.welcome.resumeToken });
    expect(again.welcome.resumeToken).toBe(mallory.welcome.resumeToken);
    await mallory.client.waitForClose();
    expect(byeCode(mallory.client)).toBe('replaced');
  });

  it('keeps a room whole when its only member reconnects: the next to join meets them, and the chat is still there', async () => {
    const { port } = await servers.start();
    const alice = await joined(port, 'alice');
    alice.client.send(FrameType.CHAT, { text: 'before the reconnect' }, { seq: 2 });
    await roundTrip(alice.client);
    const again = await joined(port, 'alice', { resumeToken: alice.welcome.resumeToken });
    const bob = await joined(port, 'bob');
    expect((bob.welcome.participants as Array<{ id: number; name: string }>).map((p) => [p.id, p.name])).toEqual([[again.welcome.id, 'alice']]);
    expect((bob.welcome.chat as Array<{ text: string }>).map((c) => c.text)).toEqual(['before the reconnect']);
    const met = await again.client.waitFor((f) => f.type === FrameType.PARTICIPANT_JOINED);
    expect(again.client.json(met).name).toBe('bob');
  });

  it('relays chat without control characters, and never drops its sender over the escapes they would need', async () => {
    const { port } = await servers.start();
    const alice = await joined(port, 'alice');
    const bob = await joined(port, 'bob');
    // 1,350 control characters are 8,100 bytes of JSON escapes: relayed as they came, with the sender's name and the
    // time, the entry would not fit a chat frame.
    alice.client.send(FrameType.CHAT, { text: `a${'\u0001'.repeat(1350)}b\u001b]52;c;aGk=\u0007 \u202eevil\ttab` }, { seq: 2 });
    const relayed = await bob.client.waitFor((f) => f.type === FrameType.CHAT);
    expect(bob.client.json(relayed).text).toBe('ab]52;c;aGk= evil tab');
    await roundTrip(alice.client);
    expect(alice.client.closed).toBe(false);
  });

  it('disconnects a receiver that offers acknowledgements and never sends one, and tells it why', async () => {
    const { port } = await servers.start({ stallTimeoutMs: 1500 });
    const talker = await joined(port, 'talker', { caps: { video: ['jpeg'], audio: ['pcm'], feedback: ['congestion'] } });
    const silent = await joined(port, 'silent', { caps: { video: ['jpeg'], audio: ['pcm'], feedback: ['ack'] } });
    expect(silent.welcome.features).toContain('ack');
    const audio = new Uint8Array(1920);
    let seq = 0;
    const talking = setInterval(() => {
      talker.client.send(FrameType.MEDIA, audio, { kind: StreamKind.AUDIO, codec: Codec.PCM_S16LE, seq: ++seq });
      // Pings from the silent one get pongs: control still flows, media waits for an ACK that never comes.
      if (seq % 10 === 0) silent.client.send(FrameType.PING, new Uint8Array(0), { kind: StreamKind.CONTROL, codec: Codec.NONE, seq });
    }, 20);
    try {
      await silent.client.waitForClose(8000);
    } finally {
      clearInterval(talking);
    }
    expect(byeCode(silent.client)).toBe('slow-consumer');
    expect(talker.client.closed).toBe(false);
  });

  it('counts the handshake deadline from the TCP connection, not from the first byte', async () => {
    const { port } = await servers.start({ handshakeTimeoutMs: 2000 });
    const client = await RawClient.connect(port);
    servers.cleanup(() => client.destroy());
    const connectedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1800));
    client.socket.write(Buffer.from([0]));
    await client.waitForClose(5000);
    // From the first byte it would be 1.8 + 2 s; from the connection, 2 s and the sweep's half second.
    expect(Date.now() - connectedAt).toBeLessThan(3200);
    expect(byeCode(client)).toBe('handshake-timeout');
  });

  it('ends connections that have not spoken yet at shutdown, and turns away a HELLO that comes after it began', async () => {
    const server = await servers.start();
    const quiet = await RawClient.connect(server.port);
    const late = await RawClient.connect(server.port);
    servers.cleanup(() => quiet.destroy(), () => late.destroy());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.close();
    late.hello('late');
    await late.waitForClose(3000);
    expect(late.ofType(FrameType.WELCOME)).toHaveLength(0);
    expect(byeCode(late)).toBe('server-shutdown');
    await quiet.waitForClose(4000);
    await closing;
  });

  it('disconnects a participant that floods the room with chat, after relaying what the limit allows', async () => {
    const { port } = await servers.start();
    const flooder = await joined(port, 'flooder');
    const bob = await joined(port, 'bob');
    for (let i = 0; i < MESSAGE_LIMIT.burst + 40; i++) flooder.client.send(FrameType.CHAT, { text: `spam ${i}` }, { seq: i + 2 });
    await flooder.client.waitForClose();
    expect(byeCode(flooder.client)).toBe('flooding');
    const relayed = bob.client.ofType(FrameType.CHAT).length;
    expect(relayed).toBeGreaterThanOrEqual(MESSAGE_LIMIT.burst);
    expect(relayed).toBeLessThan(MESSAGE_LIMIT.burst + 5);
    await roundTrip(bob.client);
    expect(bob.client.closed).toBe(false);
  });

  it("relays a stalled link's backlog of media, but disconnects a participant flooding it (frames or bytes)", async () => {
    const { port } = await servers.start();
    const audioFrame = (client: RawClient, seq: number, bytes = 61): void =>
      client.send(FrameType.MEDIA, new Uint8Array(bytes), { kind: StreamKind.AUDIO, codec: Codec.OPUS, seq });
    // Ten seconds of audio arriving at once (a link that stalled and recovered): taken, its newest relayed (each
    // receiver's queue keeps only the last ~200 ms of it).
    const recovered = await joined(port, 'recovered');
    const bob = await joined(port, 'bob');
    for (let i = 1; i <= 500; i++) audioFrame(recovered.client, i);
    await until(() => bob.client.ofType(FrameType.MEDIA).some((f) => f.seq === 500), 'the backlog relayed', 5000);
    await roundTrip(recovered.client);
    expect(recovered.client.closed).toBe(false);
    // Small frames as fast as the link goes: ended past the frame burst, and the others stay.
    const flooder = await joined(port, 'flooder');
    for (let i = 1; i <= MEDIA_FRAME_LIMIT.burst + 200; i++) audioFrame(flooder.client, i);
    await flooder.client.waitForClose();
    expect(byeCode(flooder.client)).toBe('flooding');
    // Big frames: ended past the byte burst.
    const heavy = await joined(port, 'heavy');
    const video = new Uint8Array(200 * 1024);
    for (let i = 1; i <= MEDIA_BYTE_LIMIT.burst / video.length + 10; i++) heavy.client.send(FrameType.MEDIA, video, { kind: StreamKind.VIDEO, codec: Codec.JPEG, seq: i });
    await heavy.client.waitForClose(10_000);
    expect(byeCode(heavy.client)).toBe('flooding');
    await roundTrip(bob.client);
    expect(bob.client.closed).toBe(false);
  });

  it('disconnects a connection flooding pings, pongs or acknowledgements, joined or not, and the others stay', async () => {
    const { port } = await servers.start();
    const bob = await joined(port, 'bob', { features: ['ack'] });
    const empty = new Uint8Array(0);
    // Empty ACKs at link speed from a member who offered ACKs, PONGs from one who joined, PINGs before any HELLO.
    const acker = await joined(port, 'acker', { features: ['ack'] });
    const ponger = await joined(port, 'ponger');
    const stranger = await RawClient.connect(port);
    servers.cleanup(() => stranger.destroy());
    for (const [client, type] of [[acker.client, FrameType.ACK], [ponger.client, FrameType.PONG], [stranger, FrameType.PING]] as const) {
      for (let i = 1; i <= CONTROL_FRAME_LIMIT.burst + 200; i++) client.send(type, empty, { kind: StreamKind.CONTROL, codec: Codec.NONE, seq: i });
      await client.waitForClose();
      expect(byeCode(client)).toBe('flooding');
    }
    // A client's own pace — a ping every few seconds, acknowledgements every 25 ms — is far inside the limit.
    for (let i = 0; i < 100; i++) bob.client.send(FrameType.ACK, empty, { kind: StreamKind.CONTROL, codec: Codec.NONE, seq: 0 });
    await roundTrip(bob.client);
    expect(bob.client.closed).toBe(false);
  });

  it('disconnects a participant whose chat is within the message limit but not the byte limit (long lines of CJK)', async () => {
    const { port } = await servers.start();
    const flooder = await joined(port, 'flooder');
    const bob = await joined(port, 'bob');
    // 2,000 characters of 3 bytes: 6 KB a message, 20 of them well inside MESSAGE_LIMIT's burst, 120 KB in all.
    const text = '漢'.repeat(MAX_CHAT_LENGTH);
    for (let i = 0; i < 20; i++) flooder.client.send(FrameType.CHAT, { text }, { seq: i + 2 });
    await flooder.client.waitForClose();
    expect(byeCode(flooder.client)).toBe('flooding');
    const relayed = bob.client.ofType(FrameType.CHAT).length;
    expect(relayed * Buffer.byteLength(JSON.stringify({ text }))).toBeLessThanOrEqual(CHAT_BYTE_LIMIT.burst);
    expect(relayed).toBeGreaterThanOrEqual(9);
    await roundTrip(bob.client);
    expect(bob.client.closed).toBe(false);
  });
});
