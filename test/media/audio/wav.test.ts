import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { FRAME_MS, SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import {
  WavFileWriter,
  createLoopSource,
  createWavFileSource,
  parseWav,
  readWavFile,
  toMono48k,
} from '../../../src/media/audio/wav.js';
import { createToneSource, ToneGenerator } from '../../../src/media/audio/tone.js';
import { resample } from '../../../src/media/audio/resample.js';
import { AUDIO_ERROR_CODES } from '../../../src/media/audio/errors.js';
import type { Pacer } from '../../../src/util/pacer.js';
import { toneFraction } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-wav-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds a WAV file in memory with the given header fields. */
function wavBytes(opts: { rate: number; channels: number; bits?: number; format?: number; samples: Int16Array }): Uint8Array {
  const bits = opts.bits ?? 16;
  const data = new Uint8Array(opts.samples.buffer, opts.samples.byteOffset, opts.samples.byteLength);
  const buf = new Uint8Array(44 + data.length);
  const v = new DataView(buf.buffer);
  buf.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  v.setUint32(4, 36 + data.length, true);
  buf.set([...'WAVEfmt '].map((c) => c.charCodeAt(0)), 8);
  v.setUint32(16, 16, true);
  v.setUint16(20, opts.format ?? 1, true);
  v.setUint16(22, opts.channels, true);
  v.setUint32(24, opts.rate, true);
  v.setUint32(28, (opts.rate * opts.channels * bits) / 8, true);
  v.setUint16(32, (opts.channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  buf.set([...'data'].map((c) => c.charCodeAt(0)), 36);
  v.setUint32(40, data.length, true);
  buf.set(data, 44);
  return buf;
}

function sine(hz: number, rate: number, seconds: number, channels = 1): Int16Array {
  const n = Math.round(rate * seconds);
  const out = new Int16Array(n * channels);
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) out[i * channels + c] = Math.round(10_000 * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

describe('parseWav', () => {
  test('reads the speech fixture as 48 kHz mono', async () => {
    const wav = parseWav(readFileSync('fixtures/speech.wav'));
    expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1 });
    expect((await readWavFile('fixtures/speech.wav')).length).toBe(wav.samples.length);
  });

  test('stereo 44.1 kHz is downmixed and resampled, keeping the tone', () => {
    const wav = parseWav(wavBytes({ rate: 44_100, channels: 2, samples: sine(1000, 44_100, 0.5, 2) }));
    const mono = toMono48k(wav);
    expect(mono.length).toBe(24_000);
    expect(toneFraction(mono.subarray(2000, 22_000), 1000)).toBeGreaterThan(0.98);
  });

  test('downsampling removes content above the new Nyquist frequency instead of aliasing it', () => {
    // A 30 kHz tone at 96 kHz cannot exist at 48 kHz; a naive decimator would fold it to 18 kHz at full level.
    const out = resample(sine(30_000, 96_000, 0.2), 96_000, 48_000);
    let rms = 0;
    for (const v of out.subarray(500, 9000)) rms += v * v;
    expect(Math.sqrt(rms / 8500)).toBeLessThan(100); // from 7,071 in: > 37 dB down
  });

  const errors: Array<{ name: string; bytes: Uint8Array; code: string }> = [
    { name: 'not RIFF', bytes: new TextEncoder().encode('hello world, not a wav'), code: AUDIO_ERROR_CODES.WAV_INVALID },
    { name: 'no data chunk', bytes: wavBytes({ rate: 8000, channels: 1, samples: new Int16Array(4) }).slice(0, 36), code: AUDIO_ERROR_CODES.WAV_INVALID },
    { name: '24-bit', bytes: wavBytes({ rate: 48_000, channels: 1, bits: 24, samples: new Int16Array(6) }), code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED },
    { name: 'float', bytes: wavBytes({ rate: 48_000, channels: 1, bits: 32, format: 3, samples: new Int16Array(8) }), code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED },
  ];
  test.each(errors)('$name → $code', ({ bytes, code }) => {
    expect(() => parseWav(bytes)).toThrow(expect.objectContaining({ code }));
  });

  test('a missing file is a coded error', async () => {
    await expect(readWavFile(join(dir, 'nope.wav'))).rejects.toMatchObject({ code: AUDIO_ERROR_CODES.WAV_INVALID });
  });
});

/** A pacer driven by hand: `tick()` fires the next period. */
function manualPacer(): { pacer: (ms: number, tick: (i: number) => void) => Pacer; tick: () => void; skip: () => void; periodMs: () => number } {
  let fire: ((i: number) => void) | undefined;
  let period = 0;
  let index = 0;
  return {
    pacer: (ms, tick) => {
      period = ms;
      fire = tick;
      return { stop: () => (fire = undefined) };
    },
    tick: () => fire?.(index++),
    skip: () => void index++,
    periodMs: () => period,
  };
}

describe('sources', () => {
  test('loop source wraps without a gap', () => {
    const samples = Int16Array.from({ length: 1500 }, (_, i) => i);
    const m = manualPacer();
    const frames: Int16Array[] = [];
    const src = createLoopSource(samples, { pacer: m.pacer, clock: { wallMs: () => 1 } });
    src.start((pcm) => frames.push(pcm), () => {});
    m.tick();
    m.tick();
    expect(m.periodMs()).toBe(FRAME_MS);
    expect(frames[0]![959]).toBe(959);
    expect(frames[1]![0]).toBe(960);
    expect(frames[1]![539]).toBe(1499);
    expect(frames[1]![540]).toBe(0);
  });

  test('loop source: a tick the process was too busy for leaves its 20 ms out, and the rest stays in time', () => {
    const samples = Int16Array.from({ length: 4800 }, (_, i) => i);
    const m = manualPacer();
    const frames: Array<{ first: number; ts: number }> = [];
    const src = createLoopSource(samples, { pacer: m.pacer, clock: { wallMs: () => 1_000 } });
    src.start((pcm, ts) => frames.push({ first: pcm[0]!, ts }), () => {});
    m.tick();
    m.skip();
    m.tick();
    // The third frame is the loop's third 20 ms, stamped 40 ms after the first: nothing shifted against its time.
    expect(frames).toEqual([{ first: 0, ts: 1_000 }, { first: 1_920, ts: 1_040 }]);
  });

  test('tone frames have continuous phase', () => {
    const g = new ToneGenerator(440, 0.5);
    const a = g.next();
    const b = g.next();
    // The step across the frame edge is no bigger than the largest step inside a frame.
    let maxStep = 0;
    for (let i = 1; i < a.length; i++) maxStep = Math.max(maxStep, Math.abs(a[i]! - a[i - 1]!));
    expect(Math.abs(b[0]! - a[a.length - 1]!)).toBeLessThanOrEqual(maxStep + 1);
    expect(toneFraction(Int16Array.from([...a, ...b]), 440)).toBeGreaterThan(0.97);
  });

  test.each([
    { name: 'tone', make: async () => createToneSource(440) },
    { name: 'wav', make: async () => createWavFileSource('fixtures/speech.wav') },
  ])('$name source is paced in real time (one 20 ms frame per 20 ms)', async ({ make }) => {
    const src = await make();
    const stamps: number[] = [];
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      src.start((pcm, ts) => {
        expect(pcm.length).toBe(SAMPLES_PER_FRAME);
        stamps.push(ts);
        if (stamps.length === 26) resolve();
      }, reject);
    });
    const elapsed = performance.now() - started;
    await src.stop();
    // 26 frames: the first fires at once, 25 periods later the last: 500 ms. The upper bound only catches a source
    // paced several times too slowly (a frame per 100 ms: 2.5 s); a loaded 2-core CI machine may run a second late.
    expect(elapsed).toBeGreaterThan(480);
    expect(elapsed).toBeLessThan(2000);
    expect(stamps.at(-1)! - stamps[0]!).toBeGreaterThan(480);
  });
});

