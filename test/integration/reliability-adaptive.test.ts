import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent, CallStats } from '../../src/client/call-types.js';
import { createToneSource } from '../../src/media/audio/tone.js';
import { createPatternSource } from '../../src/media/video/pattern.js';
import { StreamKind } from '../../src/protocol/index.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

/**
 * Adaptive sending (docs/protocol.md §5.2): congestion — reported by the server for a receiver, or seen on the
 * sender's own uplink — moves the sender down the video ladder (frame rate, quality, size, then video paused to
 * protect audio) and back up when the path clears. Ladder timings are shortened for the test.
 */
const scope = useServerPerTest();

function sender(port: number) {
  const events: CallEvent[] = [];
  const call = new Call({
    session: { target: { host: '127.0.0.1', port }, name: 'alice', room: 'main', audioCodecs: ['opus', 'pcm'] },
    video: createPatternSource({ width: 160, height: 120, fps: 15 }, { name: 'alice' }),
    audio: createToneSource(440),
    statsIntervalMs: 250,
    adaptation: { downIntervalMs: 300, upHoldMs: 800, upIntervalMs: 300 },
  });
  call.on((e) => events.push(e));
  call.start();
  scope.cleanup(() => call.leave());
  const lastStats = (): CallStats | undefined => events.filter((e): e is Extract<CallEvent, { type: 'stats' }> => e.type === 'stats').at(-1)?.stats;
  const notices = () => events.filter((e): e is Extract<CallEvent, { type: 'notice' }> => e.type === 'notice').map((e) => e.message);
  return { call, events, lastStats, notices };
}

