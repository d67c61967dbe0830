import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { CallEvent, CallStats } from '../../src/client/call-types.js';
import { createToneSource } from '../../src/media/audio/tone.js';
import { createPatternSource } from '../../src/media/video/pattern.js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliProcess } from '../helpers/cli-process.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { useServerPerTest } from '../helpers/server-per-test.js';
import { RecordingSession } from '../helpers/session-client.js';
import { until } from '../helpers/wait.js';

/**
 * The figures a participant reports about its own sending (SPEC §1 `stats`; the stats overlay and status bar show the
 * same) against what really happens on its link: a real server on loopback, the uplink through FaultProxy.
 */
const scope = useServerPerTest();

function participant(port: number, withVideo = true, name = 'alice') {
  const events: CallEvent[] = [];
  const call = new Call({
    session: { target: { host: '127.0.0.1', port }, name, room: 'main', audioCodecs: ['opus', 'pcm'] },
    ...(withVideo ? { video: createPatternSource({ width: 160, height: 120, fps: 15 }, { name }) } : {}),
    audio: createToneSource(440),
    transmit: 'continuous',
    statsIntervalMs: 250,
  });
  call.on((e) => events.push(e));
  call.start();
  scope.cleanup(() => call.leave());
  const statsSince = (from: number): CallStats[] =>
    events.slice(from).flatMap((e) => (e.type === 'stats' ? [e.stats] : []));
  return { events, statsSince, lastStats: () => statsSince(0).at(-1) };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('own sending stats', () => {
  it('count what arrived, not what was queued: a stalled uplink shows no kbit/s, the video its queue dropped, and an RTT that grows', async () => {
    const server = await scope.start({ pingIntervalMs: 1000 });
    const proxy = await FaultProxy.start(server.port);
    scope.cleanup(() => proxy.close());
    const bob = new RecordingSession({ port: server.port, name: 'bob' });
    await bob.start();
    scope.cleanup(() => bob.session.leave());
    const alice = participant(proxy.port);
    // Sending steadily: two of the last three samples over 100 kbit/s (the stats in the last eight events, taken as
    // soon as one sample was, held the ramp-up's first samples on a loaded machine: median 5.1).
    const lastThree = (): number => median(alice.statsSince(0).slice(-3).map((s) => s.uplinkKbps));
    await until(() => alice.lastStats()?.rttMs !== null && alice.statsSince(0).length >= 3 && lastThree() > 100, 'alice sending, with an RTT', 15_000);
    const flowing = lastThree();
    expect(flowing).toBeGreaterThan(100);

    // The path stops taking data (a frozen NAT, a stalled Wi-Fi): what is written sits in buffers, nothing arrives.
    proxy.setMode('stall');
    await sleep(1500);
    const before = alice.lastStats()!;
    const from = alice.events.length;
    await sleep(2500);
    const during = alice.statsSince(from);
    proxy.setMode('normal');
    expect(during.length).toBeGreaterThan(5);
    expect(median(during.map((s) => s.uplinkKbps))).toBeLessThan(flowing / 10);
    // The camera kept going; frames that could not leave are counted as skipped (before, they were counted as sent).
    expect(during.at(-1)!.videoFramesSkipped - before.videoFramesSkipped).toBeGreaterThan(10);
    // A ping has gone unanswered for seconds: the RTT says so rather than repeating the last answer's.
    expect(Math.max(...during.map((s) => s.rttMs ?? 0))).toBeGreaterThan(1000);

    // The path is back: an RTT of loopback again, and data flowing.
    await until(() => {
      const s = alice.lastStats();
      return s && s.rttMs !== null && s.rttMs < 500 && s.uplinkKbps > 50;
    }, 'the link to recover in the stats', 10_000);
  });

  it('while reconnecting, say nothing is sent and forget the dead link\'s congestion; sending again once back', async () => {
    const server = await scope.start();
    // An uplink of 8 kB/s, a quarter of what the call sends: its congestion shows.
    const proxy = await FaultProxy.start(server.port, { toServer: { rateBytesPerSec: 8000 } });
    scope.cleanup(() => proxy.close());
    const alice = participant(proxy.port);
    await until(() => (alice.lastStats()?.videoSend.uplinkCongestion ?? 0) > 0, 'the slow uplink to show as congested', 10_000);
    // Then the path is reset, and the new connection's HELLO waits in a stalled path: reconnecting, for now.
    proxy.setMode('stall');
    proxy.reset();
    await until(() => alice.events.some((e) => e.type === 'status' && e.status === 'reconnecting'), 'alice to reconnect');
    const from = alice.events.length;
    await until(() => alice.statsSince(from).length >= 2, 'two stats while reconnecting', 5000);
    for (const s of alice.statsSince(from)) {
      expect(s.videoSend).toMatchObject({ sending: false, uplinkCongestion: 0, remoteCongestion: 0 });
      expect(s.audioSend.sending).toBe(false);
    }
    proxy.shapes.toServer = {};
    proxy.setMode('normal');
    await until(() => alice.lastStats()?.videoSend.sending === true && alice.lastStats()?.audioSend.sending === true, 'sending again once back', 10_000);
  });

  it('read the round trip of a steady path longer than the ping interval, not the time since the first ping', async () => {
    const server = await scope.start({ pingIntervalMs: 1000 });
    const proxy = await FaultProxy.start(server.port);
    scope.cleanup(() => proxy.close());
    const alice = participant(proxy.port, false);
    await until(() => alice.lastStats()?.rttMs !== null && alice.lastStats()?.rttMs !== undefined, 'an RTT', 10_000);
    // 650 ms each way (a satellite hop): every answer is to a ping older than the last one sent.
    proxy.shapes = { toServer: { delayMs: 650 }, toClient: { delayMs: 650 } };
    const from = alice.events.length;
    await sleep(7000);
    const rtts = alice.statsSince(from).map((s) => s.rttMs ?? 0);
    // It counted up from the first unanswered ping for ever: +1 s a second, 6,000+ ms by now.
    expect(Math.max(...rtts.slice(-8))).toBeLessThan(2500);
    expect(Math.max(...rtts.slice(-8))).toBeGreaterThan(1200);
  });

  it('say no video goes out for a participant without a camera', async () => {
    const server = await scope.start();
    const alice = participant(server.port, false);
    const stats = await until(() => alice.lastStats(), 'stats', 5000);
    expect(stats.videoSend).toMatchObject({ sending: false, source: null });
    const withCamera = participant(server.port, true, 'carol');
    await until(() => withCamera.lastStats()?.videoSend.sending, 'video going out', 5000);
    expect(withCamera.lastStats()!.videoSend.source).toMatch(/^pattern 160×120/);
  });

  it('measure capture→decode latency on the server\'s clock: participants whose clocks are seconds apart still read milliseconds', async () => {
    const server = await scope.start({ pingIntervalMs: 1000 });
    const skewed = (ms: number) => ({
      NODE_OPTIONS: `--require ${fileURLToPath(new URL('../helpers/skewed-clock.cjs', import.meta.url))}`,
      LC_TEST_CLOCK_SKEW_MS: String(ms),
    });
    const participant = (name: string, skewMs: number, media: string[]): CliProcess => {
      const proc = new CliProcess(['connect', `127.0.0.1:${server.port}`, '--headless', '--name', name, ...media, '--duration', '9'], skewed(skewMs));
      scope.cleanup(() => proc.kill());
      return proc;
    };
    // Alice's clock is 3 s fast, bob's 2 s slow: stamped by their own clocks, bob read −5,000 ms.
    const rec = mkdtempSync(join(tmpdir(), 'lc-skew-rec-'));
    scope.cleanup(() => rmSync(rec, { recursive: true, force: true }));
    const bob = participant('bob', -2000, ['--video', 'none', '--audio', 'none', '--record', rec]);
    await bob.waitForEvent((e) => e.type === 'joined');
    const alice = participant('alice', 3000, ['--video', 'pattern', '--audio', 'tone', '--transmit', 'continuous']);
    await bob.waitForEvent((e) => e.type === 'participant-joined');
    alice.write('hi from alice\n');
    await bob.waitForEvent((e) => e.type === 'chat');
    bob.write('hi from bob\n');
    expect(await bob.exited).toBe(0);
    await alice.exited;
    type Stats = { streams: Array<{ name: string; video: { latencyP50Ms: number | null }; audio: { latencyP50Ms: number | null } }> };
    const fromAlice = (bob.events().filter((e) => e.type === 'stats') as unknown as Stats[]).flatMap((s) => s.streams.filter((x) => x.name === 'alice'));
    // The first windows may still be on each one's own clock (a second of pings to learn the server's); the last ones
    // are on the server's.
    const last = fromAlice.slice(-2);
    expect(last).toHaveLength(2);
    for (const window of last) {
      for (const latency of [window.video.latencyP50Ms, window.audio.latencyP50Ms]) {
        expect(latency).not.toBeNull();
        // A stamp left on (or corrected the wrong way for) either one's clock is off by a skew or more: 2,000 ms at
        // the least. Milliseconds read under that with room to spare; the real delay is counted too, and on a busy
        // machine it is long (716 ms, with three test files at once on two cores), so the bound is not 500.
        expect(latency!).toBeGreaterThanOrEqual(0);
        expect(latency!).toBeLessThan(1500);
      }
    }
    // Bob's recording is on one clock, the server's: his own chat line (stamped by him), alice's (by the server), when
    // her files began and her frames' capture and receive times, all within a second of each other.
    const lines = (file: string): Array<Record<string, number>> =>
      readFileSync(join(rec, file), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const [fromAlice0, fromBob] = lines('chat.jsonl');
    expect(Math.abs(fromBob!.ts! - fromAlice0!.ts!)).toBeLessThan(1000);
    const frames = lines('alice.frames.jsonl');
    const began = lines('participants.jsonl').find((l) => String(l.file) === 'alice.mjpeg')!.firstTs!;
    expect(Math.abs(began - frames[0]!.receiveTs!)).toBeLessThan(1000);
    expect(Math.abs(frames[0]!.receiveTs! - frames[0]!.captureTs!)).toBeLessThan(1000);
    expect(Math.abs(fromAlice0!.ts! - frames[0]!.receiveTs!)).toBeLessThan(3000);
  });
});
