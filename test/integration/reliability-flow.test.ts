import { describe, expect, it } from 'vitest';
import { Codec, FrameType, StreamKind, encodeFrame } from '../../src/protocol/index.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { RawClient } from '../helpers/raw-client.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { pace, percentileOf, until } from '../helpers/wait.js';

/**
 * Flow control under fault injection (SPEC §3, docs/protocol.md §5): slow links, a reader that stops, delay, jitter
 * and stalls, on loopback through test/helpers/fault-proxy.ts.
 */
const scope = useServerPerTest();

async function join(port: number, name: string, extra: Partial<ConstructorParameters<typeof RecordingSession>[0]> = {}): Promise<RecordingSession> {
  const client = new RecordingSession({ port, name, ...extra });
  await client.start();
  scope.cleanup(() => client.session.leave());
  return client;
}

const VIDEO = (() => {
  const frame = new Uint8Array(8_000).fill(7);
  frame.set([0xff, 0xd8]);
  frame.set([0xff, 0xd9], frame.length - 2);
  return frame;
})();
const OPUS_LIKE = new Uint8Array(100).fill(3);

const PCM = new Uint8Array(1920).fill(5);

/**
 * Sends 15 fps video and 50 fps audio (20 ms frames: Opus-sized, or PCM for LAN-like rates) for `ms`; returns how
 * many of each went out. A late timer (a busy machine) is caught up one video frame and five audio frames a tick, as
 * a camera and a sound card deliver: in one burst alice's own queue would keep only the newest picture and 200 ms of
 * audio, and the frames it dropped never reach anyone.
 */
async function sendCall(sender: RecordingSession, ms: number, audioCodec: 'opus' | 'pcm' = 'opus'): Promise<{ video: number; audio: number }> {
  const [codec, payload] = audioCodec === 'opus' ? [Codec.OPUS, OPUS_LIKE] : [Codec.PCM_S16LE, PCM];
  const [video, audio] = await Promise.all([
    pace(1000 / 15, ms, () => sender.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, VIDEO, Date.now()), 1),
    pace(20, ms, () => sender.session.sendMedia(StreamKind.AUDIO, codec, payload, Date.now()), 5),
  ]);
  return { video, audio };
}

function mediaOf(client: RecordingSession, kind: number, sender: number) {
  return client.of('media').filter((e) => e.frame.kind === kind && e.frame.sender === sender);
}

