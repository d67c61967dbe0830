// Headless participants and servers as real processes: media and recordings, signals, piped chat, and what the others
// are told. Exit codes and error sentences are in cli-exits.test.ts.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VIDEO_LADDER } from '../../src/client/video-ladder.js';
import { decodeJpeg } from '../../src/media/video/jpeg.js';
import { MAX_CHAT_LENGTH } from '../../src/protocol/index.js';
import { BIN, CliProcess, useCliWorkspace } from '../helpers/cli-process.js';
import { readWav, zeroCrossingHz } from '../helpers/wav.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-cli-');

const start = workspace.start;

const { serve, joinHeadless } = workspace;

function splitJpegs(bytes: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  let start = bytes.indexOf(Buffer.from([0xff, 0xd8]));
  while (start >= 0) {
    const end = bytes.indexOf(Buffer.from([0xff, 0xd9]), start + 2);
    if (end < 0) break;
    frames.push(bytes.subarray(start, end + 2));
    start = bytes.indexOf(Buffer.from([0xff, 0xd8]), end + 2);
  }
  return frames;
}

/** A headless participant without camera or microphone, connecting to the server on `port` (not waited for). */
function quiet(port: number, name: string): CliProcess {
  return start(['connect', `127.0.0.1:${port}`, '--name', name, '--headless', '--video', 'none', '--audio', 'none']);
}

