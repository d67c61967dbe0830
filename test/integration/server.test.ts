import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Codec, FrameType, StreamKind, PROTOCOL_VERSION } from '../../src/protocol/index.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { RawClient } from '../helpers/raw-client.js';
import { RecordingSession } from '../helpers/session-client.js';

let server: RunningServer;
const open: Array<{ close(): void }> = [];

beforeEach(async () => {
  server = await startServer({ host: '127.0.0.1', port: 0 });
});

afterEach(async () => {
  for (const o of open.splice(0)) o.close();
  await server.close();
});

async function join(name: string, room = 'main'): Promise<RecordingSession> {
  const client = new RecordingSession({ port: server.port, name, room });
  await client.start();
  open.push({ close: () => void client.session.leave() });
  return client;
}

const jpegLike = (n: number): Uint8Array => new Uint8Array([0xff, 0xd8, n, 0xff, 0xd9]);

describe('broadcast server', () => {
  it('puts "Standup" and "standup" in one room, as it does "Alex" and "alex" under one name, and keeps the opener\'s spelling', async () => {
    const alice = await join('alice', 'standup');
    const bob = await join('bob', 'Standup');
    expect(bob.session.welcome!.room).toBe('standup');
    expect(bob.session.welcome!.participants.map((p) => p.name)).toEqual(['alice']);
    await alice.waitFor('participant-joined', (e) => e.participant.name === 'bob');
    const clash = new RecordingSession({ port: server.port, name: 'Alice', room: 'STANDUP' });
    await expect(clash.start()).rejects.toMatchObject({ kind: 'refused', code: 'name-taken', message: expect.stringContaining('room "standup"') });
  });

  it('relays every stream to every other participant of the room, never back to its sender', async () => {
    const [a, b, c] = [await join('alice'), await join('bob'), await join('carol')];
    const clients = { alice: a, bob: b, carol: c };
    for (const [i, client] of [a, b, c].entries()) {
      client.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpegLike(i), Date.now());
      client.session.sendMedia(StreamKind.AUDIO, Codec.PCM_S16LE, new Uint8Array(1920).fill(i + 1), Date.now());
    }
    for (const [name, client] of Object.entries(clients)) {
      const selfId = client.session.welcome!.id;
      await client.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.sender !== selfId);
      // Two other senders, each with video and audio.
      for (const other of Object.values(clients)) {
        if (other === client) continue;
        const id = other.session.welcome!.id;
        await client.waitFor('media', (e) => e.frame.sender === id && e.frame.kind === StreamKind.VIDEO);
        await client.waitFor('media', (e) => e.frame.sender === id && e.frame.kind === StreamKind.AUDIO);
      }
      expect(client.of('media').filter((e) => e.frame.sender === selfId), `${name} got its own stream`).toHaveLength(0);
    }
  });

  it('stops sending video to a client that asks for audio only, and only to it; video again when it asks', async () => {
    const [a, b, c] = [await join('alice'), await join('bob'), await join('carol')];
    expect(b.session.canStopVideo).toBe(true);
    b.session.setReceiveVideo(false);
    // The server hears bob's request before alice's next frames (one connection each, in order after a round trip).
    b.session.sendChat('audio only now');
    await a.waitFor('chat', (e) => e.entry.text === 'audio only now');
    const aliceId = a.session.welcome!.id;
    a.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpegLike(1), Date.now());
    a.session.sendMedia(StreamKind.AUDIO, Codec.PCM_S16LE, new Uint8Array(1920).fill(1), Date.now());
    await b.waitFor('media', (e) => e.frame.sender === aliceId && e.frame.kind === StreamKind.AUDIO);
    await c.waitFor('media', (e) => e.frame.sender === aliceId && e.frame.kind === StreamKind.AUDIO);
    expect(c.of('media').filter((e) => e.frame.kind === StreamKind.VIDEO)).toHaveLength(1);
    expect(b.of('media').filter((e) => e.frame.kind === StreamKind.VIDEO)).toHaveLength(0);
    b.session.setReceiveVideo(true);
    b.session.sendChat('video again');
    await a.waitFor('chat', (e) => e.entry.text === 'video again');
    a.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpegLike(2), Date.now());
    await b.waitFor('media', (e) => e.frame.sender === aliceId && e.frame.kind === StreamKind.VIDEO);
  });

  it('does not offer audio only to a client that did not ask for the feature, and closes one that sends RECEIVE anyway', async () => {
    const old = new RecordingSession({ port: server.port, name: 'old', room: 'main', features: { receive: false } });
    await old.start();
    open.push({ close: () => void old.session.leave() });
    expect(old.session.welcome!.features).not.toContain('receive');
    expect(old.session.canStopVideo).toBe(false);
    // A peer that did not offer `receive` (RawClient's HELLO offers no features) may not send RECEIVE.
    const raw = await RawClient.connect(server.port);
    open.push({ close: () => raw.destroy() });
    raw.hello('rogue');
    const welcome = await raw.waitFor((f) => f.type === FrameType.WELCOME);
    expect(raw.json(welcome).features).toEqual([]);
    raw.send(FrameType.RECEIVE, { video: false });
    const bye = await raw.waitFor((f) => f.type === FrameType.BYE);
    expect(raw.json(bye).code).toBe('unexpected-frame');
  });

  it('keeps rooms apart', async () => {
    const a = await join('alice', 'one');
    const b = await join('bob', 'two');
    const a2 = await join('anna', 'one');
    b.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpegLike(7), Date.now());
    b.session.sendChat('only for room two');
    a2.session.sendChat('for room one');
    await a.waitFor('chat', (e) => e.entry.text === 'for room one');
    expect(a.of('media')).toHaveLength(0);
    expect(a.of('chat').map((e) => e.entry.text)).toEqual(['for room one']);
    expect(a.of('participant-joined').map((e) => e.participant.name)).toEqual(['anna']);
  });

  it('announces joins and leaves and lists who is there', async () => {
    const a = await join('alice');
    const b = await join('bob');
    expect(b.session.welcome!.participants.map((p) => p.name)).toEqual(['alice']);
    await a.waitFor('participant-joined', (e) => e.participant.name === 'bob');
    await b.session.leave();
    const left = await a.waitFor('participant-left');
    expect(left).toMatchObject({ name: 'bob', reason: 'leave' });
  });

  it('gives a late joiner the chat history and relays state changes', async () => {
    const a = await join('alice');
    const b = await join('bob');
    a.session.sendChat('first');
    a.session.sendChat('second');
    await b.waitFor('chat', (e) => e.entry.text === 'second');
    b.session.setState({ muted: true, cameraOff: false });
    const state = await a.waitFor('state');
    expect(state).toMatchObject({ id: b.session.welcome!.id, muted: true, cameraOff: false });
    const late = await join('carol');
    expect(late.session.welcome!.chat.map((c) => `${c.from}: ${c.text}`)).toEqual(['alice: first', 'alice: second']);
    expect(late.session.welcome!.participants.find((p) => p.name === 'bob')).toMatchObject({ muted: true });
  });

  it('relays and remembers "no microphone" and "no camera", and forgets them when a device comes back', async () => {
    const a = await join('alice');
    const b = await join('bob');
    b.session.setState({ muted: true, cameraOff: true, noMicrophone: true, noCamera: true });
    const state = await a.waitFor('state');
    expect(state).toMatchObject({ id: b.session.welcome!.id, noMicrophone: true, noCamera: true });
    const late = await join('carol');
    expect(late.session.welcome!.participants.find((p) => p.name === 'bob')).toMatchObject({ noMicrophone: true, noCamera: true });
    b.session.setState({ muted: false, cameraOff: true, noCamera: true });
    const changed = await late.waitFor('state', (e) => !e.muted);
    expect(changed.noMicrophone).toBeUndefined();
    expect(changed.noCamera).toBe(true);
  });

  it('refuses a duplicate name in the same room, case-insensitively, but allows it in another room', async () => {
    await join('alice');
    const dup = new RecordingSession({ port: server.port, name: 'Alice' });
    await expect(dup.start()).rejects.toMatchObject({ kind: 'refused', code: 'name-taken' });
    await expect(join('alice', 'elsewhere')).resolves.toBeDefined();
    // One name however its accent was typed: precomposed "é", or "e" and a combining accent.
    await join('Jos\u00e9');
    const lookalike = new RecordingSession({ port: server.port, name: 'Jose\u0301' });
    await expect(lookalike.start()).rejects.toMatchObject({ kind: 'refused', code: 'name-taken' });
  });

  it('refuses a client of another protocol version with a reason naming both versions', async () => {
    const raw = await RawClient.connect(server.port);
    open.push({ close: () => raw.destroy() });
    raw.hello('old', 'main', { version: PROTOCOL_VERSION + 1 });
    const refuse = await raw.waitFor((f) => f.type === FrameType.REFUSE);
    const reason = raw.json(refuse);
    expect(reason.code).toBe('version-mismatch');
    expect(String(reason.message)).toContain(String(PROTOCOL_VERSION + 1));
    await raw.waitForClose();
  });

  it('disconnects a client that sends garbage while the others carry on', async () => {
    const a = await join('alice');
    const b = await join('bob');
    const raw = await RawClient.connect(server.port);
    raw.hello('mallory');
    await raw.waitFor((f) => f.type === FrameType.WELCOME);
    raw.socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    const bye = await raw.waitFor((f) => f.type === FrameType.BYE);
    expect(raw.json(bye).code).toBe('malformed-frame');
    await raw.waitForClose();
    await a.waitFor('participant-left', (e) => e.name === 'mallory');
    a.session.sendChat('still here');
    await b.waitFor('chat', (e) => e.entry.text === 'still here');
  });

  it('refuses media before the handshake and a sender id that is not its own', async () => {
    const a = await join('alice');
    const raw = await RawClient.connect(server.port);
    open.push({ close: () => raw.destroy() });
    raw.hello('mallory');
    await raw.waitFor((f) => f.type === FrameType.WELCOME);
    // Pretend to be alice: the server stamps the real sender id.
    raw.send(FrameType.MEDIA, jpegLike(1), { kind: StreamKind.VIDEO, codec: Codec.JPEG, sender: a.session.welcome!.id });
    const media = await a.waitFor('media');
    expect(media.frame.sender).not.toBe(a.session.welcome!.id);

    const early = await RawClient.connect(server.port);
    early.send(FrameType.MEDIA, jpegLike(1), { kind: StreamKind.VIDEO, codec: Codec.JPEG });
    const bye = await early.waitFor((f) => f.type === FrameType.REFUSE || f.type === FrameType.BYE);
    expect(early.json(bye).code).toBe('unexpected-frame');
  });

  it('does not let a client that stops reading slow the others, and bounds what it holds for it', async () => {
    const sender = await join('alice');
    const fast = await join('bob');
    const stuck = await RawClient.connect(server.port);
    stuck.hello('stuck');
    await stuck.waitFor((f) => f.type === FrameType.WELCOME);
    stuck.socket.pause(); // stops reading: its kernel buffers fill, then the server's queue for it
    const frame = new Uint8Array(50_000).fill(1);
    frame.set([0xff, 0xd8]);
    const count = 200; // 10 MB of video in all, far more than socket buffers hold
    for (let i = 0; i < count; i++) {
      sender.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, frame, Date.now());
      sender.session.sendMedia(StreamKind.AUDIO, Codec.PCM_S16LE, new Uint8Array(1920), Date.now());
      // Paced (a frame pair every ~2 ms, 25 MB/s) so the sender's own uplink queue keeps up.
      await new Promise((r) => setTimeout(r, 2));
    }
    sender.session.sendChat('done');
    await fast.waitFor('chat', (e) => e.entry.text === 'done', 10_000);
    // The fast reader got every audio frame (audio is never dropped for a reader who keeps up)...
    await fast.waitFor('media', () => fast.of('media').filter((e) => e.frame.kind === StreamKind.AUDIO).length === count, 10_000);
    // ...while for the stuck one at most one video frame and 10 audio frames per sender wait in the queue.
    const stats = server.peerStats().find((p) => p.name === 'stuck')?.queue;
    expect(stats).toBeDefined();
    expect(stats!.queuedBytes).toBeLessThanOrEqual(frame.length + 10 * (1920 + 24) + 64 * 1024);
    expect(stats!.droppedVideo).toBeGreaterThan(0);
    stuck.destroy();
  });
});
