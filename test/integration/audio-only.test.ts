import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent } from '../../src/client/call-types.js';
import { Codec, StreamKind } from '../../src/protocol/index.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

/** Audio only (docs/protocol.md §4.5): a participant asks not to receive video, mid-call or from the start. */
const scope = useServerPerTest();

const jpegLike = new Uint8Array([0xff, 0xd8, 1, 0xff, 0xd9]);

/** Alice sends a (tiny, undecodable) JPEG and a PCM frame every 20 ms; the receiving Call counts what arrives. */
async function call(options: { receiveVideo?: boolean; offerReceive?: boolean }) {
  const server = await scope.start();
  const alice = new RecordingSession({ port: server.port, name: 'alice' });
  await alice.start();
  scope.cleanup(() => alice.session.leave());
  const timer = setInterval(() => {
    alice.session.sendMedia(StreamKind.VIDEO, Codec.JPEG, jpegLike, Date.now());
    alice.session.sendMedia(StreamKind.AUDIO, Codec.PCM_S16LE, new Uint8Array(1920), Date.now());
  }, 20);
  scope.cleanup(() => clearInterval(timer));
  const events: CallEvent[] = [];
  let audioFrames = 0;
  const bob = new Call({
    session: {
      target: { host: '127.0.0.1', port: server.port }, name: 'bob', room: 'main', audioCodecs: ['pcm'],
      ...(options.offerReceive === false ? { features: { receive: false } } : {}),
    },
    ...(options.receiveVideo === false ? { receiveVideo: false } : {}),
    onRemoteAudio: () => void audioFrames++,
    // Alice's frames are not real pictures: count them on arrival instead of decoding them.
    decodeVideo: false,
    statsIntervalMs: 200,
  });
  bob.on((e) => events.push(e));
  bob.start();
  scope.cleanup(() => bob.leave());
  await until(() => events.some((e) => e.type === 'joined'), 'bob to join', 5000);
  /** Alice's frames in each stats window (200 ms) so far. */
  const aliceWindows = (): Array<{ video: number; audio: number }> =>
    events.flatMap((e) => (e.type === 'stats' ? e.stats.streams.filter((s) => s.name === 'alice').map((s) => ({ video: s.video.frames, audio: s.audio.frames })) : []));
  const videoFramesSeen = (): number => aliceWindows().reduce((sum, w) => sum + w.video, 0);
  return {
    bob, events, audioFrames: () => audioFrames, aliceWindows, videoFramesSeen,
    notices: () => events.flatMap((e) => (e.type === 'notice' ? [e.message] : [])),
  };
}

describe('audio only', () => {
  it('mid-call: video stops, audio goes on; and comes back on request', async () => {
    const c = await call({});
    await until(() => c.videoFramesSeen() > 10, 'video from alice', 3000);
    c.bob.setReceiveVideo(false);
    expect(c.bob.receivingVideo).toBe(false);
    // Frames already on the way still arrive: wait for the first stats window with her audio but no video.
    await until(() => {
      const last = c.aliceWindows().at(-1);
      return last !== undefined && last.audio > 0 && last.video === 0;
    }, 'a stats window with audio and no video', 3000);
    const seen = c.videoFramesSeen();
    const audio = c.audioFrames();
    const windows = c.aliceWindows().length;
    // Then none: over 20 more audio frames from alice (she sends video beside each) and the windows counting them.
    await until(() => c.audioFrames() > audio + 20 && c.aliceWindows().length >= windows + 3, 'more audio and its stats', 5000);
    expect(c.videoFramesSeen()).toBe(seen);
    c.bob.setReceiveVideo(true);
    await until(() => c.videoFramesSeen() > seen + 10, 'video again', 3000);
    expect(c.notices()).toEqual([]);
  });

  it('behind a server that cannot stop video: says so once, and drops it on arrival', async () => {
    const c = await call({ receiveVideo: false, offerReceive: false });
    await until(() => c.audioFrames() > 25, 'audio from alice', 3000);
    expect(c.videoFramesSeen()).toBe(0);
    expect(c.notices()).toEqual([expect.stringMatching(/too old to stop sending you video: it is dropped on arrival/)]);
  });
});