describe('serve + two headless participants (real processes)', () => {
  it('records each other\'s video, audio and chat, and reports events and stats', async () => {
    const { proc: server, port } = await serve();
    const recA = join(workspace.dir, 'rec-a');
    const recB = join(workspace.dir, 'rec-b');
    const common = ['--headless', '--video', 'pattern', '--record'];
    // alice stays well past bob's 4 s, however slowly bob starts on a busy machine: she must see him leave.
    const alice = start(['connect', `127.0.0.1:${port}`, '--name', 'alice', '--audio', 'tone:440', ...common, recA, '--duration', '9']);
    await alice.waitForEvent((e) => e.type === 'joined');
    const bob = start(['connect', `127.0.0.1:${port}`, '--name', 'bob', '--audio', 'tone:660', ...common, recB, '--duration', '4']);
    await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
    await bob.waitForEvent((e) => e.type === 'stats');
    alice.write('hello from alice\n');
    const chat = await bob.waitForEvent((e) => e.type === 'chat');
    expect(chat).toMatchObject({ from: 'alice', text: 'hello from alice' });

    expect(await bob.exited).toBe(0);
    expect(await alice.exited).toBe(0);
    expect(alice.events().at(-1)).toMatchObject({ type: 'left', reason: 'leave' });
    expect(alice.events().some((e) => e.type === 'participant-left' && e.name === 'bob')).toBe(true);

    // Stats: bob saw alice's video (15 fps) with latency figures and an RTT. With other suites' processes on both
    // cores her sending steps down the video ladder, to its slowest rate short of pausing (5 fps; twice one best 2 s
    // window counted exactly that): any rate the ladder sends video at is still video seen, none is not.
    type Stats = { streams: Array<{ name: string; video: { fps: number; latencyP50Ms: number }; audio: { fps: number } }>; rttMs: number };
    const windows = bob.events().filter((e) => e.type === 'stats') as unknown as Stats[];
    const stats = windows.at(-1)!;
    const fromAlice = stats.streams.find((s) => s.name === 'alice')!;
    const slowestSending = Math.min(...VIDEO_LADDER.filter((step) => !step.paused).map((step) => step.fps));
    expect(Math.max(...windows.map((w) => w.streams.find((s) => s.name === 'alice')?.video.fps ?? 0))).toBeGreaterThanOrEqual(slowestSending);
    expect(fromAlice.audio.fps).toBeGreaterThan(40);
    expect(fromAlice.video.latencyP50Ms).toBeGreaterThanOrEqual(0);
    expect(stats.rttMs).toBeGreaterThanOrEqual(0);

    // Video: complete JPEGs, one per logged frame, decodable.
    const mjpeg = readFileSync(join(recB, 'alice.mjpeg'));
    const jpegs = splitJpegs(mjpeg);
    const log = readFileSync(join(recB, 'alice.frames.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; captureTs: number; receiveTs: number });
    expect(jpegs.length).toBeGreaterThan(30);
    expect(log.length).toBe(jpegs.length);
    expect(log[1]!.seq).toBeGreaterThan(log[0]!.seq);
    expect(log[0]!.receiveTs).toBeGreaterThanOrEqual(log[0]!.captureTs);
    const image = decodeJpeg(jpegs.at(-1)!);
    expect([image.width, image.height]).toEqual([160, 120]);

    // Audio: a valid WAV at 48 kHz mono carrying alice's 440 Hz tone, as long as bob heard her (about 4 s).
    const wav = readWav(join(recB, 'alice.wav'));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1, riffSizeOk: true });
    const seconds = wav.samples.length / 48_000;
    expect(seconds).toBeGreaterThan(3);
    expect(seconds).toBeLessThan(4.6);
    expect(zeroCrossingHz(wav.samples, 48_000)).toBeGreaterThan(420);
    expect(zeroCrossingHz(wav.samples, 48_000)).toBeLessThan(460);
    // And alice's recording of bob carries 660 Hz.
    expect(zeroCrossingHz(readWav(join(recA, 'bob.wav')).samples, 48_000)).toBeGreaterThan(630);

    const chatLog = readFileSync(join(recB, 'chat.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { from: string; text: string });
    expect(chatLog).toEqual([expect.objectContaining({ from: 'alice', text: 'hello from alice' })]);
    // The sender's record has the line too: a chat log is the whole conversation.
    const ownLog = readFileSync(join(recA, 'chat.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { from: string; text: string });
    expect(ownLog).toEqual([expect.objectContaining({ from: 'alice', text: 'hello from alice' })]);

    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('sends a camera-like video file within its --video-bitrate: 240 kbit/s by default, 120 when asked', async () => {
    const { proc: server, port } = await serve();
    const bob = await joinHeadless(port, 'bob');
    // The fixture clip is a detailed photo in motion: at a fixed quality 60 it took 335 kbit/s.
    const clip = ['--headless', '--video', 'file:fixtures/clip-chelsea-3s.mp4', '--audio', 'none', '--duration', '12'];
    const alice = start(['connect', `127.0.0.1:${port}`, '--name', 'alice', ...clip]);
    const carol = start(['connect', `127.0.0.1:${port}`, '--name', 'carol', '--video-bitrate', '120', ...clip]);
    expect(await alice.exited).toBe(0);
    expect(await carol.exited).toBe(0);
    type Stats = { streams: Array<{ name: string; video: { kbps: number; fps: number } }> };
    const windows = (name: string) =>
      (bob.events().filter((e) => e.type === 'stats') as unknown as Stats[]).flatMap((s) => s.streams.filter((x) => x.name === name && x.video.fps > 0).map((x) => x.video));
    // The 2 s windows with video after the first two (the rate control starts at quality 60 and needs a few frames to
    // settle; on a busy machine the clip may start late, leaving the first window nearly empty and the settling in the
    // next) and before the last (cut short by the leave). Not "windows at full frame rate": at 120 kbit/s the picture
    // is sent at fewer frames a second, the more so on a loaded machine, and those windows are what is measured.
    const settled = (name: string): number[] => windows(name).slice(2, -1).map((w) => w.kbps);
    const aliceKbps = settled('alice');
    const carolKbps = settled('carol');
    const shown = (name: string) => windows(name).map((w) => `${w.kbps}@${w.fps}`).join(', ');
    console.log(`video kbit/s @ fps in bob's 2 s windows: alice ${shown('alice')}; carol ${shown('carol')}`);
    expect(aliceKbps.length).toBeGreaterThanOrEqual(2);
    expect(carolKbps.length).toBeGreaterThanOrEqual(2);
    // On average within the budget; a single window may carry part of the half second the rate control keeps in hand.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(aliceKbps)).toBeLessThan(240 * 1.05);
    expect(mean(carolKbps)).toBeLessThan(120 * 1.05);
    for (const kbps of [...aliceKbps.map((k) => k / 240), ...carolKbps.map((k) => k / 120)]) expect(kbps).toBeLessThan(1.25);
    // The budget is used, not undershot: each window's frames, at the 15 fps the clip is sent at, come to more than
    // 150 kbit/s. Per frame, not per window: a sender starved of CPU (three test files at once) encodes fewer
    // frames a second, and its windows then fall to ~100 kbit/s with frames of the same size.
    const perFrameKbps = windows('alice').slice(2, -1).map((w) => (w.kbps / w.fps) * 15);
    expect(Math.min(...perFrameKbps)).toBeGreaterThan(150);
    // The clip's fur does not fit 240 kbit/s at a clean quality: it goes at three quarters of its size instead.
    const ownStats = alice.events().filter((e) => e.type === 'stats').at(-1) as unknown as { videoSend: { quality: number; bitrateKbps: number; scale: number } };
    expect(ownStats.videoSend).toMatchObject({ bitrateKbps: 240, scale: 0.75 });
    expect(ownStats.videoSend.quality).toBeGreaterThanOrEqual(50);
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('--receive-video off: audio only, the server sends no video (nothing recorded, nothing counted), the others get theirs', async () => {
    const { proc: server, port } = await serve();
    const rec = join(workspace.dir, 'rec-audio-only');
    const bob = start(['connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'pattern', '--audio', 'none', '--receive-video', 'off', '--record', rec, '--duration', '8']);
    await bob.waitForEvent((e) => e.type === 'joined');
    // Bob and carol stay 3.5 s longer than alice: on a busy machine her process can take seconds to join, and
    // carol's stats windows must still hold her video (5.5 s once counted only 9 of her frames).
    const carol = start(['connect', `127.0.0.1:${port}`, '--name', 'carol', '--headless', '--video', 'none', '--audio', 'none', '--duration', '7.5']);
    await carol.waitForEvent((e) => e.type === 'joined');
    const alice = start(['connect', `127.0.0.1:${port}`, '--name', 'alice', '--headless', '--video', 'pattern', '--audio', 'tone:440', '--transmit', 'continuous', '--duration', '4']);
    expect(await alice.exited).toBe(0);
    expect(await carol.exited).toBe(0);
    expect(await bob.exited).toBe(0);
    type Stats = { streams: Array<{ name: string; video: { frames: number }; audio: { frames: number } }> };
    const from = (proc: CliProcess, name: string, kind: 'video' | 'audio'): number =>
      (proc.events().filter((e) => e.type === 'stats') as unknown as Stats[]).reduce((n, s) => n + (s.streams.find((x) => x.name === name)?.[kind].frames ?? 0), 0);
    // 4 s of alice (200 frames), of which bob's 2 s stats windows count what fell in the windows he reported: on a
    // busy machine as little as 60. The recording below holds her ~4 s.
    console.log(`audio only: bob counted ${from(bob, 'alice', 'audio')} audio frames of alice's, carol ${from(carol, 'alice', 'video')} video frames`);
    expect(from(bob, 'alice', 'audio')).toBeGreaterThan(25);
    expect(from(bob, 'alice', 'video')).toBe(0);
    expect(from(carol, 'alice', 'video')).toBeGreaterThan(20);
    // Bob still sends his own video: carol sees it.
    expect(from(carol, 'bob', 'video')).toBeGreaterThan(20);
    // Nothing about it went wrong (no notice that the server is too old); the recording is said at the start.
    expect(bob.events().filter((e) => e.type === 'notice')).toEqual([{ type: 'notice', message: `recording the others into ${rec}`, ts: expect.any(Number) }]);
    expect(readFileSync(join(rec, 'alice.wav')).length).toBeGreaterThan(44 + 3 * 96_000);
    expect(() => readFileSync(join(rec, 'alice.mjpeg'))).toThrow();
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it("ends the WAV of someone who left when they left: not padded to the end of the recording", async () => {
    const { proc: server, port } = await serve();
    const rec = join(workspace.dir, 'rec-gap');
    // Bob records; alice sends a tone but joins late, leaves early: bob's file starts when alice was first heard.
    // Bob stays on until 2 s after alice has gone, then leaves (Ctrl-C): a --duration counts from his own start, and
    // on a busy machine the others' starts once took so long that he left 0.4 s after her, too soon to tell a padded
    // file from hers.
    const bob = start(['connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none', '--record', rec]);
    await bob.waitForEvent((e) => e.type === 'joined');
    // No camera and no microphone: others see bob with the camera off and muted.
    const watcher = start(['connect', `127.0.0.1:${port}`, '--name', 'watcher', '--headless', '--video', 'none', '--audio', 'none', '--duration', '1']);
    const seen = await watcher.waitForEvent((e) => e.type === 'joined');
    expect((seen as unknown as { participants: Array<{ name: string; muted: boolean; cameraOff: boolean }> }).participants.find((p) => p.name === 'bob')).toMatchObject({ muted: true, cameraOff: true });
    expect(await watcher.exited).toBe(0);
    const alice = start(['connect', `127.0.0.1:${port}`, '--name', 'alice', '--headless', '--video', 'none', '--audio', 'tone', '--duration', '1.5']);
    expect(await alice.exited).toBe(0);
    const leftAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    bob.signal('SIGINT');
    expect(await bob.exited).toBe(0);
    const bobEndedAt = Date.now();
    expect(bobEndedAt - leftAt).toBeGreaterThan(1500);
    const wav = readWav(join(rec, 'alice.wav'));
    expect(wav).toMatchObject({ riffSizeOk: true });
    const seconds = wav.samples.length / 48_000;
    // From first heard until she left: about 1.5 s of tone (the tail of a 1.5 s call may be cut by its leaving), and
    // none of the seconds bob stayed on after her.
    expect(seconds).toBeGreaterThan(1);
    expect(seconds).toBeLessThan(1.5 + 0.8);
    expect(zeroCrossingHz(wav.samples.subarray(0, 24_000), 48_000)).toBeGreaterThan(420);
    server.signal('SIGTERM');
    await server.exited;
  });
});

describe('signals, piped chat and what the others are told (real processes)', () => {
  it('tells clients when the server shuts down: on SIGTERM, and when its terminal closes (SIGHUP)', async () => {
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const { proc: server, port } = await serve();
      const alice = await joinHeadless(port, 'alice');
      server.signal(signal);
      expect(await server.exited).toBe(0);
      const status = await alice.waitForEvent((e) => e.type === 'status');
      expect(status).toMatchObject({ status: 'reconnecting' });
      expect(String(status.detail)).toMatch(/shutting down/);
      alice.signal('SIGINT');
      expect(await alice.exited).toBe(0);
    }
  });

  it("logs its status on SIGUSR1 and SIGUSR2, and neither opens Node's debugger nor ends the server", async () => {
    const { proc: server, port } = await serve();
    await joinHeadless(port, 'alice');
    for (const signal of ['SIGUSR1', 'SIGUSR2'] as const) {
      const before = server.stderr.length;
      server.signal(signal);
      await until(() => /INFO {2}status participants=1 connections=1 rssMiB=\d+ uptimeS=\d+\n/.test(server.stderr.slice(before)), `a status line after ${signal}`);
    }
    expect(server.stderr).not.toMatch(/Debugger listening/);
    server.signal('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('a participant ignores SIGUSR1 and SIGUSR2: no debugger, no exit', async () => {
    const { port } = await serve();
    const alice = await joinHeadless(port, 'alice');
    alice.signal('SIGUSR1');
    alice.signal('SIGUSR2');
    const bob = await joinHeadless(port, 'bob');
    // alice is still in the call when bob arrives, and goes as asked.
    await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
    expect(alice.stderr).not.toMatch(/Debugger listening/);
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
    bob.signal('SIGINT');
  });

  // A machine without IPv6 reports this test skipped, not passed.
  const hasIPv6Loopback = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
  it.skipIf(!hasIPv6Loopback)('on the default bind lists its IPv6 addresses too, and takes a participant over IPv6', async () => {
    const server = start(['serve', '--port', '0']);
    const port = Number((await server.waitForOutput(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    await server.waitForOutput(new RegExp(`listening on \\[::1\\]:${port}`));
    const joinLine = await server.waitForOutput(/join with: livecomm-tui connect (\S+)/);
    const hasOutsideIPv4 = Object.values(networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv4' && !i.internal));
    if (hasOutsideIPv4) expect(joinLine[1]).toMatch(/^(?!127\.)\d+\.\d+\.\d+\.\d+:/);
    const alice = start(['connect', `[::1]:${port}`, '--headless', '--name', 'alice', '--video', 'none', '--audio', 'none']);
    expect(await alice.waitForEvent((e) => e.type === 'joined')).toMatchObject({ name: 'alice' });
  });

  it('leaves the call quietly, exit 0, when whoever reads its events goes away (`| head`)', async () => {
    const { port } = await serve();
    const alice = await joinHeadless(port, 'alice');
    // bob's stdout is a pipe whose reader closes after the first line, as `livecomm-tui connect … | head -1` does.
    const bob = spawn(process.execPath, [BIN, 'connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'pattern', '--audio', 'tone'], {
      env: { ...process.env, LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    bob.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve) => bob.stdout.once('data', () => resolve()));
    bob.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => bob.once('exit', resolve));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    // The others see bob leave, not time out.
    const left = await alice.waitForEvent((e) => e.type === 'participant-left');
    expect(left).toMatchObject({ name: 'bob', reason: 'leave' });
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
  });

  it('leaves the call cleanly on SIGTERM and SIGHUP (the terminal it was started from closed), exit 0', async () => {
    const { port } = await serve();
    const alice = await joinHeadless(port, 'alice');
    for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
      const bob = await joinHeadless(port, `bob-${signal}`);
      bob.signal(signal);
      expect(await bob.exited).toBe(0);
      expect(await bob.waitForEvent((e) => e.type === 'left')).toMatchObject({ reason: 'leave' });
      const left = await alice.waitForEvent((e) => e.type === 'participant-left' && e.name === `bob-${signal}`);
      expect(left).toMatchObject({ reason: 'leave' });
    }
    alice.signal('SIGINT');
    expect(await alice.exited).toBe(0);
  });

  it('reads piped chat only as fast as it may go, and says what was not sent when the call ended first', async () => {
    const { port } = await serve();
    const alice = await joinHeadless(port, 'alice');
    // 150 lines at once (`seq 1 150 | connect --headless --duration 2`): more than the outbox holds (100), more
    // than 2 s of chat pace lets out.
    const bob = start(['connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none', '--duration', '2']);
    bob.write(Array.from({ length: 150 }, (_, i) => `line ${i + 1}\n`).join(''));
    expect(await bob.exited).toBe(0);
    // The rest said, once, before leaving ...
    const notSent = bob.events().filter((e) => e.type === 'notice' && /not sent: the call ended first/.test(String(e.message)));
    expect(notSent).toHaveLength(1);
    const unsent = Number(/^(\d+) chat messages not sent/.exec(String(notSent[0]!.message))?.[1]);
    expect(unsent).toBeGreaterThan(0);
    expect(bob.events().at(-1)).toMatchObject({ type: 'left' });
    // ... and what was sent arrives, in order from the first, none refused on the way.
    const got = (): string[] => alice.events().filter((e) => e.type === 'chat' && e.from === 'bob').map((e) => String(e.text));
    await alice.waitForEvent(() => got().length >= 150 - unsent, 5000);
    expect(got()).toEqual(Array.from({ length: 150 - unsent }, (_, i) => `line ${i + 1}`));
    expect(bob.events().some((e) => e.type === 'notice' && /still waiting to go/.test(String(e.message)))).toBe(false);
  });

  it('sends chat written before the join once joined, a paste longer than the server lets go at once at a pace it accepts, and a line full of control characters without them, never disconnecting', async () => {
    const { port } = await serve();
    const alice = await joinHeadless(port, 'alice');
    const bob = quiet(port, 'bob');
    // Written at once, before bob has even connected: `echo hi | livecomm-tui connect --headless …`.
    // Control characters are 6 bytes each in JSON: 1,500 of them would not fit a chat frame (it crashed `connect`).
    // More than the server lets go at once, in bytes (a 66 KB line, 33 messages: its burst is 64 KiB) and in messages
    // (with 28 short lines, 64 in all: its burst is 60), so it must be paced to get through.
    const paste = 'A'.repeat(33 * MAX_CHAT_LENGTH);
    const shortLines = Array.from({ length: 28 }, (_, i) => `short ${i}`);
    bob.write(`early line\n${paste}\n${shortLines.join('\n')}\n${'\u0001'.repeat(1500)}with controls\x1b[31m\nafter the long one\n`);
    const texts = async (n: number): Promise<string[]> => {
      // At the client's pace (5 a second after a burst of 20, 4 KiB a second after 32 KiB): ~9 s.
      await alice.waitForEvent(() => alice.events().filter((e) => e.type === 'chat').length >= n, 30_000);
      return alice.events().filter((e) => e.type === 'chat').map((e) => String(e.text));
    };
    const got = await texts(64);
    expect(got[0]).toBe('early line');
    expect(got.slice(1, 34).join('')).toBe(paste);
    expect(got.slice(34, 62)).toEqual(shortLines);
    expect(got[62]).toBe('with controls[31m');
    expect(got[63]).toBe('after the long one');
    expect(bob.events().some((e) => e.type === 'status' && e.status === 'reconnecting')).toBe(false);
    expect(alice.events().some((e) => e.type === 'participant-left')).toBe(false);
    bob.signal('SIGINT');
    alice.signal('SIGINT');
    expect(await bob.exited).toBe(0);
  });

  it('announces a participant who joins without camera and microphone as such in the join itself', async () => {
    const { port } = await serve();
    const alice = start(['connect', `127.0.0.1:${port}`, '--name', 'alice', '--headless', '--video', 'pattern', '--audio', 'tone']);
    await alice.waitForEvent((e) => e.type === 'joined');
    const bob = quiet(port, 'bob');
    const joined = await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob');
    expect(joined).toMatchObject({ muted: true, cameraOff: true });
    // And the other way round: alice, already there, is neither.
    expect(await bob.waitForEvent((e) => e.type === 'joined')).toMatchObject({ participants: [expect.objectContaining({ name: 'alice', muted: false, cameraOff: false })] });
    bob.signal('SIGINT');
    alice.signal('SIGINT');
    expect(await bob.exited).toBe(0);
  });

  it('tells the others when a camera stops for good mid-call (no camera any more), and sends no state that changes nothing', async () => {
    const { port } = await serve();
    const alice = quiet(port, 'alice');
    await alice.waitForEvent((e) => e.type === 'joined');
    // A "video" ffmpeg cannot read: the source starts, then stops for good, as an unplugged camera does.
    const broken = join(workspace.dir, 'broken.mp4');
    await writeFile(broken, 'not a video');
    const bob = start(['connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', `file:${broken}`, '--audio', 'none']);
    expect(await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'bob')).toMatchObject({ cameraOff: false });
    const state = await alice.waitForEvent((e) => e.type === 'state');
    expect(state).toMatchObject({ name: 'bob', cameraOff: true, noCamera: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // One state: the join had said bob has no microphone, so bob's STATE after joining was no news.
    expect(alice.events().filter((e) => e.type === 'state')).toHaveLength(1);
    bob.signal('SIGINT');
    expect(await bob.exited).toBe(0);
  });
});
