/**
 * Real audio devices through naudiodon/PortAudio and a PulseAudio virtual sound card.
 *
 * Needs: Debian's pulseaudio and pulseaudio-utils (scripts/install-system-deps.sh), naudiodon built (an optional
 * dependency: `npm ci` builds it), and the compiled worker dist/media/audio/device-worker.js (`npm test` builds dist
 * in pretest; when it is missing this file builds it). beforeAll starts PulseAudio with scripts/start-pulseaudio.sh:
 * a null sink `vsink` is the default output, its monitor the default input, so what is played can be recorded.
 * These tests run, not skip, in CI: a missing prerequisite fails them with the reason.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import { createMicSource, createSpeakerSink, deviceWorkerPath, listAudioDevices } from '../../../src/media/audio/device.js';
import { resolveAudioSource } from '../../../src/media/audio/resolve-source.js';
import { ToneGenerator } from '../../../src/media/audio/tone.js';
import { readWavFile } from '../../../src/media/audio/wav.js';
import { startPacer } from '../../../src/util/pacer.js';
import { PLAYOUT_CATCH_UP_TICKS } from '../../../src/client/speaker-loop.js';
import { correlationAt, envelope, toneBreaks, toneFraction } from './helpers.js';

beforeAll(() => {
  if (!existsSync('dist/media/audio/device-worker.js')) {
    // tsc still emits when other folders have type errors; only the audio worker matters here.
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { stdio: 'ignore' });
    } catch {
      // checked just below
    }
  }
  expect(existsSync('dist/media/audio/device-worker.js'), 'compiled audio worker (npm run build)').toBe(true);
  execFileSync('bash', ['scripts/start-pulseaudio.sh'], { stdio: 'ignore', timeout: 30_000 });
});

/** Finds where `needle`'s loudness envelope best matches inside `hay` (10 ms blocks), then refines to a sample. */
function align(needle: Int16Array, hay: Int16Array): { lag: number; corr: number } {
  const block = 480;
  const en = envelope(needle, block);
  const eh = envelope(hay, block);
  let coarse = 0;
  let best = -Infinity;
  for (let lag = 0; lag + en.length <= eh.length; lag++) {
    let s = 0;
    for (let i = 0; i < en.length; i++) s += en[i]! * eh[lag + i]!;
    if (s > best) (best = s), (coarse = lag);
  }
  let fine = { lag: 0, corr: -Infinity };
  for (let lag = Math.max(0, (coarse - 2) * block); lag <= (coarse + 2) * block && lag + needle.length <= hay.length; lag++) {
    const corr = correlationAt(needle, hay, lag);
    if (corr > fine.corr) fine = { lag, corr };
  }
  return fine;
}

