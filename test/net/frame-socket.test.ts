import net from 'node:net';
import { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameSocket } from '../../src/net/frame-socket.js';
import { Codec, FrameType, StreamKind, type DecodedFrame } from '../../src/protocol/index.js';

/** Two FrameSockets joined by a real loopback TCP connection; `chunks` are the raw reads of side B's socket. */
async function socketPair(): Promise<{ a: FrameSocket; b: FrameSocket; received: { a: DecodedFrame[]; b: DecodedFrame[] }; chunksAtB: Buffer[] }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', resolve));
  const serverSide = await accepted;
  server.close();
  cleanups.push(() => {
    client.destroy();
    serverSide.destroy();
  });
  const received = { a: [] as DecodedFrame[], b: [] as DecodedFrame[] };
  const chunksAtB: Buffer[] = [];
  serverSide.on('data', (chunk: Buffer) => chunksAtB.push(chunk));
  const handlers = (into: DecodedFrame[]) => ({
    onFrame: (f: DecodedFrame) => into.push(f),
    onProtocolError: () => {},
    onSlowConsumer: () => {},
    onClose: () => {},
  });
  const a = new FrameSocket(client, handlers(received.a));
  const b = new FrameSocket(serverSide, handlers(received.b));
  a.enableAcks();
  b.enableAcks();
  return { a, b, received, chunksAtB };
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const audio = (seq: number) => ({
  type: FrameType.MEDIA, kind: StreamKind.AUDIO, codec: Codec.OPUS, flags: 0, sender: 0, seq, ts: Date.now(), payload: new Uint8Array(60),
});

/** A read that holds nothing but one ACK frame: a packet (and a wake-up) spent on an acknowledgement alone. */
const isLoneAck = (chunk: Buffer): boolean => chunk.length >= 5 && chunk[4] === FrameType.ACK && chunk.readUInt32BE(0) + 4 === chunk.length;

describe('FrameSocket acknowledgements', () => {
  it('acknowledges both ways, and rides ACKs along with media it sends anyway instead of separate packets', async () => {
    const { a, b, received, chunksAtB } = await socketPair();
    // Both sides talk every 10 ms for 1.5 s, as two participants' audio would.
    for (let seq = 0; seq < 150; seq++) {
      a.send(audio(seq));
      b.send(audio(seq));
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 100));
    const acksAtB = received.b.filter((f) => f.type === FrameType.ACK).length;
    expect(received.b.filter((f) => f.type === FrameType.MEDIA)).toHaveLength(150);
    // A acknowledged what B sent (about every 25–50 ms), and B saw it: nothing but perhaps B's own last lone ACK
    // (acknowledgements are not acknowledged) is left in flight.
    expect(acksAtB).toBeGreaterThan(15);
    expect(b.flowStats().inFlight).toBeLessThan(60);
    // Almost every ACK arrived together with A's audio, not in a packet of its own.
    expect(chunksAtB.filter(isLoneAck).length).toBeLessThan(acksAtB / 4);
  });

  it('as a listener (data all the time, its own video every 67 ms), sends its ACKs with its video, not alone', async () => {
    const { a, b, received, chunksAtB } = await socketPair();
    const video = (seq: number) => ({ ...audio(seq), kind: StreamKind.VIDEO, codec: Codec.JPEG, payload: new Uint8Array(2_000) });
    // B relays a talker's audio every 20 ms; A, who listens, sends only its camera's frames.
    const start = Date.now();
    let audioSeq = 0;
    let videoSeq = 0;
    while (Date.now() - start < 1_500) {
      b.send(audio(audioSeq++));
      if ((Date.now() - start) / 67 >= videoSeq) a.send(video(videoSeq++));
      await new Promise((r) => setTimeout(r, 20));
    }
    const acksAtB = received.b.filter((f) => f.type === FrameType.ACK).length;
    // B's window kept turning over (an ACK at least every 200 ms), with honest round trips…
    expect(acksAtB).toBeGreaterThanOrEqual(7);
    expect(b.flowStats().inFlight).toBeLessThan(16 * 1024);
    expect(b.flowStats().rttMs).toBeLessThan(120);
    // …and hardly a packet was spent on an acknowledgement alone (with a fixed 50 ms delay about one per video frame).
    expect(chunksAtB.filter(isLoneAck).length).toBeLessThanOrEqual(3);
  });

  it('still acknowledges on the timer when it has nothing else to send', async () => {
    const { a, b, received, chunksAtB } = await socketPair();
    for (let seq = 0; seq < 8; seq++) b.send(audio(seq));
    await new Promise((r) => setTimeout(r, 200));
    expect(received.a.filter((f) => f.type === FrameType.MEDIA)).toHaveLength(8);
    expect(received.b.some((f) => f.type === FrameType.ACK)).toBe(true);
    expect(chunksAtB.some(isLoneAck)).toBe(true);
    expect(b.flowStats().inFlight).toBe(0);
    void a;
  });
});

