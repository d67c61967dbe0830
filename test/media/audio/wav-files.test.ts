/**
 * `--audio wav:PATH` with files as they come: a seeded variety written by the real ffmpeg (rates, channel layouts,
 * sample formats, WAVE_FORMAT_EXTENSIBLE, LIST/fact chunks before the data, a streaming writer's data size of 0 or 0xFFFFFFFF), and
 * things that are not files at all (a pipe with no end in sight).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWavFile } from '../../../src/media/audio/wav.js';
import { AUDIO_ERROR_CODES } from '../../../src/media/audio/errors.js';
import { rng } from '../../helpers/rng.js';

const SEED = Number(process.env['WAVFILES_SEED'] ?? 11);
const dir = mkdtempSync(join(tmpdir(), 'lc-wavfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(...args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  expect(made.status, made.stderr.toString()).toBe(0);
}

/** The file with its data chunk's size field set to `size` (a streaming writer leaves 0 or 0xFFFFFFFF there). */
function withDataSize(bytes: Uint8Array, size: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const at = Buffer.from(out).indexOf('data');
  new DataView(out.buffer).setUint32(at + 4, size, true);
  return out;
}

/** Half the number of sign changes per second: the frequency of a sine. */
function frequency(samples: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings++;
  return crossings / 2 / (samples.length / 48_000);
}

describe(`WAV files as ffmpeg writes them (seed ${SEED})`, () => {
  it('each plays for as long as the file lasts, at its pitch, whatever its rate, channels and header', async () => {
    const next = rng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    for (let i = 0; i < 6; i++) {
      const rate = pick([8000, 11_025, 22_050, 44_100, 48_000, 96_000]);
      const layout = pick(['mono', 'stereo', '5.1']);
      const seconds = 0.3 + Math.round(next() * 10) / 10;
      const hz = 200 + Math.floor(next() * 400);
      const path = join(dir, `t${i}.wav`);
      // 5.1 and 96 kHz make ffmpeg write WAVE_FORMAT_EXTENSIBLE; -metadata puts a LIST chunk before the data.
      ffmpeg('-f', 'lavfi', '-i', `sine=f=${hz}:d=${seconds}:r=${rate}`, '-af', `aformat=channel_layouts=${layout}`, '-metadata', 'title=x', '-c:a', 'pcm_s16le', path);
      const header = pick(['as written', 'size 0', 'size 0xFFFFFFFF']);
      if (header !== 'as written') writeFileSync(path, withDataSize(readFileSync(path), header === 'size 0' ? 0 : 0xffff_ffff));
      const what = `${rate} Hz ${layout} ${seconds} s ${hz} Hz, data size ${header}`;
      const samples = await readWavFile(path);
      expect(Math.abs(samples.length / 48_000 - seconds), what).toBeLessThan(0.001);
      expect(Math.abs(frequency(samples) - hz), what).toBeLessThan(hz * 0.02);
    }
  }, 20_000);
});

/** Root mean square of the samples. */
function rms(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return Math.sqrt(sum / samples.length);
}