/** parecord on the default sink's monitor: what the speaker plays, as it comes. */
function recordSpeaker(): { rec: ChildProcess; chunks: Buffer[] } {
  const rec = spawn('parecord', ['--raw', '--device=vsink.monitor', '--rate=48000', '--channels=1', '--format=s16le', '--latency-msec=20'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const chunks: Buffer[] = [];
  rec.stdout!.on('data', (c: Buffer) => chunks.push(c));
  return { rec, chunks };
}

/** The default speaker, and the errors it reports. */
function openSpeaker(): { sink: ReturnType<typeof createSpeakerSink>; sinkErrors: Error[] } {
  const sink = createSpeakerSink();
  const sinkErrors: Error[] = [];
  sink.on('error', (e) => sinkErrors.push(e));
  return { sink, sinkErrors };
}

/** Length of a 48 kHz recording in seconds. */
const secondsOf = (samples: Int16Array): number => samples.length / 48_000;

describe('real devices (PulseAudio null sink)', () => {
  test('PortAudio lists a default microphone and speaker', async () => {
    const { microphones, speakers } = await listAudioDevices();
    expect(microphones.filter((m) => m.default)).toHaveLength(1);
    expect(speakers.filter((s) => s.default)).toHaveLength(1);
    expect(microphones.every((m) => typeof m.id === 'number' && m.name.length > 0)).toBe(true);
  });

  test('the microphone captures what paplay plays into the sink', async () => {
    const speech = await readWavFile('fixtures/speech.wav');
    const mic = createMicSource();
    const captured: Int16Array[] = [];
    const stamps: number[] = [];
    let afterPlayback = -1;
    const done = new Promise<void>((resolve, reject) => {
      mic.start(
        (pcm, captureTs) => {
          expect(pcm.length).toBe(SAMPLES_PER_FRAME);
          expect(captureTs).toBeLessThanOrEqual(Date.now() + 1);
          captured.push(pcm);
          stamps.push(captureTs);
          // Keep recording one second after paplay has finished.
          if (afterPlayback >= 0 && captured.length >= afterPlayback + 50) resolve();
        },
        reject,
      );
    });
    // Wait for the capture to run before playing (the first capture after PulseAudio starts takes a moment).
    await new Promise<void>((resolve) => {
      const t = setInterval(() => captured.length >= 10 && (clearInterval(t), resolve()), 10);
    });
    const paplay = spawn('paplay', ['fixtures/speech.wav'], { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => paplay.on('exit', resolve));
    expect(code).toBe(0);
    afterPlayback = captured.length;
    await done;
    await mic.stop();
    const all = new Int16Array(captured.length * SAMPLES_PER_FRAME);
    captured.forEach((f, i) => all.set(f, i * SAMPLES_PER_FRAME));
    const { corr } = align(speech, all);
    // The null sink mixes mono to stereo and the monitor back to mono at unity volume: the capture is a near copy of
    // the file, delayed (measured: 1.00). A mic that captured silence, noise or the wrong rate correlates below 0.2.
    expect(corr).toBeGreaterThan(0.9);
    // Stamped by the samples counted (capture-clock.ts), not when each was read: 20 ms apart but where the count
    // was put right (a frame read earlier than counted: in the first seconds here every other frame by ~0.2 ms while
    // the count settles on the earliest reads, 15–20 % of them on a busy machine). Stamped as read (sub-millisecond
    // wall clock), hardly any two are exactly 20 ms apart. Never back in time either way.
    const spacings = stamps.slice(1).map((stamp, i) => stamp - stamps[i]!);
    expect(spacings.filter((ms) => Math.abs(ms - 20) < 1e-6).length).toBeGreaterThan(spacings.length * 0.6);
    expect(spacings.every((ms) => ms >= 0)).toBe(true);
  });

  test('the speaker plays a tone, heard on the sink monitor by parecord', async () => {
    const { rec, chunks } = recordSpeaker();
    const { sink, sinkErrors } = openSpeaker();
    const tone = new ToneGenerator(1000, 0.5);
    const pacer = startPacer(20, () => sink.play(tone.next()));
    // Wait until the last 100 ms recorded are mostly the 1 kHz tone (or give up after 15 s).
    const heard = await new Promise<boolean>((resolve) => {
      const started = Date.now();
      const t = setInterval(() => {
        const buf = Buffer.concat(chunks);
        const n = Math.floor(buf.length / 2);
        if (n >= 4800) {
          const last = new Int16Array(4800);
          for (let i = 0; i < 4800; i++) last[i] = buf.readInt16LE((n - 4800 + i) * 2);
          if (toneFraction(last, 1000) > 0.8) return clearInterval(t), resolve(true);
        }
        if (Date.now() - started > 15_000) clearInterval(t), resolve(false);
      }, 50);
    });
    pacer.stop();
    await sink.close();
    rec.kill();
    expect(sinkErrors).toEqual([]);
    expect(heard).toBe(true);
  });

  test('the speaker plays without a break, though the call frames began after the device started', async () => {
    // The device starts before anyone talks, and runs on silence; the speaker must never wait for data (PortAudio's
    // callback in naudiodon blocks until it gets some, and the sound card underruns: a click each time). Before
    // the worker fed it silence, this tone had ~20 breaks in 3 s here; now 0 (2 allowed: npm test runs this file
    // after the others, alone, but a CI machine still has neighbours).
    const { rec, chunks } = recordSpeaker();
    const { sink, sinkErrors } = openSpeaker();
    await new Promise((r) => setTimeout(r, 700));
    const tone = new ToneGenerator(1000, 0.5);
    const pacer = startPacer(20, () => sink.play(tone.next()));
    await new Promise((r) => setTimeout(r, 3000));
    pacer.stop();
    await new Promise((r) => setTimeout(r, 300));
    await sink.close();
    rec.kill();
    const recorded = Buffer.concat(chunks);
    const samples = new Int16Array(recorded.buffer, recorded.byteOffset, recorded.length >> 1);
    expect(sinkErrors).toEqual([]);
    expect(secondsOf(samples)).toBeGreaterThan(3);
    expect(toneBreaks(samples, 1000)).toBeLessThanOrEqual(2);
  });

  test('the speaker plays on through the call\'s stalls: after the first, the cushion it left carries the rest', async () => {
    // A machine with no core to spare (docs/performance.md): the call's playout timer is 140 ms late every second.
    // The speaker's process fills such a hole with silence; the frames the timer then catches up wait as a cushion
    // against the next stall. With the 60 ms queue and 3 ticks caught up of before, each stall left ~4 frames of
    // silence (27 in 6 s here); now the first leaves up to 7 (none when the device had a cushion already), the next ones none.
    const sink = createSpeakerSink();
    let flowing = false;
    let silent = 0;
    let played = 0;
    sink.onPlayed((pcm) => {
      const quiet = pcm.every((v) => v === 0);
      flowing ||= !quiet;
      if (flowing) played += 1;
      if (flowing && quiet) silent += 1;
    });
    await new Promise((r) => setTimeout(r, 700));
    const tone = new ToneGenerator(440, 0.3);
    const pacer = startPacer(20, () => sink.play(tone.next()), { catchUpTicks: PLAYOUT_CATCH_UP_TICKS });
    const stalls = setInterval(() => {
      const until = performance.now() + 140;
      while (performance.now() < until);
    }, 1000);
    await new Promise((r) => setTimeout(r, 6500));
    clearInterval(stalls);
    pacer.stop();
    await sink.close();
    // The tone played all along (6.5 s is 325 frames), and its holes: the first stall's at most, not one a stall.
    expect(played).toBeGreaterThan(250);
    expect(silent).toBeLessThan(15);
  });

  test('the speaker reports each frame as it goes to the device, in order, with the silence around it', async () => {
    const sink = createSpeakerSink();
    const played: number[] = [];
    sink.onPlayed((pcm) => played.push(pcm[0]!));
    // Silence is reported while nothing is played: wait for ten frames of it (a loaded machine opens the device
    // late, so a fixed 500 ms once saw exactly ten).
    const silenceBy = Date.now() + 5000;
    while (played.length < 11 && Date.now() < silenceBy) await new Promise((r) => setTimeout(r, 20));
    // Ten frames, each a constant its number, from a 20 ms timer as the call plays them.
    let next = 1;
    const pacer = startPacer(20, () => {
      if (next <= 10) sink.play(new Int16Array(SAMPLES_PER_FRAME).fill(next++));
    });
    // 200 ms of frames, then time for well over ten frames of silence even when the machine is busy (600 ms let
    // through only nine on a loaded CI machine).
    await new Promise((r) => setTimeout(r, 1000));
    pacer.stop();
    await sink.close();
    // Silence while nothing was played, then the ten in order — a frame late for the device
    // the first time has silence played before it, and a cushion of one frame from then on — then silence again.
    const first = played.indexOf(1);
    expect(first).toBeGreaterThan(10);
    expect(played.slice(0, first).every((v) => v === 0)).toBe(true);
    expect(played.filter((v) => v !== 0)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(played.lastIndexOf(10) - first).toBeLessThanOrEqual(10);
    expect(played.length - played.lastIndexOf(10)).toBeGreaterThan(10);
  });

  test('--audio auto picks the default microphone; a named missing one falls back with a notice', async () => {
    const auto = await resolveAudioSource('auto');
    expect(auto.notice).toBeUndefined();
    expect(auto.source?.description).toBe('default microphone');
    const missing = await resolveAudioSource('mic:no-such-device');
    expect(missing.source).toBeNull();
    expect(missing.notice).toMatch(/no microphone "no-such-device".*sending no audio/);
  });

  // naudiodon 2.3.6's own abort() throws ("AudioIO Quit expects 1 argument"): a worker that used it died of the
  // exception instead of closing its stream.
  test.each(['playback', 'capture'])('a %s worker asked to stop closes its stream and exits 0', async (mode) => {
    const worker = fork(deviceWorkerPath(), [mode], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced', cwd: tmpdir() });
    let stderr = '';
    worker.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => worker.on('message', (msg: { type: string }) => msg.type === 'flowing' && resolve()));
    worker.send({ type: 'stop' });
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Error/);
  });
});

// A device that goes away says nothing through naudiodon: its stream just stops moving. PulseAudio's pipe devices
// do that on cue, without touching vsink (other test files play into it meanwhile): a pipe sink takes sound only
// while something reads its FIFO, a pipe source gives sound only while something writes into it. PULSE_SINK and
// PULSE_SOURCE, read by the workers as they start, send one stream there.
const fifoDir = mkdtempSync(join(tmpdir(), 'lc-pipe-device-'));
afterAll(() => rmSync(fifoDir, { recursive: true, force: true }));

const pactl = (...args: string[]): string => execFileSync('pactl', args, { encoding: 'utf8', timeout: 10_000 }).trim();

/** Loads a pipe sink or source named `name` on a FIFO, runs `body` with the workers pointed at it, then unloads it. */
async function withPipeDevice<T>(kind: 'sink' | 'source', name: string, body: (fifo: string) => Promise<T>): Promise<T> {
  const fifo = join(fifoDir, `${name}.fifo`);
  // One left by a run that was killed would take the name (ours would be `name.2`) and leave us on its dead FIFO.
  for (const line of pactl('list', 'short', 'modules').split('\n')) {
    if (line.includes(`${kind}_name=${name} `)) pactl('unload-module', line.split('\t')[0]!);
  }
  const module = pactl('load-module', `module-pipe-${kind}`, `${kind}_name=${name}`, `file=${fifo}`, 'rate=48000', 'channels=1', 'format=s16le');
  const variable = kind === 'sink' ? 'PULSE_SINK' : 'PULSE_SOURCE';
  process.env[variable] = name;
  try {
    return await body(fifo);
  } finally {
    delete process.env[variable];
    pactl('unload-module', module);
  }
}

/** Resolves once `condition` holds (checked every 20 ms), or rejects after `ms` saying what it waited for. */
async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const by = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > by) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** How long `promise` takes to settle, in ms. */
async function timed(promise: Promise<unknown>): Promise<number> {
  const started = Date.now();
  await promise;
  return Date.now() - started;
}

/**
 * A pipe source's sound: 20 ms of a tone every 20 ms into its FIFO while `feeding`. Read-write and non-blocking:
 * opening a FIFO write-only blocks until a reader comes, and a write into a full one (the source suspended, so
 * nothing reads it) would block the whole test process, the timer that ends the suspension included. A frame that
 * does not fit is dropped, as a sound card's would be.
 */
function feedTone(fifo: string): { feeding: boolean; close(): void } {
  const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
  const tone = new ToneGenerator(440, 0.3);
  const device = {
    feeding: true,
    close: () => {
      pacer.stop();
      closeSync(fd);
    },
  };
  const pacer = startPacer(20, () => {
    if (!device.feeding) return;
    const pcm = tone.next();
    try {
      writeSync(fd, new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  });
  return device;
}

describe('a device lost mid-call (PulseAudio pipe devices)', () => {
  test('a speaker that stops taking sound is reported lost within seconds, not after a short suspend, and closes at once', async () => {
    await withPipeDevice('sink', 'lc_lost_speaker', async (fifo) => {
      // The device: takes sound while cat reads it.
      const reader = spawn('cat', [fifo], { stdio: ['ignore', 'ignore', 'ignore'] });
      const { sink, sinkErrors } = openSpeaker();
      const lost: Error[] = [];
      sink.on('lost', (err) => lost.push(err));
      try {
        let played = 0;
        sink.onPlayed(() => (played += 1));
        await until(() => played >= 25, 5000, 'the speaker to play half a second');
        // Suspended for a second (a stream moved to another device, a headset changing profile): it stalls, and comes
        // back.
        pactl('suspend-sink', 'lc_lost_speaker', '1');
        await new Promise((r) => setTimeout(r, 1000));
        pactl('suspend-sink', 'lc_lost_speaker', '0');
        const resumedAt = played;
        await until(() => played >= resumedAt + 50, 5000, 'the speaker to play again after the suspend');
        expect([...sinkErrors, ...lost]).toEqual([]);
        // Gone: nothing takes its sound any more, and naudiodon never says so.
        reader.kill();
        await until(() => lost.length > 0, 6000, 'the lost speaker to be reported');
        expect(lost.map((e) => e.message)).toEqual([expect.stringMatching(/^the speaker took no sound for 2 s: unplugged, or its sound server stopped$/)]);
        expect(sinkErrors).toEqual([]); // it worked: it is opened again, not given up
        // Its worker has gone already: nothing left to wait for (an abort on a dead stream never calls back).
        expect(await timed(sink.close())).toBeLessThan(800); // not the 1 s a stop waits for a worker that does not answer
      } finally {
        // Closed here too when the test failed: a worker left on a stalled stream outlives this process.
        await sink.close();
        reader.kill();
      }
    });
  });

  test('a microphone that stops sending is reported lost, not after a short suspend, and stops at once', async () => {
    await withPipeDevice('source', 'lc_lost_mic', async (fifo) => {
      const device = feedTone(fifo);
      const mic = createMicSource();
      try {
        let frames = 0;
        const errors: Error[] = [];
        mic.start(() => (frames += 1), (err) => errors.push(err));
        await until(() => frames >= 25, 5000, 'the microphone to send half a second');
        pactl('suspend-source', 'lc_lost_mic', '1');
        await new Promise((r) => setTimeout(r, 1000));
        pactl('suspend-source', 'lc_lost_mic', '0');
        const resumedAt = frames;
        await until(() => frames >= resumedAt + 50, 5000, 'the microphone to send again after the suspend');
        expect(errors).toEqual([]);
        // Gone: no more sound comes, and naudiodon never says so.
        device.feeding = false;
        await until(() => errors.length > 0, 6000, 'the lost microphone to be reported');
        expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^the microphone sent no sound for 2 s: unplugged, or its sound server stopped$/)]);
        expect(await timed(mic.stop())).toBeLessThan(800);
      } finally {
        device.close();
        await mic.stop();
      }
    });
  });

  test('a microphone lost mid-call is opened again once it sends again, and its sound comes through', async () => {
    await withPipeDevice('source', 'lc_back_mic', async (fifo) => {
      const device = feedTone(fifo);
      const mic = createMicSource();
      try {
        const events: string[] = [];
        const errors: Error[] = [];
        let loud = 0;
        mic.start(
          (pcm) => (loud += pcm.some((v) => Math.abs(v) > 5000) ? 1 : 0),
          (err) => errors.push(err),
          { paused: (err) => events.push(`paused: ${err.message}`), resumed: () => events.push('resumed') },
        );
        // Past the second after which a device counts as working: a loss is then worth opening it again for.
        await until(() => loud >= 75, 6000, 'the microphone to send a second and a half of the tone');
        device.feeding = false; // the sound server's source goes quiet: unplugged
        await until(() => events.length === 1, 6000, 'the lost microphone to be reported');
        device.feeding = true; // plugged back in
        await until(() => events.length === 2, 15_000, 'the microphone to be opened again');
        const loudAtBack = loud;
        await until(() => loud >= loudAtBack + 25, 3000, 'the tone to come through the microphone opened again');
        expect(events).toEqual(['paused: the microphone sent no sound for 2 s: unplugged, or its sound server stopped', 'resumed']);
        expect(errors).toEqual([]);
      } finally {
        device.close();
        await mic.stop();
      }
    });
  });

  test('a speaker lost mid-call is opened again once it takes sound again, and plays', async () => {
    await withPipeDevice('sink', 'lc_back_speaker', async (fifo) => {
      let reader = spawn('cat', [fifo], { stdio: ['ignore', 'ignore', 'ignore'] });
      const { sink, sinkErrors } = openSpeaker();
      try {
        const events: string[] = [];
        sink.on('lost', (err) => events.push(`lost: ${err.message}`));
        sink.on('back', () => events.push('back'));
        let played = 0;
        sink.onPlayed(() => (played += 1));
        await until(() => played >= 25, 5000, 'the speaker to play');
        // The pipe sink takes sound as fast as cat reads it, not in real time: so the time a device must have worked
        // for a loss to be worth opening it again for (a second) is waited out by the clock.
        await new Promise((r) => setTimeout(r, 1500));
        reader.kill(); // nothing takes its sound any more: unplugged
        await until(() => events.length === 1, 6000, 'the lost speaker to be reported');
        reader = spawn('cat', [fifo], { stdio: ['ignore', 'ignore', 'ignore'] }); // plugged back in
        await until(() => events.length === 2, 15_000, 'the speaker to be opened again');
        const playedAtBack = played;
        await until(() => played >= playedAtBack + 25, 3000, 'the speaker opened again to play');
        expect(events).toEqual(['lost: the speaker took no sound for 2 s: unplugged, or its sound server stopped', 'back']);
        expect(sinkErrors).toEqual([]);
      } finally {
        await sink.close();
        reader.kill();
      }
    });
  });

  test('--audio auto with a default microphone that opens but sends nothing falls back with a notice', async () => {
    await withPipeDevice('source', 'lc_dead_mic', async () => {
      const auto = await resolveAudioSource('auto');
      expect(auto.source).toBeNull();
      expect(auto.notice).toMatch(/^the default microphone does not work \(the microphone sent no sound in the 3 s after it opened\) — sending no audio$/);
    });
  });
});
