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
  return wavOf({ ...opts, data: new Uint8Array(opts.samples.buffer, opts.samples.byteOffset, opts.samples.byteLength) });
}

/** The KSDATAFORMAT_SUBTYPE GUID of a format tag (WAVE_FORMAT_EXTENSIBLE's SubFormat). */
function subtypeGuid(tag: number): number[] {
  return [tag & 0xff, tag >> 8, 0, 0, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
}

/**
 * A WAV file of any sample bytes: a plain 16-byte fmt chunk, or with `subFormat` a 40-byte WAVE_FORMAT_EXTENSIBLE
 * one carrying that GUID. `blockAlign` defaults to what the bits and channels take.
 */
function wavOf(opts: { rate: number; channels: number; bits?: number; format?: number; data: Uint8Array; subFormat?: number[]; blockAlign?: number; fmtSize?: number }): Uint8Array {
  const bits = opts.bits ?? 16;
  const fmtSize = opts.fmtSize ?? (opts.subFormat ? 40 : 16);
  const data = opts.data;
  const buf = new Uint8Array(28 + fmtSize + data.length);
  const v = new DataView(buf.buffer);
  buf.set([...'RIFF'].map((c) => c.charCodeAt(0)), 0);
  v.setUint32(4, buf.length - 8, true);
  buf.set([...'WAVEfmt '].map((c) => c.charCodeAt(0)), 8);
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, opts.subFormat ? 0xfffe : (opts.format ?? 1), true);
  v.setUint16(22, opts.channels, true);
  v.setUint32(24, opts.rate, true);
  const blockAlign = opts.blockAlign ?? opts.channels * Math.ceil(bits / 8);
  v.setUint32(28, opts.rate * blockAlign, true);
  v.setUint16(32, blockAlign, true);
  v.setUint16(34, bits, true);
  if (opts.subFormat) {
    v.setUint16(36, 22, true); // cbSize
    v.setUint16(38, bits, true); // valid bits
    v.setUint32(40, opts.channels === 2 ? 3 : 4, true); // channel mask: FL|FR, or FC
    buf.set(opts.subFormat.slice(0, fmtSize - 24), 44);
  }
  const dataAt = 20 + fmtSize;
  buf.set([...'data'].map((c) => c.charCodeAt(0)), dataAt);
  v.setUint32(dataAt + 4, data.length, true);
  buf.set(data, dataAt + 8);
  return buf;
}

/** Little-endian bytes of `values`, each `bytes` wide (two's complement for negatives). */
function intBytes(values: number[], bytes: number): Uint8Array {
  const out = new Uint8Array(values.length * bytes);
  values.forEach((value, i) => {
    for (let b = 0; b < bytes; b++) out[i * bytes + b] = Math.floor(value / 2 ** (8 * b)) & 0xff;
  });
  return out;
}