describe('WavFileWriter', () => {
  test('the file is valid mid-write, and complete after the header interval and on close', () => {
    let now = 0;
    const path = join(dir, 'rec.wav');
    const w = new WavFileWriter(path, { now: () => now });
    expect(parseWav(readFileSync(path)).samples.length).toBe(0);
    const frame = Int16Array.from({ length: SAMPLES_PER_FRAME }, (_, i) => i - 480);
    w.append(frame);
    now = 100;
    w.append(frame);
    // Sizes not rewritten yet (cheap), but the file parses: the data chunk holds at least what the header says.
    const mid = readFileSync(path);
    const view = new DataView(mid.buffer, mid.byteOffset);
    expect(view.getUint32(40, true)).toBe(0);
    expect(mid.length).toBe(44 + 2 * 2 * SAMPLES_PER_FRAME);
    expect(parseWav(mid).samples.length).toBe(2 * SAMPLES_PER_FRAME); // a zero size is read to the end
    now = 600;
    w.append(frame);
    const after = readFileSync(path);
    expect(new DataView(after.buffer, after.byteOffset).getUint32(40, true)).toBe(3 * 2 * SAMPLES_PER_FRAME);
    expect(new DataView(after.buffer, after.byteOffset).getUint32(4, true)).toBe(36 + 3 * 2 * SAMPLES_PER_FRAME);
    w.writeSilence(10_000);
    expect(w.samplesWritten).toBe(3 * SAMPLES_PER_FRAME + 10_000);
    w.close();
    w.close();
    const done = parseWav(readFileSync(path));
    expect(done).toMatchObject({ sampleRate: 48_000, channels: 1 });
    expect(done.samples.length).toBe(3 * SAMPLES_PER_FRAME + 10_000);
    expect(done.samples[SAMPLES_PER_FRAME + 5]).toBe(5 - 480);
    expect(done.samples.at(-1)).toBe(0);
    expect(() => w.append(frame)).toThrow();
  });

  test('a suspended file holds no descriptor, has its sizes right, and goes on where it stopped', () => {
    const path = join(dir, 'suspended.wav');
    const w = new WavFileWriter(path, { headerIntervalMs: 60_000 });
    w.append(new Int16Array(SAMPLES_PER_FRAME).fill(100));
    const fds = (): number => readdirSync('/proc/self/fd').length;
    const open = fds();
    w.suspend();
    expect(fds()).toBe(open - 1);
    expect(parseWav(readFileSync(path)).samples.length).toBe(SAMPLES_PER_FRAME); // sizes written, not 60 s later
    w.append(new Int16Array(SAMPLES_PER_FRAME).fill(200));
    w.close();
    const done = parseWav(readFileSync(path)).samples;
    expect([done.length, done[0], done[SAMPLES_PER_FRAME]]).toEqual([2 * SAMPLES_PER_FRAME, 100, 200]);
    // Suspended, then closed: nothing to reopen, and nothing more can be written.
    const other = new WavFileWriter(join(dir, 'suspended-2.wav'));
    other.suspend();
    other.close();
    expect(() => other.append(new Int16Array(1))).toThrow(/closed/);
  });

  test('a file whose header lags its data still parses (sox agrees)', () => {
    const path = join(dir, 'lag.wav');
    let now = 0;
    const w = new WavFileWriter(path, { now: () => now });
    now = 1000;
    w.append(new Int16Array(SAMPLES_PER_FRAME).fill(100));
    w.append(new Int16Array(SAMPLES_PER_FRAME).fill(200)); // header says one frame, file holds two: as after a crash
    const parsed = parseWav(readFileSync(path));
    expect(parsed.samples.length).toBe(SAMPLES_PER_FRAME);
    writeFileSync(join(dir, 'copy.wav'), readFileSync(path));
    w.close();
  });
});

