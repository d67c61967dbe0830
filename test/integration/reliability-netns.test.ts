/**
 * A slow receiver on a real (emulated) network link: the receiver runs in a network namespace of its own, joined to
 * this one by a veth pair whose egress towards it is shaped by the kernel's `tbf` to 256 kbit/s (PEERS.md: namespaces,
 * veth and tbf work here; netem does not). The receiver is the real CLI (`connect --headless --record`). Needs root
 * (CI runs as root); the addresses are the test's own, inside the namespace it creates and removes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAudioEncoder } from '../../src/media/audio/codec.js';
import { ToneGenerator } from '../../src/media/audio/tone.js';
import { createJpegEncoder } from '../../src/media/video/jpeg.js';
import { Codec, StreamKind } from '../../src/protocol/index.js';
import { startServer, type RunningServer } from '../../src/server/server.js';
import { BIN, CliProcess } from '../helpers/cli-process.js';
import { RecordingSession } from '../helpers/session-client.js';
import { pace, until } from '../helpers/wait.js';

const isRoot = process.getuid?.() === 0;
const tag = `${process.pid % 100000}`;
const NS = `lcslow${tag}`;
const HOST_IF = `lch${tag}`;
const NS_IF = `lcn${tag}`;
const HOST_ADDR = '10.231.7.1';
const NS_ADDR = '10.231.7.2';
let dir: string;
let server: RunningServer | undefined;

function sh(...args: string[]): void {
  execFileSync(args[0]!, args.slice(1), { stdio: 'ignore' });
}

beforeAll(async () => {
  if (!isRoot) return;
  dir = await mkdtemp(join(tmpdir(), 'lc-netns-'));
  sh('ip', 'netns', 'add', NS);
  sh('ip', 'link', 'add', HOST_IF, 'type', 'veth', 'peer', 'name', NS_IF);
  sh('ip', 'link', 'set', NS_IF, 'netns', NS);
  sh('ip', 'addr', 'add', `${HOST_ADDR}/30`, 'dev', HOST_IF);
  sh('ip', 'link', 'set', HOST_IF, 'up');
  sh('ip', 'netns', 'exec', NS, 'ip', 'addr', 'add', `${NS_ADDR}/30`, 'dev', NS_IF);
  sh('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', NS_IF, 'up');
  sh('ip', 'netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
  // 256 kbit/s towards the receiver: room for audio (~30 kbit/s here), not for the 960 kbit/s of video sent.
  sh('tc', 'qdisc', 'add', 'dev', HOST_IF, 'root', 'tbf', 'rate', '256kbit', 'burst', '8kb', 'latency', '300ms');
}, 30_000);

afterAll(async () => {
  await server?.close();
  if (!isRoot) return;
  try {
    sh('ip', 'link', 'del', HOST_IF);
  } catch {
    // deleted with the namespace
  }
  try {
    sh('ip', 'netns', 'del', NS);
  } catch {
    // already gone
  }
  await rm(dir, { recursive: true, force: true });
});

describe('a receiver behind a 256 kbit/s link (namespace + veth + tbf)', () => {
  it.runIf(isRoot)('gets every audio frame and fewer, newest video frames, while a fast receiver gets everything', async () => {
    server = await startServer({ host: HOST_ADDR, port: 0 });
    const port = server.port;
    const sender = new RecordingSession({ port, name: 'alice', target: { host: HOST_ADDR, port } });
    await sender.start();
    const fast = new RecordingSession({ port, name: 'bob', target: { host: HOST_ADDR, port } });
    await fast.start();
    const slow = new CliProcess(
      ['connect', `${HOST_ADDR}:${port}`, '--headless', '--name', 'carol', '--video', 'none', '--audio', 'none', '--record', join(dir, 'rec'), '--duration', '8'],
      { LIVECOMM_CONFIG_DIR: join(dir, 'config') },
      ['ip', 'netns', 'exec', NS, process.execPath, BIN],
    );
    await slow.waitForEvent((e) => e.type === 'joined', 15_000);
    await sender.waitFor('participant-joined', (e) => e.participant.name === 'carol');

    // Real media, since the receiver decodes it: a noisy picture (a large JPEG, ~8–15 KB) and an Opus tone frame.
    const noise = new Uint8Array(160 * 120 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 2654435761) >>> 24));
    const video = createJpegEncoder(80).encode({ width: 160, height: 120, data: noise });
    const encoder = createAudioEncoder('opus');
    const audio = encoder.encode(new ToneGenerator(440).next());
    encoder.close();
    // A late timer (a busy machine) is caught up a video frame and five audio frames a tick, as a camera and a sound
    // card deliver: alice's own queue keeps only the newest picture and 200 ms of audio of a burst.
    const [sentVideo, sentAudio] = await Promise.all([
      pace(1000 / 15, 4000, () => sender.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, video, Date.now()), 1),
      pace(20, 4000, () => sender.session.sendMedia(StreamKind.AUDIO, Codec.OPUS, audio, Date.now()), 5),
    ]);
    expect(await slow.exited).toBe(0);

    // The fast receiver (no shaping) got everything that left alice: on a busy machine her queue may replace a picture
    // the server was slow to acknowledge, and the queue towards bob one that came in with a newer one, but never one
    // that waited there (behind) for the slow receiver. The last may still be on its way when carol is done.
    const fastVideo = (): number => fast.of('media').filter((e) => e.frame.kind === StreamKind.VIDEO).length;
    const towardsBob = () => server!.peerStats().find((p) => p.name === 'bob')!.queue;
    const reachedBob = (): number => sentVideo - sender.session.videoFramesDropped - towardsBob().droppedVideo;
    await until(() => fastVideo() >= reachedBob(), 'bob to get the video frames that left for him', 5000);
    expect(fastVideo()).toBe(reachedBob());
    expect(towardsBob().droppedVideoBehind).toBe(0);
    expect(sender.session.videoFramesDropped).toBeLessThan(sentVideo * 0.2);

    // The slow one: its stats over the call count every audio frame and none lost, and far fewer video frames.
    const stats = slow.events().filter((e) => e.type === 'stats') as unknown as Array<{
      streams: Array<{ name: string; video: { frames: number }; audio: { frames: number; framesDropped: number } }>;
    }>;
    const fromAlice = stats.flatMap((s) => s.streams.filter((x) => x.name === 'alice'));
    const audioFrames = fromAlice.reduce((n, s) => n + s.audio.frames, 0);
    const audioLost = fromAlice.reduce((n, s) => n + s.audio.framesDropped, 0);
    const videoFrames = fromAlice.reduce((n, s) => n + s.video.frames, 0);
    expect(audioLost).toBe(0);
    expect(audioFrames).toBeGreaterThan(sentAudio * 0.9);
    expect(videoFrames).toBeGreaterThan(0);
    expect(videoFrames).toBeLessThan(sentVideo * 0.6);
    // Newest wins: the frames that got through climb in sequence and end at (or next to) the last one sent.
    const seqs = readFileSync(join(dir, 'rec', 'alice.frames.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.at(-1)!).toBeGreaterThan(sentVideo - 5);
    await sender.session.leave();
    await fast.session.leave();
  }, 60_000);
});
