/**
 * The device path's failure handling, with fake workers standing in for PortAudio (a real one cannot crash or lose
 * its library on cue). Real devices are exercised in device.test.ts.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { createMicSource, createSpeakerSink, listAudioDevices } from '../../../src/media/audio/device.js';
import { parseAudioSourceSpec, resolveAudioSource, resolveSpeakerSink } from '../../../src/media/audio/resolve-source.js';
import { AUDIO_ERROR_CODES, type AudioError } from '../../../src/media/audio/errors.js';
import { OutgoingMedia, type MediaLink } from '../../../src/client/media-out.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-fake-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function fakeWorker(name: string, body: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, `process.on('disconnect', () => process.exit(0));\n${body}\n`);
  return path;
}

const noBackend = fakeWorker('no-backend', `
  console.log('PortAudio V19 noise on stdout'); console.error('ALSA lib noise on stderr');
  process.send({ type: 'error', code: 'backend', message: 'naudiodon (PortAudio) is not available: Cannot find module' });
  setTimeout(() => process.exit(1), 50);`);
const crashesAfterFrames = fakeWorker('crash', `
  const mode = process.argv[2];
  process.send({ type: 'started' });
  if (mode === 'list') process.send({ type: 'devices', devices: [] });
  let n = 0;
  const t = setInterval(() => {
    console.log('chatter that must not reach the parent terminal');
    if (mode === 'capture') process.send({ type: 'frame', pcm: new Int16Array(960).fill(n), ts: Date.now() });
    if (++n === 5) process.kill(process.pid, 'SIGSEGV');
  }, 20);`);

describe('device failures become coded errors, never crashes', () => {
  test('a crashing mic process: frames until then, then one LC_ERR_AUDIO_DEVICE_LOST "call continues"', async () => {
    const mic = createMicSource(undefined, { workerPath: crashesAfterFrames });
    const frames: number[] = [];
    const errors: AudioError[] = [];
    await new Promise<void>((resolve) => {
      mic.start(
        (pcm) => frames.push(pcm[0]!),
        (err) => {
          errors.push(err as AudioError);
          resolve();
        },
      );
    });
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe(AUDIO_ERROR_CODES.DEVICE_LOST);
    // Which device and what happened, once: the call's notice says the rest (the next test).
    expect(errors[0]!.message).toBe("the microphone's process exited: SIGSEGV");
    await mic.stop();
  });

  test('a lost microphone: one notice in one sentence, and the others are told you have none', async () => {
    const mic = createMicSource(undefined, { workerPath: crashesAfterFrames });
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: () => {} };
    const notices: string[] = [];
    let sourceLost: () => void = () => {};
    const lost = new Promise<void>((resolve) => (sourceLost = resolve));
    const media = new OutgoingMedia(link, undefined, mic, { onNotice: (m) => notices.push(m), onSourcesChanged: () => sourceLost() });
    media.start('pcm');
    await lost;
    expect(media.state).toMatchObject({ muted: true, noMicrophone: true });
    expect(media.audioSendState.sending).toBe(false);
    await media.stop();
    expect(notices).toEqual(["audio source stopped — the call goes on without your audio (the microphone's process exited: SIGSEGV)"]);
  });

  test('a crashing speaker process reports through its error event', async () => {
    const sink = createSpeakerSink(undefined, { workerPath: crashesAfterFrames });
    const err = await new Promise<AudioError>((resolve) => sink.on('error', resolve));
    expect(err.code).toBe(AUDIO_ERROR_CODES.DEVICE_LOST);
    sink.play(new Int16Array(960)); // after the loss: ignored, no throw
    await sink.close();
  });

  test('missing naudiodon: listing throws LC_ERR_AUDIO_BACKEND_UNAVAILABLE; auto and mic fall back with a notice', async () => {
    await expect(listAudioDevices({ workerPath: noBackend })).rejects.toMatchObject({ code: AUDIO_ERROR_CODES.BACKEND_UNAVAILABLE });
    const auto = await resolveAudioSource('auto', { workerPath: noBackend });
    expect(auto.source).toBeNull();
    expect(auto.notice).toMatch(/naudiodon .* — sending no audio/);
    const mic = await resolveAudioSource('mic', { workerPath: noBackend });
    expect(mic.source).toBeNull();
    expect(mic.notice).toMatch(/sending no audio/);
    const speaker = await resolveSpeakerSink(undefined, { workerPath: noBackend });
    expect(speaker.sink).toBeNull();
    expect(speaker.notice).toMatch(/playing no audio/);
    expect((await resolveSpeakerSink('none')).sink).toBeNull();
  });

  test('the real worker where npm left naudiodon out: one sentence saying how to install it', async () => {
    // The compiled worker, copied outside the package so that `import('naudiodon')` cannot resolve, as after an
    // install on a machine without a compiler or ALSA headers (npm skips a failed optional dependency).
    const dist = fileURLToPath(new URL('../../../dist/', import.meta.url));
    const copy = mkdtempSync(join(tmpdir(), 'lc-no-naudiodon-'));
    cpSync(join(dist, 'media', 'audio'), join(copy, 'media', 'audio'), { recursive: true });
    cpSync(join(dist, 'util'), join(copy, 'util'), { recursive: true });
    writeFileSync(join(copy, 'package.json'), '{ "type": "module" }');
    const err = await listAudioDevices({ workerPath: join(copy, 'media', 'audio', 'device-worker.js') })
      .catch((e: AudioError) => e)
      .finally(() => rmSync(copy, { recursive: true, force: true }));
    expect((err as AudioError).code).toBe(AUDIO_ERROR_CODES.BACKEND_UNAVAILABLE);
    expect((err as AudioError).message).toMatch(/naudiodon is not installed .*apt install build-essential libasound2-dev.*npm install/);
  });

  test('a missing worker script is reported, not thrown', async () => {
    const mic = createMicSource(undefined, { workerPath: join(dir, 'does-not-exist.mjs') });
    const err = await new Promise<Error>((resolve) => mic.start(() => {}, resolve));
    expect((err as AudioError).code).toBe(AUDIO_ERROR_CODES.DEVICE_LOST);
    await mic.stop();
  });
});

// A device that works, is lost (its process crashes), is not there on the first attempt to open it again, and works
// on the second. Each run counts itself in a file; frames carry the run's number.
const runCounter = join(dir, 'runs');
const lostThenBack = fakeWorker('lost-then-back', `
  import { readFileSync, writeFileSync } from 'node:fs';
  let run = 1;
  try { run = Number(readFileSync(${JSON.stringify(runCounter)}, 'utf8')) + 1; } catch {}
  writeFileSync(${JSON.stringify(runCounter)}, String(run));
  const mode = process.argv[2];
  if (run === 2) {
    process.send({ type: 'error', code: 'not-found', message: 'there is no default ' + (mode === 'capture' ? 'microphone' : 'speaker') });
    setTimeout(() => process.exit(1), 50);
  } else {
    process.send({ type: 'started' });
    let reportPlayed = false;
    process.on('message', (m) => { if (m.type === 'report-played') reportPlayed = true; });
    let n = 0;
    setInterval(() => {
      if (mode === 'capture') process.send({ type: 'frame', pcm: new Int16Array(960).fill(run), ts: Date.now() });
      if (mode === 'playback' && reportPlayed) process.send({ type: 'played', pcm: new Int16Array(960).fill(run) });
      if (++n === 3) process.send({ type: 'flowing' });
      if (run === 1 && n === 6) process.kill(process.pid, 'SIGSEGV');
    }, 20);
  }`);

describe('a device lost after it worked is opened again (fake workers: a real one cannot crash on cue)', () => {
  test('the microphone: paused with why, quiet failed attempts, resumed, frames from the new device', async () => {
    rmSync(runCounter, { force: true });
    const mic = createMicSource(undefined, { workerPath: lostThenBack });
    const events: string[] = [];
    const frames: number[] = [];
    const errors: Error[] = [];
    const resumed = new Promise<void>((resolve) => {
      mic.start(
        (pcm) => frames.push(pcm[0]!),
        (err) => errors.push(err),
        {
          paused: (err) => events.push(`paused: ${err.message}`),
          resumed: () => {
            events.push('resumed');
            resolve();
          },
        },
      );
    });
    await resumed; // after the waits of 1 s and 2 s
    await new Promise((r) => setTimeout(r, 100));
    await mic.stop();
    expect(events).toEqual(["paused: the microphone's process exited: SIGSEGV", 'resumed']);
    expect(errors).toEqual([]);
    expect(frames[0]).toBe(1);
    expect(frames.at(-1)).toBe(3);
  });

  test('in a call: the others see no microphone while it is gone and one again when it is back; one notice each', async () => {
    rmSync(runCounter, { force: true });
    const mic = createMicSource(undefined, { workerPath: lostThenBack });
    const sent: number[] = [];
    const link: MediaLink = { joined: true, bufferedAmount: 0, sendMedia: () => void sent.push(Date.now()) };
    const notices: string[] = [];
    const states: boolean[] = [];
    let media: OutgoingMedia | undefined;
    const back = new Promise<void>((resolve) => {
      media = new OutgoingMedia(link, undefined, mic, {
        onNotice: (m) => notices.push(m),
        onSourcesChanged: () => {
          states.push(media!.state.noMicrophone ?? false);
          if (states.length === 2) resolve();
        },
      }, { transmit: 'continuous' });
    });
    media!.start('pcm');
    await back;
    const sentBefore = sent.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(sent.length).toBeGreaterThan(sentBefore); // the new device's audio goes out
    await media!.stop();
    expect(states).toEqual([true, false]);
    expect(notices).toEqual([
      "microphone lost — the call goes on without your audio, which comes back with it (the microphone's process exited: SIGSEGV)",
      'microphone back: sending your audio again',
    ]);
  });

  test('the speaker: lost, then back, and what it plays is reported again from the new device', async () => {
    rmSync(runCounter, { force: true });
    const sink = createSpeakerSink(undefined, { workerPath: lostThenBack });
    const events: string[] = [];
    const played: number[] = [];
    sink.onPlayed((pcm) => played.push(pcm[0]!));
    sink.on('error', (err) => events.push(`error: ${err.message}`));
    sink.on('lost', (err) => events.push(`lost: ${err.message}`));
    await new Promise<void>((resolve) =>
      sink.on('back', () => {
        events.push('back');
        resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 100));
    await sink.close();
    expect(events).toEqual(["lost: the speaker's process exited: SIGSEGV", 'back']);
    expect(played[0]).toBe(1);
    expect(played.at(-1)).toBe(3);
  });
});

// A worker still starting (loading PortAudio): it does not listen for `stop` yet, and has no stream to close.
const slowToStart = fakeWorker('slow-to-start', `setInterval(() => {}, 1000);`);

test('a device worker still starting is not waited for when the call ends (killed, not asked)', async () => {
  const mic = createMicSource(undefined, { workerPath: slowToStart });
  mic.start(() => {}, () => {});
  await new Promise((r) => setTimeout(r, 200));
  const started = Date.now();
  await mic.stop();
  // Asked to stop, it would be killed only after the second a streaming worker gets to close its device.
  expect(Date.now() - started).toBeLessThan(800);
});

describe('--audio values', () => {
  test.each([
    ['auto', { kind: 'auto' }],
    ['none', { kind: 'none' }],
    ['mic', { kind: 'mic' }],
    ['mic:USB Audio', { kind: 'mic', device: 'USB Audio' }],
    ['mic:3', { kind: 'mic', device: '3' }],
    ['wav:a:b.wav', { kind: 'wav', path: 'a:b.wav' }],
    ['tone', { kind: 'tone', hz: 440 }],
    ['tone:1000', { kind: 'tone', hz: 1000 }],
  ])('%s', (spec, expected) => {
    expect(parseAudioSourceSpec(spec)).toEqual(expected);
  });

  test.each(['', 'bogus', 'tone:abc', 'tone:5', 'wav:', 'none:x', 'auto:1', 'tone:', 'mic:'])('%j is LC_ERR_AUDIO_SOURCE_SPEC', (spec) => {
    expect(() => parseAudioSourceSpec(spec)).toThrow(expect.objectContaining({ code: AUDIO_ERROR_CODES.SOURCE_SPEC }));
  });

  test('tone, wav and none resolve without devices', async () => {
    expect((await resolveAudioSource('tone:880')).source?.description).toBe('tone 880 Hz');
    expect((await resolveAudioSource('wav:fixtures/speech.wav')).source?.description).toMatch(/speech\.wav/);
    expect(await resolveAudioSource('none')).toEqual({ source: null });
    await expect(resolveAudioSource('wav:package.json')).rejects.toMatchObject({ code: AUDIO_ERROR_CODES.WAV_INVALID });
  });
});