test('WavFileWriter on a full disk leaves no file rather than a 0-byte one no player opens', () => {
  // A real 4 KiB tmpfs, filled to the last block.
  const small = join(dir, 'full-disk');
  mkdirSync(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', small]);
  try {
    try {
      writeFileSync(join(small, 'filler'), Buffer.alloc(64 * 1024));
    } catch {
      // Full: what was wanted.
    }
    const path = join(small, 'late.wav');
    expect(() => new WavFileWriter(path)).toThrow(/ENOSPC|could be written/);
    expect(existsSync(path)).toBe(false);
  } finally {
    execFileSync('umount', ['--lazy', small]);
  }
});


test('WavFileWriter fills an hour of silence without writing it: the file says an hour and takes no room', () => {
  // A real 1 MiB tmpfs: an hour of zeros written out (345 MB, and seconds of the call held up) would not fit.
  const small = join(dir, 'small-disk');
  mkdirSync(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
  try {
    const path = join(small, 'back-after-an-hour.wav');
    const w = new WavFileWriter(path, { headerIntervalMs: 0 });
    w.append(new Int16Array(SAMPLES_PER_FRAME).fill(100));
    const hour = 48_000 * 3600;
    w.writeSilence(hour);
    w.append(new Int16Array(SAMPLES_PER_FRAME).fill(200));
    w.close();
    const bytes = 2 * (2 * SAMPLES_PER_FRAME + hour);
    const fd = openSync(path, 'r');
    try {
      const header = Buffer.alloc(44);
      readSync(fd, header, 0, 44, 0);
      expect([header.readUInt32LE(4), header.readUInt32LE(40)]).toEqual([36 + bytes, bytes]);
      const around = Buffer.alloc(8);
      // The last silent sample and the first of the frame after the hour.
      readSync(fd, around, 0, 8, 44 + bytes - 2 * SAMPLES_PER_FRAME - 4);
      expect([around.readInt16LE(0), around.readInt16LE(2), around.readInt16LE(4), around.readInt16LE(6)]).toEqual([0, 0, 200, 200]);
    } finally {
      closeSync(fd);
    }
    expect(statSync(path).size).toBe(44 + bytes);
    expect(statSync(path).blocks * 512).toBeLessThan(64 * 1024);
  } finally {
    execFileSync('umount', ['--lazy', small]);
  }
});