describe('WAV files in the sample formats ffmpeg writes', () => {
  // ffmpeg's sine source is at 1/8 of full scale: RMS 32768 / 8 / √2.
  const LEVEL = 32768 / 8 / Math.SQRT2;
  it.each([
    { codec: 'pcm_u8', layout: 'mono' },
    { codec: 'pcm_s24le', layout: 'mono' },
    { codec: 'pcm_s24le', layout: 'stereo' },
    { codec: 'pcm_s32le', layout: 'mono' },
    { codec: 'pcm_f32le', layout: 'stereo' },
    { codec: 'pcm_f64le', layout: 'mono' },
  ])('$codec $layout plays at its pitch and level', async ({ codec, layout }) => {
    // 24/32-bit and float make ffmpeg write WAVE_FORMAT_EXTENSIBLE (float as its IEEE_FLOAT subtype).
    const path = join(dir, `${codec}-${layout}.wav`);
    // Both channels the tone itself (ffmpeg's own mono → stereo upmix lowers each by 3 dB).
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:d=1', '-af', layout === 'stereo' ? 'pan=stereo|c0=c0|c1=c0' : 'anull', '-c:a', codec, path);
    const samples = await readWavFile(path);
    expect(samples.length).toBe(48_000);
    expect(Math.abs(frequency(samples) - 440)).toBeLessThan(440 * 0.01);
    // 8-bit keeps 1/256 of the steps: its level is off by its quantisation noise at most.
    expect(Math.abs(rms(samples) - LEVEL)).toBeLessThan(codec === 'pcm_u8' ? LEVEL * 0.02 : 2);
  });

  it.each([
    { codec: 'pcm_mulaw', name: 'µ-law' },
    { codec: 'pcm_alaw', name: 'A-law' },
    { codec: 'adpcm_ms', name: 'Microsoft ADPCM' },
  ])('$codec is refused in one sentence that says how to convert it', async ({ codec, name }) => {
    const path = join(dir, `${codec}.wav`);
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:d=1', '-c:a', codec, path);
    await expect(readWavFile(path)).rejects.toMatchObject({
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `WAV holds ${name} audio, which is not read (only PCM and float are); convert it with: ffmpeg -i IN -ar 48000 -ac 1 OUT.wav`,
    });
    // The conversion the sentence names gives a file that is read.
    const converted = join(dir, `${codec}-converted.wav`);
    ffmpeg('-i', path, '-ar', '48000', '-ac', '1', converted);
    expect(Math.abs(frequency(await readWavFile(converted)) - 440)).toBeLessThan(440 * 0.01);
  });
});

describe('WAV files too large to hold', () => {
  it('a file over the limit is refused in a sentence before it is read', async () => {
    const path = join(dir, 'long.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=d=20:r=48000', '-c:a', 'pcm_s16le', path);
    await expect(readWavFile(path, { maxBytes: 2 ** 20 })).rejects.toMatchObject({ code: AUDIO_ERROR_CODES.WAV_INVALID, message: expect.stringContaining('larger than 1 MB') as unknown });
  });

  it('a pipe that keeps giving (wav:/dev/zero, a process substitution) is refused at the limit, not read to its end', async () => {
    const fifo = join(dir, 'endless.wav');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Finite here so the old reader ends too; /dev/zero itself grew to 5 GB.
    const writer = spawn('sh', ['-c', `head -c 3000000 /dev/zero > '${fifo}'`], { stdio: 'ignore' });
    try {
      await expect(readWavFile(fifo, { maxBytes: 2 ** 20 })).rejects.toMatchObject({ code: AUDIO_ERROR_CODES.WAV_INVALID, message: expect.stringContaining('larger than 1 MB') as unknown });
    } finally {
      writer.kill();
    }
  });

  it('a WAV through a pipe within the limit is read whole', async () => {
    const path = join(dir, 'short.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=d=1:r=48000', '-c:a', 'pcm_s16le', path);
    const fifo = join(dir, 'short-fifo.wav');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const writer = spawn('sh', ['-c', `cat '${path}' > '${fifo}'`], { stdio: 'ignore' });
    expect((await readWavFile(fifo)).length).toBe(48_000);
    writer.kill();
  });
});

describe('WAV files too long to hold', () => {
  it('a file lasting longer than the limit is refused, before its conversion to 48 kHz (hours at a low rate)', async () => {
    const path = join(dir, 'phone-call.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=d=3:r=8000', '-c:a', 'pcm_s16le', path);
    await expect(readWavFile(path, { maxSeconds: 2 })).rejects.toMatchObject({
      code: AUDIO_ERROR_CODES.WAV_INVALID,
      message: `WAV file ${path} lasts 3 s, longer than the 2 s read to loop; cut it shorter`,
    });
    expect((await readWavFile(path, { maxSeconds: 3 })).length).toBe(3 * 48_000);
  });
});
