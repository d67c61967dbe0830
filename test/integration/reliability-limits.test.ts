import { describe, expect, it } from 'vitest';
import {
  Codec, FrameType, HEADER_AFTER_LENGTH, HEADER_BYTES, MAX_CHAT_LENGTH, PROTOCOL_NAME, PROTOCOL_VERSION, StreamKind,
  authProof, deriveAuthKey, encodeFrame, type StreamKindValue,
} from '../../src/protocol/index.js';
import type { RunningServer, ServerOptions } from '../../src/server/server.js';
import type { RawClient } from '../helpers/raw-client.js';
import { rawFrom, silentSocket } from '../helpers/raw-from.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

/**
 * Limits (SPEC §2–§3, docs/protocol.md §4–§6): each violation ends that connection with a coded reason and leaves one
 * log line with the code, and nobody else is affected. Each violator comes from an address of its own: many from one
 * address are logged as a few lines and a count (§5.3, test/integration/server-logs.test.ts).
 */
type LogLine = { level: string; event: string; fields: Record<string, unknown> };
let server: RunningServer | undefined;
let logs: LogLine[] = [];
const scope = useServerPerTest();

async function start(options: ServerOptions = {}): Promise<RunningServer> {
  logs = [];
  server = await scope.start({ ...options, logger: { log: (level, event, fields = {}) => logs.push({ level, event, fields }) } });
  return server;
}

let nextAddress = 0;
/** An address no other connection of this file uses. */
const ownAddress = (): string => `127.0.7.${++nextAddress}`;

async function raw(from = ownAddress()): Promise<RawClient> {
  const client = await rawFrom(server!.port, from);
  scope.cleanup(() => client.destroy());
  return client;
}

async function honestPair(): Promise<[RecordingSession, RecordingSession]> {
  const a = new RecordingSession({ port: server!.port, name: 'alice' });
  const b = new RecordingSession({ port: server!.port, name: 'bob' });
  await a.start();
  await b.start();
  scope.cleanup(() => a.session.leave(), () => b.session.leave());
  return [a, b];
}

/** The call between the honest pair still works: chat and audio cross. */
async function stillTalking(a: RecordingSession, b: RecordingSession, tag: string): Promise<void> {
  a.session.sendChat(tag);
  a.session.sendMedia(StreamKind.AUDIO, Codec.PCM_S16LE, new Uint8Array(1920), Date.now());
  await b.waitFor('chat', (e) => e.entry.text === tag);
  await b.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO);
}

/** The coded reason the server gave this client (REFUSE or BYE). */
async function reasonOf(client: RawClient, timeoutMs = 5000): Promise<string> {
  const frame = await client.waitFor((f) => f.type === FrameType.REFUSE || f.type === FrameType.BYE, timeoutMs);
  return String(client.json(frame).code);
}

/** The header of a MEDIA frame announcing `payloadBytes` (the rest of the header zero). */
function mediaHeader(kind: StreamKindValue, codec: number, payloadBytes: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32BE(HEADER_AFTER_LENGTH + payloadBytes, 0);
  header[4] = FrameType.MEDIA;
  header[5] = kind;
  header[6] = codec;
  return header;
}

const logged = (event: string, code?: string) => logs.filter((l) => l.event === event && (code === undefined || l.fields.code === code));

