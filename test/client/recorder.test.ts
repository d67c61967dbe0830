import { closeSync, existsSync, fstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/client/recorder.js';
import { elapsedClock } from '../../src/util/clock.js';
import { readWav } from '../helpers/wav.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function recordingDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lc-recorder-'));
  dirs.push(dir);
  return dir;
}

const frame = (value: number): Int16Array => new Int16Array(960).fill(value);
const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);

describe('Recorder file names', () => {
  it('gives names that make the same file name their own files (a b, a_b, a/b)', () => {
    const dir = recordingDir();
    const recorder = new Recorder({ dir });
    for (const [name, value] of [['a b', 100], ['a_b', 200], ['a/b', 300]] as const) {
      recorder.audioFrame(name, 0, frame(value));
      recorder.videoFrame(name, 1, 0, 1, jpeg);
    }
    recorder.close();
    expect(readdirSync(dir).sort()).toEqual([
      'a_b-2.frames.jsonl', 'a_b-2.mjpeg', 'a_b-2.wav', 'a_b-3.frames.jsonl', 'a_b-3.mjpeg', 'a_b-3.wav',
      'a_b.frames.jsonl', 'a_b.mjpeg', 'a_b.wav', 'chat.jsonl', 'participants.jsonl',
    ]);
    // Which files are whose, in the recording itself.
    const index = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; file: string });
    expect(index.map(({ name, file }) => [name, file])).toEqual([
      ['a b', 'a_b.wav'], ['a b', 'a_b.mjpeg'], ['a b', 'a_b.frames.jsonl'],
      ['a_b', 'a_b-2.wav'], ['a_b', 'a_b-2.mjpeg'], ['a_b', 'a_b-2.frames.jsonl'],
      ['a/b', 'a_b-3.wav'], ['a/b', 'a_b-3.mjpeg'], ['a/b', 'a_b-3.frames.jsonl'],
    ]);
    // Someone without a microphone has no WAV, and none is listed.
    const quiet = recordingDir();
    const silent = new Recorder({ dir: quiet });
    silent.videoFrame('Grace', 1, 0, 1, jpeg);
    silent.close();
    const listed = readFileSync(join(quiet, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
    expect(listed).toEqual(['Grace.mjpeg', 'Grace.frames.jsonl']);
    expect(readdirSync(quiet).sort()).toEqual(['Grace.frames.jsonl', 'Grace.mjpeg', 'chat.jsonl', 'participants.jsonl']);
    // Each WAV holds its own participant's audio, not the last writer's.
    expect([...readWav(join(dir, 'a_b.wav')).samples.slice(0, 3)]).toEqual([100, 100, 100]);
    expect([...readWav(join(dir, 'a_b-2.wav')).samples.slice(0, 3)]).toEqual([200, 200, 200]);
    expect([...readWav(join(dir, 'a_b-3.wav')).samples.slice(0, 3)]).toEqual([300, 300, 300]);
  });

  it('lists the files as they are named on disk when a long name is cut inside a character (𝒜 is two UTF-16 units)', () => {
    const dir = recordingDir();
    const recorder = new Recorder({ dir });
    const name = `a${'𝒜'.repeat(40)}`;
    recorder.audioFrame(name, 0, frame(100));
    recorder.videoFrame(name, 1, 0, 1, jpeg);
    recorder.close();
    const listed = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
    expect(listed).toHaveLength(3);
    const onDisk = readdirSync(dir);
    for (const file of listed) expect(onDisk).toContain(file);
    expect(listed[0]).toBe(`a${'𝒜'.repeat(31)}.wav`);
  });

  it('closes the video files of someone who left and appends to them when they come back: no open files per leaver', () => {
    const dir = recordingDir();
    const recorder = new Recorder({ dir });
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (let i = 0; i < 50; i++) {
      recorder.videoFrame(`guest${i}`, 1, 0, 1, jpeg);
      recorder.participantLeft(`guest${i}`);
    }
    // The index stays open (one file), not two per guest.
    expect(openFiles() - before).toBeLessThanOrEqual(1);
    recorder.videoFrame('guest0', 2, 0, 1, jpeg);
    recorder.close();
    // Left after the recording closed (the call ends, then its participants are cleared): nothing closed twice.
    const others = Array.from({ length: 8 }, (_, i) => openSync(join(dir, `unrelated-${i}`), 'w'));
    recorder.participantLeft('guest0');
    for (const fd of others) {
      expect(() => fstatSync(fd)).not.toThrow();
      closeSync(fd);
    }
    expect(readFileSync(join(dir, 'guest0.mjpeg'))).toEqual(Buffer.concat([jpeg, jpeg]));
    expect(readFileSync(join(dir, 'guest0.frames.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const listed = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
    expect(listed.filter((f) => f.startsWith('guest0.'))).toEqual(['guest0.mjpeg', 'guest0.frames.jsonl']);
  });

  it("ends a leaver's WAV when they left, holds no file open for them, and goes on in it when they come back", () => {
    const dir = recordingDir();
    let now = 0;
    const recorder = new Recorder({ dir, now: () => now });
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (let i = 0; i < 50; i++) {
      recorder.audioFrame(`guest${i}`, now, frame(1));
      now += 1000;
      recorder.participantLeft(`guest${i}`);
    }
    // Only the index is open, not a WAV per guest.
    expect(openFiles() - before).toBeLessThanOrEqual(1);
    // guest0 comes back at 60 s and talks: silence while away, then the new audio, then silence to the end (80 s),
    // as they are still there; guest1 never comes back: its file ends when it left (2 s after it was first heard,
    // at 1 s), not with 78 s of silence at the end.
    now = 60_000;
    recorder.audioFrame('guest0', 60_000, frame(7));
    now = 80_000;
    recorder.close();
    const back = readWav(join(dir, 'guest0.wav'));
    expect(back).toMatchObject({ riffSizeOk: true });
    expect(back.samples.length / 48_000).toBeCloseTo(80, 2);
    expect(back.samples[0]).toBe(1);
    expect(back.samples[48_000 * 30]).toBe(0);
    expect(back.samples[48_000 * 60 + 10]).toBe(7);
    const gone = readWav(join(dir, 'guest1.wav'));
    expect(gone).toMatchObject({ riffSizeOk: true });
    expect(gone.samples.length / 48_000).toBeCloseTo(1, 2);
  });

  it('keeps one participant in the same files for the whole recording', () => {
    const dir = recordingDir();
    const recorder = new Recorder({ dir });
    recorder.videoFrame('alice', 1, 0, 1, jpeg);
    recorder.videoFrame('bob', 1, 0, 1, jpeg);
    recorder.videoFrame('alice', 2, 70, 71, jpeg);
    recorder.close();
    expect(readFileSync(join(dir, 'alice.frames.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(existsSync(join(dir, 'alice-2.mjpeg'))).toBe(false);
  });

  it('never writes into an earlier recording in the same folder: this call gets new names', () => {
    const dir = recordingDir();
    const first = new Recorder({ dir });
    first.audioFrame('alice', 0, frame(1));
    first.chat({ fromId: 1, from: 'alice', text: 'first call', ts: 1 });
    first.close();
    const before = readFileSync(join(dir, 'alice.wav'));
    const second = new Recorder({ dir });
    second.audioFrame('alice', 0, frame(2));
    second.chat({ fromId: 1, from: 'alice', text: 'second call', ts: 2 });
    second.close();
    expect(readFileSync(join(dir, 'alice.wav')).equals(before)).toBe(true);
    expect([...readWav(join(dir, 'alice-2.wav')).samples.slice(0, 2)]).toEqual([2, 2]);
    expect(readFileSync(join(dir, 'chat.jsonl'), 'utf8')).toContain('first call');
    expect(readFileSync(join(dir, 'chat.jsonl'), 'utf8')).not.toContain('second call');
    expect(readFileSync(join(dir, 'chat-2.jsonl'), 'utf8')).toContain('second call');
  });

  it('keeps the index of a second recorder started into the same folder before the first heard anyone its own', () => {
    const dir = recordingDir();
    const first = new Recorder({ dir });
    const second = new Recorder({ dir });
    first.audioFrame('alice', 0, frame(1));
    second.audioFrame('alice', 0, frame(2));
    first.close();
    second.close();
    const listed = (file: string): string[] => readFileSync(join(dir, file), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file);
    // Each recording's chat and index share a number, and its index lists its own files only.
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort()).toEqual(['chat-2.jsonl', 'chat.jsonl', 'participants-2.jsonl', 'participants.jsonl']);
    expect(listed('participants.jsonl')).toEqual(['alice.wav']);
    expect(listed('participants-2.jsonl')).toEqual(['alice-2.wav']);
    expect([...readWav(join(dir, 'alice-2.wav')).samples.slice(0, 2)]).toEqual([2, 2]);
  });

  it('skips a name that anything already has, a folder too, and so never fails over it', () => {
    const dir = recordingDir();
    mkdirSync(join(dir, 'alice.wav'));
    mkdirSync(join(dir, 'alice-2.wav'));
    const errors: string[] = [];
    const recorder = new Recorder({ dir, onError: (message) => errors.push(message) });
    recorder.audioFrame('alice', 0, frame(1));
    recorder.close();
    expect(errors).toEqual([]);
    expect(readdirSync(dir)).toContain('alice-3.wav');
  });

  it("places audio by the sender's timestamps, but never past the wall clock: a wild one cannot fill the file with hours of silence", () => {
    const dir = recordingDir();
    let now = 0;
    const recorder = new Recorder({ dir, now: () => now });
    recorder.audioFrame('mallory', 1000, frame(1));
    now = 20;
    recorder.audioFrame('mallory', 1000 + 86_400_000, frame(2)); // a day ahead
    now = 40;
    recorder.audioFrame('mallory', Infinity, frame(3));
    recorder.audioFrame('mallory', Number.NaN, frame(4));
    recorder.close();
    // Four frames, where they arrived: no silence for the stamps that disagree with the clock.
    const seconds = readWav(join(dir, 'mallory.wav')).samples.length / 48_000;
    expect(seconds).toBeCloseTo(0.08, 2);
  });

  it('places the rest of a file right after a bad first stamp, or a sender back with another clock', () => {
    // Two 1 s spurts 5 s apart, captured at sender times t0 and t0 + 6 s; the first frame's stamp is broken.
    const placed = (firstStamp: (ts: number) => number, secondSpurtClock: number): number => {
      const dir = recordingDir();
      let now = 0;
      const recorder = new Recorder({ dir, now: () => now });
      for (let i = 0; i < 50; i++, now += 20) recorder.audioFrame('bob', i === 0 ? firstStamp(1e12) : 1e12 + i * 20, frame(0));
      now = 6000;
      for (let i = 0; i < 50; i++, now += 20) recorder.audioFrame('bob', 1e12 + 6000 + secondSpurtClock + i * 20, frame(1000));
      recorder.close();
      const samples = readWav(join(dir, 'bob.wav')).samples;
      return samples.findIndex((v) => v === 1000) / 48_000;
    };
    expect(placed((ts) => ts, 0)).toBeCloseTo(6, 1);
    expect(placed(() => Number.NaN, 0)).toBeCloseTo(6, 1);
    expect(placed((ts) => ts + 3_600_000, 0)).toBeCloseTo(6, 1);
    // Back (same name) from a machine whose clock is five minutes behind.
    expect(placed((ts) => ts, -300_000)).toBeCloseTo(6, 1);
  });

  it("adds no silence and fills every pause when the link comes back to a server restarted with another clock", () => {
    // 2 s of a loud sender; the recorder's link drops for 2 s and comes back to a server whose clock is `step` off
    // (the sender's stamps move with it); 1 s of voice, a 1 s pause, 1 s of voice; the recording stops at 8 s.
    const record = (step: number): { seconds: number; pauseFilled: boolean; indexTs: number[] } => {
      const dir = recordingDir();
      let real = 0;
      let server = 1e12;
      const recorder = new Recorder({ dir, now: () => real + server, elapsedMs: () => real });
      for (; real < 2000; real += 20) recorder.audioFrame('fay', real + server, frame(1000));
      recorder.participantLeft('fay');
      server += step;
      for (real = 4000; real < 7000; real += 20) if (real < 5000 || real >= 6000) recorder.audioFrame('fay', real + server, frame(2000));
      real = 8000;
      recorder.close();
      const samples = readWav(join(dir, 'fay.wav')).samples;
      const indexTs = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { firstTs: number }).firstTs);
      return { seconds: samples.length / 48_000, pauseFilled: samples.indexOf(2000, 5000 * 48 + 960) >= 6000 * 48, indexTs };
    };
    for (const step of [0, 120_000, -120_000, -5000, 3_600_000]) {
      const { seconds, pauseFilled, indexTs } = record(step);
      expect(seconds, `server clock moved by ${step} ms`).toBeCloseTo(8, 1);
      expect(pauseFilled, `server clock moved by ${step} ms`).toBe(true);
      // The time written into the recording is still the server's.
      expect(indexTs).toEqual([1e12]);
    }
  });

  it("follows a sender whose clock drifts from ours by putting the timeline right in quiet frames, never mid-word", () => {
    // 100 s of a loud voice with a quiet frame every 5 s, from a sender whose sound card runs 500 ppm slow or fast
    // against the clocks: its 20 ms frames come (and are stamped) every 20.01 or 19.99 ms. Then a marker frame.
    const record = (ppm: number): { silences: number; markerErrorMs: number } => {
      const dir = recordingDir();
      const step = 20 * (1 + ppm / 1e6);
      let now = 0;
      const recorder = new Recorder({ dir, now: () => now });
      const frames = 5000;
      for (let i = 0; i < frames; i++) {
        now = i * step;
        recorder.audioFrame('carol', 1e12 + now, i === frames - 1 ? frame(20_000) : frame(i % 250 === 249 ? 0 : 10_000));
      }
      recorder.close();
      const samples = readWav(join(dir, 'carol.wav')).samples;
      // Runs of silence: the 19 quiet frames (lengthened or shortened), or holes written into the voice.
      let silences = 0;
      for (let i = 0; i < samples.length; i++) if (samples[i] === 0 && samples[i - 1] !== 0) silences++;
      const markerErrorMs = (samples.indexOf(20_000) / 48_000) * 1000 - (frames - 1) * step;
      return { silences, markerErrorMs };
    };
    for (const ppm of [500, -500]) {
      const { silences, markerErrorMs } = record(ppm);
      expect(silences).toBe(19);
      expect(Math.abs(markerErrorMs)).toBeLessThanOrEqual(20);
    }
  });

  it('places a backlog that arrives late (this process stopped for 3 s) by its stamps: no silence before it, nothing late after', () => {
    const dir = recordingDir();
    let now = 0;
    const recorder = new Recorder({ dir, now: () => now });
    // 13 s of a loud sender, muted from 10 s to 11 s; frames captured from 4 s to 7 s all arrive at 7 s.
    for (let i = 0; i < 650; i++) {
      const captured = i * 20;
      if (captured >= 10_000 && captured < 11_000) continue;
      now = captured >= 4000 && captured < 7000 ? 7000 : captured;
      recorder.audioFrame('dave', 1e12 + captured, frame(1000));
    }
    now = 13_000;
    recorder.close();
    const samples = readWav(join(dir, 'dave.wav')).samples;
    expect(samples.length / 48_000).toBeCloseTo(13, 1);
    // Silence only where the mute was.
    const silentAt = (ms: number): boolean => samples[Math.round((ms * 48_000) / 1000)] === 0;
    expect([3900, 4100, 5500, 6900, 7100, 9900].some(silentAt)).toBe(false);
    expect([10_050, 10_500, 10_950].every(silentAt)).toBe(true);
    expect(silentAt(11_100)).toBe(false);
  });
  it("lines its sound up with the video frames' capture times when the first frame came late (a process starting)", () => {
    // The first frame reaches us 300 ms after it was captured, the rest 10 ms after; video captured with them.
    const dir = recordingDir();
    let now = 0;
    const server = 1e12;
    const recorder = new Recorder({ dir, now: () => now + server });
    for (let i = 0; i < 100; i++) {
      const captured = i * 20;
      now = i === 0 ? 300 : Math.max(300, captured + 10);
      // Each frame its own value: where it is in the file says when the file says it was.
      recorder.audioFrame('gus', server + captured, frame(1000 + i));
      if (i % 4 === 0) recorder.videoFrame('gus', i / 4, server + captured, server + now, jpeg);
    }
    recorder.close();
    const samples = readWav(join(dir, 'gus.wav')).samples;
    const index = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { file: string; firstTs: number });
    const began = index.find((e) => e.file === 'gus.wav')!.firstTs;
    const log = readFileSync(join(dir, 'gus.frames.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number; captureTs: number });
    // The sound captured with each picture is where the picture's capture time falls in the file.
    for (const { seq, captureTs } of log) {
      const heardAtMs = began + samples.indexOf(1000 + seq * 4) / 48;
      expect(Math.abs(heardAtMs - captureTs), `picture ${seq}`).toBeLessThanOrEqual(20);
    }
  });

  it('places by the stamps a sender whose clock runs 1–2 s ahead of ours: a frame held up on the way cuts no hole into a word', () => {
    // Heard first 1.5 s after it was captured (this process was busy as the call began): 76 frames at once, then one
    // every 20 ms; every 2 s one is held up 100 ms on the way, with those behind it. A loud voice, a pause every 0.5 s.
    const dir = recordingDir();
    let now = 0;
    const recorder = new Recorder({ dir, now: () => now });
    let late = 0;
    for (let i = 0; i < 1500; i++) {
      const captured = i * 20;
      if (i % 100 === 50) late = 100;
      now = Math.max(0, captured - 1500 + late);
      late = Math.max(0, late - 20);
      recorder.audioFrame('erin', 1e12 + captured, frame(i % 25 === 24 ? 300 : 10_000));
    }
    recorder.close();
    const samples = readWav(join(dir, 'erin.wav')).samples;
    // Placed by arrival (the stamps capped a second ahead), each late frame left ~80 ms of silence before it.
    let holes = 0;
    for (let i = 0; i < samples.length; i++) if (samples[i] === 0 && samples[i - 1] !== 0) holes++;
    expect(holes).toBe(0);
    // Never more than a second past the wall clock.
    expect(samples.length / 48_000 - now / 1000).toBeLessThanOrEqual(1);
  });
  it.each([-60_000, -3_600_000, 30_000, 3_600_000])('keeps every frame in place when this machine\'s clock is set by %i ms mid-recording', (stepMs) => {
    // 1 s of voice, 1 s of quiet, 1 s of voice, stamped on the server's clock (which does not move); this machine's
    // wall clock is set half a second in. The CLI's timeline clock is elapsedClock(), with the boot clock on Linux.
    const dir = recordingDir();
    let mono = 0;
    let wall = 1e12;
    const boot = (): number => 7e7 + mono;
    const recorder = new Recorder({ dir, now: () => 5e11 + mono, elapsedMs: elapsedClock({ wall: () => wall, mono: () => mono, boot }) });
    for (; mono < 3000; mono += 20, wall += 20) {
      if (mono === 500) wall += stepMs;
      recorder.audioFrame('ann', 5e11 + mono, frame(mono >= 1000 && mono < 2000 ? 1 : 2000));
    }
    recorder.close();
    const samples = readWav(join(dir, 'ann.wav')).samples;
    // Was: set forward, the file was as much longer, silence that never happened at its end.
    expect(samples.length / 48_000).toBeCloseTo(3, 1);
    expect(samples.filter((v) => v === 1).length / 48_000).toBeCloseTo(1, 1);
    expect(samples.filter((v) => v === 2000).length / 48_000).toBeCloseTo(2, 1);
  });
  it('keeps the time this machine slept in place, as silence', () => {
    // 1 s of voice, 5 s asleep (the monotonic clock stopped; boot and wall went on, and so did the sender), 1 s more.
    const dir = recordingDir();
    let mono = 0;
    let asleep = 0;
    const boot = (): number => 7e7 + mono + asleep;
    const wall = (): number => 1e12 + mono + asleep;
    const recorder = new Recorder({ dir, now: () => 5e11 + mono + asleep, elapsedMs: elapsedClock({ wall, mono: () => mono, boot }) });
    for (; mono < 2000; mono += 20) {
      if (mono === 1000) asleep = 5000;
      recorder.audioFrame('ann', 5e11 + mono + asleep, frame(2000));
    }
    recorder.close();
    const samples = readWav(join(dir, 'ann.wav')).samples;
    expect(samples.length / 48_000).toBeCloseTo(7, 1);
    expect(samples.subarray(48_000, 6 * 48_000).every((v) => v === 0)).toBe(true);
    expect(samples.filter((v) => v === 2000).length / 48_000).toBeCloseTo(2, 1);
  });
  it.each([-3_600_000, 30_000])('without a boot clock (not Linux) keeps every frame when the clock is set by %i ms', (stepMs) => {
    const dir = recordingDir();
    let mono = 0;
    let wall = 1e12;
    const recorder = new Recorder({ dir, now: () => 5e11 + mono, elapsedMs: elapsedClock({ wall: () => wall, mono: () => mono }) });
    for (; mono < 3000; mono += 20, wall += 20) {
      if (mono === 500) wall += stepMs;
      recorder.audioFrame('ann', 5e11 + mono, frame(mono >= 1000 && mono < 2000 ? 1 : 2000));
    }
    recorder.close();
    const samples = readWav(join(dir, 'ann.wav')).samples;
    if (stepMs < 0) expect(samples.length / 48_000).toBeCloseTo(3, 1);
    // Forward looks like the machine asleep there: the time counts, but no frame is lost.
    expect(samples.filter((v) => v === 1).length / 48_000).toBeCloseTo(1, 1);
    expect(samples.filter((v) => v === 2000).length / 48_000).toBeCloseTo(2, 1);
  });
});