describe('flow control, proven with a fault-injecting proxy', () => {
  it('gives a receiver on a slow link fewer, newest video frames with every audio frame, and nobody else notices', async () => {
    const server = await scope.start();
    // 40 KB/s (320 kbit/s) towards the slow receiver: audio needs ~6 KB/s, the video stream ~120 KB/s.
    const proxy = await FaultProxy.start(server.port, { toClient: { rateBytesPerSec: 40_000 } });
    scope.cleanup(() => proxy.close());
    const sender = await join(server.port, 'alice');
    const fast = await join(server.port, 'bob');
    const slow = await join(proxy.port, 'carol');
    const aliceId = sender.session.welcome!.id;

    const sent = await sendCall(sender, 4000);
    sender.session.sendChat('done');
    await fast.waitFor('chat', (e) => e.entry.text === 'done', 5000);
    await slow.waitFor('chat', (e) => e.entry.text === 'done', 10_000);
    // Audio frames queued before the chat may still be on the wire: wait for the last one (seq = count).
    await slow.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.seq === sent.audio, 5000);
    // Late video is not queued: the newest frame (or one of the last few) still gets through, after the older ones
    // were replaced. It may trail the audio, which goes first.
    await slow.waitFor('media', (e) => e.frame.kind === StreamKind.VIDEO && e.frame.seq > sent.video - 5, 5000);

    // The fast reader got everything that left alice. On a busy machine her own queue may still replace a picture the
    // server was slow to acknowledge (one to three of 60 with three test files on two cores, before sendCall caught
    // up a frame a tick): those never reached the server. The queue towards bob may likewise replace a frame by one
    // that came in with it, but never one that waited (behind): the slow receiver held nothing up for him. Alice's
    // link is loopback: a server that stopped reading her while carol's queue was full would make her drop most.
    const bob = server.peerStats().find((p) => p.name === 'bob')!.queue;
    expect(bob.droppedVideoBehind).toBe(0);
    expect(bob.droppedAudio).toBe(0);
    expect(sender.session.videoFramesDropped).toBeLessThan(sent.video * 0.2);
    expect(mediaOf(fast, StreamKind.VIDEO, aliceId)).toHaveLength(sent.video - sender.session.videoFramesDropped - bob.droppedVideo);
    expect(mediaOf(fast, StreamKind.AUDIO, aliceId)).toHaveLength(sent.audio);

    // The slow one: every audio frame, in order, none missing (audio is never dropped for a receiver that can carry it).
    const audio = mediaOf(slow, StreamKind.AUDIO, aliceId);
    expect(audio.map((e) => e.frame.seq)).toEqual(Array.from({ length: sent.audio }, (_, i) => i + 1));
    // ...and in good time: ACK flow control keeps stale video out of the kernel's buffers, so audio waits behind
    // at most a window, not seconds of video.
    const audioLatency = audio.map((e) => e.receivedAt - e.frame.ts);
    expect(percentileOf(audioLatency, 0.95)).toBeLessThan(800);

    // Video: thinned to what the link carries, newest first (sequence numbers only go up, with gaps).
    const video = mediaOf(slow, StreamKind.VIDEO, aliceId);
    const seqs = video.map((e) => e.frame.seq);
    expect(video.length).toBeGreaterThan(3);
    expect(video.length).toBeLessThan(sent.video * 0.6);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const stats = server.peerStats().find((p) => p.name === 'carol')!;
    expect(stats.queue.droppedVideo).toBeGreaterThan(0);
    expect(stats.queue.droppedAudio).toBe(0);
    expect(stats.flow.acks).toBe(true);
  });

  it('disconnects a receiver that stops reading after the stall timeout, frees its queue, and the call goes on', async () => {
    const logs: Array<{ event: string; fields: Record<string, unknown> }> = [];
    const server = await scope.start({
      stallTimeoutMs: 1500,
      logger: { log: (_level, event, fields = {}) => logs.push({ event, fields }) },
    });
    const sender = await join(server.port, 'alice');
    const fast = await join(server.port, 'bob');
    const stuck = await RawClient.connect(server.port);
    scope.cleanup(() => stuck.destroy());
    stuck.hello('stuck', 'main', { caps: { video: ['jpeg'], audio: ['pcm'], feedback: ['ack'] } });
    await stuck.waitFor((f) => f.type === FrameType.WELCOME);
    stuck.socket.pause(); // never reads again, never acknowledges
    const stuckId = server.peerStats().find((p) => p.name === 'stuck')!.id;

    const pumping = sendCall(sender, 3500, 'pcm');
    const startedAt = Date.now();
    const left = await fast.waitFor('participant-left', (e) => e.name === 'stuck', 6000);
    const tookMs = Date.now() - startedAt;
    expect(left.reason).toBe('slow-consumer');
    // Bounded: its ACK window (32 KiB, and half a window more of audio) fills within a fraction of a second, then
    // the stall timeout runs (configured down from the 10 s default).
    expect(tookMs).toBeLessThan(3500);
    expect(logs.some((l) => l.event === 'slow-consumer' && l.fields.peer === stuckId)).toBe(true);
    // Its memory is released: the connection and its queue are gone from the server.
    await until(() => !server.peerStats().some((p) => p.id === stuckId), 'the stuck peer to be forgotten', 2000);
    stuck.socket.resume(); // to see the close behind the bytes it never read
    await stuck.waitForClose(2000);

    const sent = await pumping;
    sender.session.sendChat('still here');
    await fast.waitFor('chat', (e) => e.entry.text === 'still here');
    await fast.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.seq === sent.audio, 3000);
    expect(mediaOf(fast, StreamKind.AUDIO, sender.session.welcome!.id)).toHaveLength(sent.audio);
    expect(mediaOf(fast, StreamKind.VIDEO, sender.session.welcome!.id)).toHaveLength(sent.video);
  });

  it('keeps audio complete and in order through delay and jitter, with bounded latency', async () => {
    const server = await scope.start();
    const shape = { delayMs: 40, jitterMs: 60 };
    const proxy = await FaultProxy.start(server.port, { toClient: shape, toServer: shape });
    scope.cleanup(() => proxy.close());
    const sender = await join(proxy.port, 'alice');
    const receiver = await join(proxy.port, 'bob');
    const sent = await sendCall(sender, 2500);
    const aliceId = sender.session.welcome!.id;
    await receiver.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.seq === sent.audio, 5000);
    const audio = mediaOf(receiver, StreamKind.AUDIO, aliceId);
    expect(audio.map((e) => e.frame.seq)).toEqual(Array.from({ length: sent.audio }, (_, i) => i + 1));
    // Two proxied hops of 40–100 ms each, plus scheduling: never seconds.
    const latency = audio.map((e) => e.receivedAt - e.frame.ts);
    expect(percentileOf(latency, 0.95)).toBeLessThan(500);
    expect(mediaOf(receiver, StreamKind.VIDEO, aliceId).length).toBeGreaterThan(sent.video * 0.5);
  });

  it('survives a 1.5 s stall of a receiver: every audio frame is delivered or counted as a gap, and the call resumes', async () => {
    const server = await scope.start();
    const proxy = await FaultProxy.start(server.port);
    scope.cleanup(() => proxy.close());
    const sender = await join(server.port, 'alice');
    const receiver = await join(proxy.port, 'bob');
    const aliceId = sender.session.welcome!.id;
    // PCM (LAN) audio: ~97 KB/s, so the ACK window fills within a fraction of the stall.
    const pumping = sendCall(sender, 3500, 'pcm');
    await receiver.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.seq >= 25);
    proxy.setMode('stall');
    const stalledAt = Date.now();
    await until(() => Date.now() - stalledAt >= 1500 && server.peerStats().find((p) => p.name === 'bob')!.queue.droppedAudio > 0,
      'the server to drop old audio for the stalled receiver', 4000);
    proxy.setMode('normal');
    const sent = await pumping;
    await receiver.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.seq === sent.audio, 5000);

    const seqs = mediaOf(receiver, StreamKind.AUDIO, aliceId).map((e) => e.frame.seq);
    // In order, no duplicates; what is missing is exactly what the receiver can count as loss (sequence gaps) and
    // conceal, and at most what one stall of the queue's 200 ms audio bound loses.
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    const gaps = seqs.slice(1).reduce((n, s, i) => n + (s - seqs[i]! - 1), 0);
    expect(seqs.length + gaps).toBe(sent.audio);
    expect(gaps).toBe(server.peerStats().find((p) => p.name === 'bob')!.queue.droppedAudio);
    expect(gaps).toBeLessThan(100);
    // Nothing deadlocked: chat still flows both ways.
    receiver.session.sendChat('back');
    await sender.waitFor('chat', (e) => e.entry.text === 'back');
  });

  it('never reports a receiver that stops reading altogether as congested: frozen is not slow, the others keep their video', async () => {
    const server = await scope.start();
    const proxy = await FaultProxy.start(server.port);
    scope.cleanup(() => proxy.close());
    const sender = await join(server.port, 'alice');
    const receiver = await join(proxy.port, 'bob');
    const bobId = receiver.session.welcome!.id;
    const pumping = sendCall(sender, 6000);
    await receiver.waitFor('media', (e) => e.frame.kind === StreamKind.AUDIO && e.frame.seq >= 25);
    proxy.setMode('stall');
    // The window fills and video for bob is thinned to nothing, for seconds (audio goes into the window's extra half
    // until that is full too): bob takes nothing, so this is no slow path.
    await until(() => server.peerStats().find((p) => p.name === 'bob')!.queue.droppedVideo > 20, 'video for bob to be dropped', 4000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(server.peerStats().find((p) => p.name === 'bob')!.queue.queuedBytes).toBeGreaterThan(0);
    expect(sender.of('congestion').filter((e) => e.receiverId === bobId)).toEqual([]);
    proxy.setMode('normal');
    await pumping;
  });

  it("does not count one sender's burst (its own link stalled, then delivered everything at once) as anyone's congestion", async () => {
    const server = await scope.start();
    const watcher = await join(server.port, 'alice');
    const receiver = await join(server.port, 'bob');
    const bobId = receiver.session.welcome!.id;
    const burster = await RawClient.connect(server.port);
    scope.cleanup(() => burster.destroy());
    burster.hello('mallory');
    await burster.waitFor((f) => f.type === FrameType.WELCOME);
    // Twelve audio frames and three video frames in one write, every 450 ms: more than the 10 audio frames (200 ms) a
    // receiver's queue keeps per sender, so the oldest of each burst are dropped, though bob takes everything at once.
    const media = (kind: typeof StreamKind.AUDIO | typeof StreamKind.VIDEO, seq: number): Uint8Array => encodeFrame({
      type: FrameType.MEDIA, kind, codec: kind === StreamKind.AUDIO ? Codec.PCM_S16LE : Codec.JPEG, flags: 0, sender: 0, seq,
      ts: Date.now(), payload: kind === StreamKind.AUDIO ? PCM : VIDEO,
    });
    let seq = 0;
    for (let burst = 0; burst < 8; burst++) {
      const frames: Uint8Array[] = [];
      for (let i = 0; i < 12; i++) frames.push(media(StreamKind.AUDIO, ++seq));
      for (let i = 0; i < 3; i++) frames.push(media(StreamKind.VIDEO, seq + i));
      burster.socket.write(Buffer.concat(frames));
      await new Promise((resolve) => setTimeout(resolve, 450));
    }
    expect(server.peerStats().find((p) => p.name === 'bob')!.queue.droppedAudio).toBeGreaterThan(0);
    expect(watcher.of('congestion').filter((e) => e.receiverId === bobId)).toEqual([]);
  });
});