describe('limits with coded reasons and a log line each', () => {
  it('frame size per stream kind, name and chat length, participants', async () => {
    await start({ maxParticipants: 3 });
    const [a, b] = await honestPair();

    const bigVideo = await raw();
    bigVideo.hello('v');
    await bigVideo.waitFor((f) => f.type === FrameType.WELCOME);
    // A header that announces 256 KiB + 1 of video: refused from the header alone, nothing buffered.
    bigVideo.socket.write(mediaHeader(StreamKind.VIDEO, Codec.JPEG, 256 * 1024 + 1));
    expect(await reasonOf(bigVideo)).toBe('malformed-frame');

    const bigAudio = await raw();
    bigAudio.hello('au');
    await bigAudio.waitFor((f) => f.type === FrameType.WELCOME);
    await until(() => server!.peerStats().filter((p) => p.joined).length === 3, 'the audio sender to be in');
    const full = await raw();
    full.hello('fourth');
    expect(await reasonOf(full)).toBe('room-full');
    // A whole audio frame 1 byte over the audio limit.
    bigAudio.socket.write(Buffer.concat([mediaHeader(StreamKind.AUDIO, Codec.OPUS, 8 * 1024 + 1), Buffer.alloc(8 * 1024 + 1)]));
    expect(await reasonOf(bigAudio)).toBe('malformed-frame');

    const longName = await raw();
    longName.hello('n'.repeat(33));
    expect(await reasonOf(longName)).toBe('bad-name');
    // Far too long is the same refusal (a client retried what it took for a broken frame).
    const longerName = await raw();
    longerName.hello('n'.repeat(200));
    expect(await reasonOf(longerName)).toBe('bad-name');

    const chatty = await raw();
    chatty.hello('chatty');
    await chatty.waitFor((f) => f.type === FrameType.WELCOME);
    chatty.send(FrameType.CHAT, { text: 'x'.repeat(MAX_CHAT_LENGTH + 1) });
    expect(await reasonOf(chatty)).toBe('malformed-frame');

    expect(logged('protocol-error').length).toBe(3);
    expect(logged('refused', 'room-full')).toHaveLength(1);
    expect(logged('refused', 'bad-name')).toHaveLength(2);
    for (const l of logged('protocol-error')) expect(l.fields.code).toMatch(/^LC_ERR_/);
    await stillTalking(a, b, 'after the size limits');
  });

  it('handshake and password time limits', async () => {
    await start({ handshakeTimeoutMs: 800, authTimeoutMs: 400, password: 'sesame' });
    const started = Date.now();
    // Silent sockets, a half header, and a HELLO that never answers the CHALLENGE.
    const silent = await Promise.all(Array.from({ length: 10 }, () => silentSocket(server!.port, ownAddress())));
    const closed = silent.map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));
    for (const s of silent) s.on('error', () => {}).resume(); // reads (and drops) what comes, so it sees the close
    scope.cleanup(() => silent.forEach((s) => s.destroy()));
    const half = await raw();
    half.socket.write(encodeFrame({ type: FrameType.HELLO, kind: 0, codec: Codec.JSON, flags: 0, sender: 0, seq: 1, ts: 0, payload: new Uint8Array(40) }).subarray(0, 30));
    const mute = await raw();
    mute.hello('mute');
    await mute.waitFor((f) => f.type === FrameType.CHALLENGE);

    expect(await reasonOf(mute)).toBe('auth-timeout');
    expect(await reasonOf(half)).toBe('handshake-timeout');
    await until(() => Promise.race([Promise.all(closed).then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 50))]), 'the silent sockets to be closed', 3000);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(logged('closed', 'auth-timeout')).toHaveLength(1);
    expect(logged('closed', 'handshake-timeout')).toHaveLength(11);
    expect(server!.connectionCount).toBe(0);
  });

  it('caps connections per address and the rate of new ones, telling the client why, without touching other addresses', async () => {
    await start({ maxConnectionsPerAddress: 6, connectionRatePerAddress: 1, connectionBurstPerAddress: 8 });
    const [a, b] = await honestPair();
    // 127.0.0.9 holds six connections open: the seventh is refused at once.
    const held = await Promise.all(Array.from({ length: 6 }, () => raw('127.0.0.9')));
    const seventh = await raw('127.0.0.9');
    expect(await reasonOf(seventh)).toBe('too-many-connections');
    for (const h of held) h.destroy();
    await until(() => server!.openSockets === 2, 'the held connections to close');
    // It has used 6 of its burst of 8; of ten more quick connections, two (three if a token refilled meanwhile, at
    // 1 per second) get in and the rest are told to slow down.
    const burst = await Promise.all(Array.from({ length: 10 }, () => raw('127.0.0.9')));
    const outcomes = await Promise.all(burst.map(async (c) => {
      c.hello(`g${Math.random().toString(36).slice(2, 8)}`);
      const frame = await c.waitFor((f) => f.type === FrameType.WELCOME || f.type === FrameType.REFUSE);
      return frame.type === FrameType.WELCOME ? 'welcome' : String(c.json(frame).code);
    }));
    const welcomed = outcomes.filter((o) => o === 'welcome').length;
    expect(welcomed).toBeGreaterThanOrEqual(2);
    expect(welcomed).toBeLessThanOrEqual(3);
    expect(outcomes.filter((o) => o === 'connecting-too-fast')).toHaveLength(10 - welcomed);
    // One log line per address per window, not one per connection: a flood cannot flood the log.
    expect(logged('connection-refused').length).toBeLessThanOrEqual(2);
    expect(logged('connection-refused')[0]!.fields).toMatchObject({ address: '127.0.0.9', code: 'too-many-connections' });
    // A different address is not affected, and the call between alice and bob never noticed.
    const other = await raw('127.0.0.10');
    other.hello('newcomer');
    await other.waitFor((f) => f.type === FrameType.WELCOME);
    await stillTalking(a, b, 'after the connection limits');
  });

  it('rate-limits password guessing per address, even when the guesses arrive in parallel', async () => {
    await start({ password: 'sesame' });
    const attacker = '127.0.0.11';
    // 30 connections send HELLO first and only then guess: each guess is checked against the limiter again.
    const conns = await Promise.all(Array.from({ length: 30 }, () => raw(attacker)));
    conns.forEach((c, i) => c.hello(`guess${i}`));
    const challenges = (await Promise.all(conns.map((c) => c.waitFor((f) => f.type === FrameType.CHALLENGE))))
      .map((frame, i) => conns[i]!.json(frame) as { salt: string; nonce: string });
    // The salt is the server's, the same in every challenge, so one wrong key serves every guess: 30 synchronous
    // scrypt runs (~3 s) on the loop the in-process server shares would starve it past its 5 s auth timeout.
    const wrongKey = deriveAuthKey('wrong', Buffer.from(challenges[0]!.salt, 'base64'));
    conns.forEach((c, i) => {
      const { nonce } = challenges[i]!;
      c.send(FrameType.AUTH, { proof: authProof(wrongKey, Buffer.from(nonce, 'base64'), 'main', `guess${i}`).toString('base64') });
    });
    const codes = await Promise.all(conns.map((c) => reasonOf(c)));
    // Five guesses are checked: four told auth-failed, the fifth (which locks the address out) rate-limited, as are
    // the 25 after it, unchecked.
    expect(codes.filter((c) => c === 'auth-failed')).toHaveLength(4);
    expect(codes.filter((c) => c === 'rate-limited')).toHaveLength(26);
    expect(logged('auth-failed')).toHaveLength(5);

    // Now even the right password from that address is refused until the window passes...
    const right = await raw(attacker);
    right.hello('rightful');
    expect(await reasonOf(right)).toBe('rate-limited');
    // ...while someone else, elsewhere, logs in.
    const honest = new RecordingSession({ port: server!.port, name: 'alice', password: 'sesame' });
    await expect(honest.start()).resolves.toMatchObject({ name: 'alice' });
    scope.cleanup(() => honest.session.leave());
  });

  it('refuses oversized and nonsense length headers at once, before buffering', async () => {
    await start();
    const [a, b] = await honestPair();
    for (const length of [0xffffffff, 0x7fffffff, 20 + 256 * 1024 + 1, 3]) {
      const c = await raw();
      const header = Buffer.alloc(4);
      header.writeUInt32BE(length >>> 0);
      c.socket.write(header);
      expect(await reasonOf(c)).toBe('malformed-frame');
      await c.waitForClose();
    }
    expect(logged('protocol-error')).toHaveLength(4);
    await stillTalking(a, b, 'after the bad headers');
    expect(PROTOCOL_NAME).toBe('livecomm');
    expect(PROTOCOL_VERSION).toBe(1);
  });
});