describe('adaptive sending', () => {
  it('steps down to "video paused to protect audio" when the server reports a congested receiver, and back up when it clears', async () => {
    const server = await scope.start();
    // Room for Opus audio (~4.5 KB/s with headers) and very little else.
    const proxy = await FaultProxy.start(server.port, { toClient: { rateBytesPerSec: 7_000 } });
    scope.cleanup(() => proxy.close());
    const receiver = new RecordingSession({ port: proxy.port, name: 'bob', audioCodecs: ['opus', 'pcm'] });
    await receiver.start();
    scope.cleanup(() => receiver.session.leave());
    const alice = sender(server.port);

    await until(() => alice.notices().some((m) => m.startsWith('video paused to protect audio')), 'video to be paused', 10_000);
    await until(() => alice.lastStats()?.videoSend.paused, 'the stats to show video paused', 2000);
    // The server told alice about bob: the ladder reacted to a receiver, not to her own (fast) uplink.
    await until(() => alice.lastStats()?.videoSend.remoteCongestion, 'a remote congestion report in the stats', 2000);
    expect(alice.lastStats()!.videoSend.uplinkCongestion).toBe(0);
    const pausedAt = receiver.of('media').filter((e) => e.frame.kind === StreamKind.VIDEO).length;

    // While paused, audio keeps flowing to bob.
    const audioBefore = receiver.of('media').filter((e) => e.frame.kind === StreamKind.AUDIO).length;
    await until(() => receiver.of('media').filter((e) => e.frame.kind === StreamKind.AUDIO).length > audioBefore + 25, 'audio to keep arriving', 3000);

    proxy.shapes.toClient = {};
    await until(() => alice.notices().some((m) => m.startsWith('video resumed')), 'video to resume', 10_000);
    await until(() => alice.lastStats()?.videoSend.step === 0, 'the top rung again', 10_000);
    await until(() => receiver.of('media').filter((e) => e.frame.kind === StreamKind.VIDEO).length > pausedAt + 10, 'video to flow again', 5000);
  }, 30_000);

  it('one receiver too slow even for a paused room gets no video instead, and the others get video again', async () => {
    const server = await scope.start();
    // bob's link takes little more than the audio; carol's is fast.
    const proxy = await FaultProxy.start(server.port, { toClient: { rateBytesPerSec: 7_000 } });
    scope.cleanup(() => proxy.close());
    const bob = new RecordingSession({ port: proxy.port, name: 'bob', audioCodecs: ['opus', 'pcm'] });
    await bob.start();
    scope.cleanup(() => bob.session.leave());
    const carol = new RecordingSession({ port: server.port, name: 'carol', audioCodecs: ['opus', 'pcm'] });
    await carol.start();
    scope.cleanup(() => carol.session.leave());
    const alice = sender(server.port);
    await until(() => alice.notices().some((m) => m.startsWith('video paused to protect audio')), 'video to be paused for bob', 10_000);
    // bob stays slow; after most of 20 s congested the server stops sending him video and reports his path clear.
    await until(() => bob.of('congestion').some((e) => e.receiverId === bob.session.welcome!.id && e.level > 0), 'bob told his video is withheld', 25_000);
    await until(() => alice.notices().some((m) => m.startsWith('video resumed')), 'alice to send video again', 10_000);
    const carolVideo = (): number => carol.of('media').filter((e) => e.frame.kind === StreamKind.VIDEO).length;
    const before = carolVideo();
    await until(() => carolVideo() > before + 15, 'carol to get video again', 10_000);
    // bob still hears alice.
    const bobAudio = (): number => bob.of('media').filter((e) => e.frame.kind === StreamKind.AUDIO).length;
    const heard = bobAudio();
    await until(() => bobAudio() > heard + 25, 'bob to keep getting audio', 5000);
  }, 60_000);

  it('a slow receiver that asked for audio only makes nobody step down: no video takes its path', async () => {
    const server = await scope.start();
    // Too slow even for the audio: bob's path congests at level 2, yet no video goes to him.
    const proxy = await FaultProxy.start(server.port, { toClient: { rateBytesPerSec: 2_000 } });
    scope.cleanup(() => proxy.close());
    const bob = new RecordingSession({ port: proxy.port, name: 'bob', audioCodecs: ['opus', 'pcm'] });
    await bob.start();
    scope.cleanup(() => bob.session.leave());
    bob.session.setReceiveVideo(false);
    const alice = sender(server.port);
    await new Promise((resolve) => setTimeout(resolve, 8000));
    const steps = alice.events.flatMap((e) => (e.type === 'stats' ? [e.stats.videoSend] : []));
    expect(steps.length).toBeGreaterThan(20);
    expect(steps.every((v) => v.step === 0 && v.remoteCongestion === 0)).toBe(true);
    expect(bob.of('congestion')).toEqual([]);
  }, 20_000);

  it('steps down on an uplink a little slower than the call, where the queue builds in the network, not in its own', async () => {
    const server = await scope.start();
    // 29 kB/s against ~30 kB/s of video and audio: nothing is dropped here, the backlog sits between us and the
    // server, and the ACK round trips show it (audio at the others was 220–250 ms late for good).
    const proxy = await FaultProxy.start(server.port, { toServer: { rateBytesPerSec: 29_000 } });
    scope.cleanup(() => proxy.close());
    const bob = new RecordingSession({ port: server.port, name: 'bob', audioCodecs: ['opus', 'pcm'] });
    await bob.start();
    scope.cleanup(() => bob.session.leave());
    const alice = sender(proxy.port);
    // Only stats after the first 6 s count: a step down in the start-up burst alone would not show the steady backlog.
    await new Promise((resolve) => setTimeout(resolve, 6000));
    const from = alice.events.length;
    const later = () => alice.events.slice(from).flatMap((e) => (e.type === 'stats' ? [e.stats.videoSend] : []));
    await until(
      () => later().some((v) => v.uplinkCongestion > 0) && later().some((v) => v.step > 0),
      'the uplink seen congested and video stepped down',
      15_000,
    );
  }, 40_000);

  it('steps down when its own uplink is congested, and back up when it clears', async () => {
    const server = await scope.start();
    const proxy = await FaultProxy.start(server.port, { toServer: { rateBytesPerSec: 8_000 } });
    scope.cleanup(() => proxy.close());
    const alice = sender(proxy.port);
    await until(() => (alice.lastStats()?.videoSend.step ?? 0) >= 2, 'alice to step down at least two rungs', 10_000);
    expect(alice.lastStats()!.videoSend.uplinkCongestion).toBeGreaterThan(0);
    proxy.shapes.toServer = {};
    await until(() => alice.lastStats()?.videoSend.step === 0, 'the top rung again', 10_000);
  }, 30_000);
});