/** A socket stand-in that records each write (writev counts once, as one packet would), for when writes happen. */
function recordingSocket(): { socket: Duplex & { writableLength: number }; writes: number[] } {
  const writes: number[] = [];
  const socket = new Duplex({
    read() {},
    writev(chunks, callback) {
      writes.push(chunks.length);
      callback();
    },
  });
  return { socket, writes };
}

const handlersThatIgnore = { onFrame: () => {}, onProtocolError: () => {}, onSlowConsumer: () => {}, onClose: () => {} };

describe('FrameSocket writes', () => {
  // Only the clock is faked (nextTick and setImmediate stay real): a loaded machine cannot turn "busy" into "quiet".
  beforeEach(() => {
    // The faked clock starts at 0; move it past every real request earlier tests made.
    const realNow = performance.now();
    vi.useFakeTimers({ toFake: ['performance'] });
    vi.advanceTimersByTime(realNow);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('on a quiet loop, writes as soon as the sending code returns, without waiting for the next loop turn', async () => {
    const { socket, writes } = recordingSocket();
    const fs = new FrameSocket(socket, handlersThatIgnore);
    vi.advanceTimersByTime(5);
    fs.send(audio(1));
    fs.send(audio(2));
    expect(writes).toEqual([]);
    await new Promise((r) => process.nextTick(r));
    expect(writes).toEqual([2]);
  });

  it('under load, waits for the end of the loop turn so frames from several reads leave in one write', async () => {
    const { socket, writes } = recordingSocket();
    const fs = new FrameSocket(socket, handlersThatIgnore);
    vi.advanceTimersByTime(5);
    fs.send(audio(1));
    await new Promise((r) => process.nextTick(r));
    // Another frame right after the last one: the loop is busy, so more may come from other reads of this turn.
    fs.send(audio(2));
    await new Promise((r) => process.nextTick(r));
    fs.send(audio(3));
    expect(writes).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toEqual([1, 2]);
  });
});

describe('FrameSocket closing', () => {
  it('does not also report a slow consumer while its goodbye waits on a peer that reads nothing', async () => {
    // A frozen client dropped for idling: the server's log said `left … idle-timeout`, then `slow-consumer` for it too.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const frozen = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => frozen.once('connect', resolve));
    frozen.pause();
    const serverSide = await accepted;
    server.close();
    cleanups.push(() => {
      frozen.destroy();
      serverSide.destroy();
    });
    const slow: string[] = [];
    let resolveClosed!: () => void;
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const fs = new FrameSocket(
      serverSide,
      { ...handlersThatIgnore, onSlowConsumer: (detail) => slow.push(detail), onClose: () => resolveClosed() },
      { stallTimeoutMs: 300 },
    );
    // Control until the kernel's buffers are full and some waits in the queue (well under its 1 MiB cap).
    const control = new Uint8Array(16 * 1024);
    for (let seq = 0; fs.bufferedAmount < 256 * 1024 && seq < 2_000; seq++) {
      fs.send({ type: FrameType.STATE, kind: StreamKind.CONTROL, codec: Codec.JSON, flags: 0, sender: 0, seq, ts: Date.now(), payload: control });
      await new Promise((r) => setImmediate(r));
    }
    expect(fs.bufferedAmount).toBeGreaterThanOrEqual(256 * 1024);
    fs.close({ code: 'idle-timeout', message: 'nothing heard for 15 s' });
    await closed;
    expect(slow).toEqual([]);
  });
});