function floatBytes(values: number[], bits: 32 | 64): Uint8Array {
  const array = bits === 32 ? Float32Array.from(values) : Float64Array.from(values);
  return new Uint8Array(array.buffer);
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

  // Integers keep their top 16 bits, rounded to nearest (only the largest round past 32767 and stay there); 8-bit is
  // unsigned; floats are clipped to [−1, 1] and scaled by 32768, as ffmpeg does.
  const FLOATS = [0, 0.5, -0.5, 1, -1, 1.5, -2, Number.NaN, 1 / 32768, -3 / 65536, 0.99999];
  const FLOATS_AS_16 = [0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 1, -1, 32767];
  const formats: Array<{ name: string; wav: Uint8Array; channels: number; samples: number[] }> = [
    { name: '8-bit unsigned', wav: wavOf({ rate: 8000, channels: 1, bits: 8, data: Uint8Array.from([0, 128, 255, 1, 129]) }), channels: 1, samples: [-32768, 0, 32512, -32512, 256] },
    {
      name: '24-bit stereo',
      wav: wavOf({ rate: 44_100, channels: 2, bits: 24, data: intBytes([0x7f_ffff, -0x80_0000, 0x80, 0x7f, 0x12_3456, -1, -128, -129, 0x12_3480, -0x12_3480], 3) }),
      channels: 2,
      samples: [32767, -32768, 1, 0, 0x1234, 0, 0, -1, 0x1235, -0x1234],
    },
    {
      name: '32-bit',
      wav: wavOf({ rate: 48_000, channels: 1, bits: 32, data: intBytes([0x7fff_ffff, -0x8000_0000, 0x8000, 0x7fff, 0x1234_5678, 0x1234_8000, -0x8001], 4) }),
      channels: 1,
      samples: [32767, -32768, 1, 0, 0x1234, 0x1235, -1],
    },
    { name: '20-bit in 3 bytes', wav: wavOf({ rate: 48_000, channels: 1, bits: 20, data: intBytes([0x12_3450, -0x10_0000], 3) }), channels: 1, samples: [0x1234, -0x1000] },
    { name: '32-bit float', wav: wavOf({ rate: 48_000, channels: 1, bits: 32, format: 3, data: floatBytes(FLOATS, 32) }), channels: 1, samples: FLOATS_AS_16 },
    { name: '64-bit float', wav: wavOf({ rate: 48_000, channels: 1, bits: 64, format: 3, data: floatBytes(FLOATS, 64) }), channels: 1, samples: FLOATS_AS_16 },
    {
      name: 'EXTENSIBLE 32-bit float stereo',
      wav: wavOf({ rate: 96_000, channels: 2, bits: 32, subFormat: subtypeGuid(3), data: floatBytes(FLOATS.slice(0, 10), 32) }),
      channels: 2,
      samples: FLOATS_AS_16.slice(0, 10),
    },
    { name: 'EXTENSIBLE 24-bit PCM', wav: wavOf({ rate: 48_000, channels: 1, bits: 24, subFormat: subtypeGuid(1), data: intBytes([0x12_3456, -0x12_3456], 3) }), channels: 1, samples: [0x1234, -0x1234] },
    { name: 'EXTENSIBLE 16-bit PCM', wav: wavOf({ rate: 48_000, channels: 1, bits: 16, subFormat: subtypeGuid(1), data: intBytes([1234, -1234], 2) }), channels: 1, samples: [1234, -1234] },
  ];
  test.each(formats)('$name is read, each sample as 16 bits', ({ wav, channels, samples }) => {
    const parsed = parseWav(wav);
    expect(parsed.channels).toBe(channels);
    expect([...parsed.samples]).toEqual(samples);
  });

  test('24-bit stereo at 44.1 kHz is downmixed and resampled, keeping the tone', async () => {
    const left = [...sine(1000, 44_100, 0.5)].map((v) => v * 256 + 77);
    const interleaved = left.flatMap((v) => [v, v]);
    const path = join(dir, 's24-stereo.wav');
    writeFileSync(path, wavOf({ rate: 44_100, channels: 2, bits: 24, data: intBytes(interleaved, 3) }));
    const mono = await readWavFile(path);
    expect(mono.length).toBe(24_000);
    expect(toneFraction(mono.subarray(2000, 22_000), 1000)).toBeGreaterThan(0.98);
  });

  test.each([
    { name: '24-bit', bits: 24, format: 1, bytes: 3 },
    { name: '64-bit float', bits: 64, format: 3, bytes: 8 },
    { name: '8-bit', bits: 8, format: 1, bytes: 1 },
  ])('$name: the length limit counts frames, not 2-byte samples', async ({ name, bits, format, bytes }) => {
    const path = join(dir, `long-${bits}-${format}.wav`);
    writeFileSync(path, wavOf({ rate: 8000, channels: 2, bits, format, data: new Uint8Array(3 * 8000 * 2 * bytes) }));
    await expect(readWavFile(path, { maxSeconds: 2 }), name).rejects.toMatchObject({ message: `WAV file ${path} lasts 3 s, longer than the 2 s read to loop; cut it shorter` });
    expect((await readWavFile(path, { maxSeconds: 3 })).length).toBe(3 * 48_000);
  });

  const HINT = 'convert it with: ffmpeg -i IN -ar 48000 -ac 1 OUT.wav';
  const errors: Array<{ name: string; bytes: Uint8Array; code: string; message?: string }> = [
    { name: 'not RIFF', bytes: new TextEncoder().encode('hello world, not a wav'), code: AUDIO_ERROR_CODES.WAV_INVALID },
    { name: 'no data chunk', bytes: wavBytes({ rate: 8000, channels: 1, samples: new Int16Array(4) }).slice(0, 36), code: AUDIO_ERROR_CODES.WAV_INVALID },
    {
      name: 'µ-law',
      bytes: wavOf({ rate: 8000, channels: 1, bits: 8, format: 7, data: new Uint8Array(8) }),
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `WAV holds µ-law audio, which is not read (only PCM and float are); ${HINT}`,
    },
    { name: 'A-law', bytes: wavOf({ rate: 8000, channels: 1, bits: 8, format: 6, data: new Uint8Array(8) }), code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED, message: `WAV holds A-law audio, which is not read (only PCM and float are); ${HINT}` },
    {
      name: 'MS ADPCM',
      bytes: wavOf({ rate: 8000, channels: 1, bits: 4, format: 2, blockAlign: 256, data: new Uint8Array(256) }),
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `WAV holds Microsoft ADPCM audio, which is not read (only PCM and float are); ${HINT}`,
    },
    {
      name: 'MP3 in WAV',
      bytes: wavOf({ rate: 44_100, channels: 2, bits: 0, format: 0x55, blockAlign: 1, data: new Uint8Array(8) }),
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `WAV holds MP3 audio, which is not read (only PCM and float are); ${HINT}`,
    },
    {
      name: 'EXTENSIBLE carrying µ-law',
      bytes: wavOf({ rate: 8000, channels: 1, bits: 8, subFormat: subtypeGuid(7), data: new Uint8Array(8) }),
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `WAV holds µ-law audio, which is not read (only PCM and float are); ${HINT}`,
    },
    {
      name: 'EXTENSIBLE with another GUID (ambisonic B-format)',
      bytes: wavOf({ rate: 48_000, channels: 1, bits: 16, subFormat: [1, 0, 0, 0, 0x21, 0x07, 0xd3, 0x11, 0x86, 0x44, 0xc8, 0xc1, 0xca, 0x00, 0x00, 0x00], data: new Uint8Array(8) }),
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `WAV holds audio of an unknown WAVE_FORMAT_EXTENSIBLE subtype, which is not read (only PCM and float are); ${HINT}`,
    },
    { name: '16-bit float', bytes: wavOf({ rate: 48_000, channels: 1, bits: 16, format: 3, data: new Uint8Array(8) }), code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED, message: `WAV holds 16-bit float samples, which are not read; ${HINT}` },
    {
      name: 'a block size that lies (24-bit stereo said to take 4 bytes a frame)',
      bytes: wavOf({ rate: 48_000, channels: 2, bits: 24, blockAlign: 4, data: new Uint8Array(24) }),
      code: AUDIO_ERROR_CODES.WAV_INVALID,
      message: 'WAV header is inconsistent: 2 channels of 24-bit samples take 6 bytes a frame, not 4',
    },
    { name: '16-bit with a block size of 3', bytes: wavOf({ rate: 48_000, channels: 1, bits: 16, blockAlign: 3, data: new Uint8Array(6) }), code: AUDIO_ERROR_CODES.WAV_INVALID },
    { name: 'EXTENSIBLE fmt chunk cut short', bytes: wavOf({ rate: 48_000, channels: 1, bits: 16, subFormat: subtypeGuid(1), fmtSize: 24, data: new Uint8Array(8) }), code: AUDIO_ERROR_CODES.WAV_INVALID },
  ];
  test.each(errors)('$name → $code', ({ bytes, code, message }) => {
    expect(() => parseWav(bytes)).toThrow(expect.objectContaining(message ? { code, message } : { code }));
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
