/**
 * `--audio wav:PATH` with more than two channels: mixed down by where each channel's speaker stands (ITU-R BS.775
 * weights), read from WAVE_FORMAT_EXTENSIBLE's channel mask or, without one, the standard order; never clipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, test } from 'vitest';
import { monoWeights, speakerPositions } from '../../../src/media/audio/downmix.js';
import { parseWav, readWavFile, toMono48k } from '../../../src/media/audio/wav.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-wav-downmix-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ffmpeg(...args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  expect(made.status, made.stderr.toString()).toBe(0);
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return Math.sqrt(sum / samples.length);
}

const dB = (ratio: number): number => 20 * Math.log10(ratio);

/** ffmpeg's sine source: 1/8 of full scale, RMS 32768 / 8 / √2; the same tone in a mono file reads at this level. */
const MONO_LEVEL = 32768 / 8 / Math.SQRT2;

describe('a tone in one channel of a multichannel file, as ffmpeg writes it (WAVE_FORMAT_EXTENSIBLE)', () => {
  it.each([
    // Before: every channel was averaged in, so each of these was 1/6 (−15.6 dB) of the mono level.
    { layout: '5.1', channel: 'FC', db: -3.01, why: 'the centre (dialogue) as in the stereo downmix: −3 dB' },
    { layout: '5.1', channel: 'FL', db: -6.02, why: 'a front side, averaged with the other side' },
    { layout: '5.1', channel: 'BL', db: -9.03, why: 'a surround: −3 dB into its side' },
    { layout: '5.1(side)', channel: 'SR', db: -9.03, why: 'a side surround (mask FL|FR|FC|LFE|SL|SR)' },
    { layout: '7.1', channel: 'FC', db: -3.01, why: 'the centre of 7.1' },
  ])('$layout $channel: $why', async ({ layout, channel, db }) => {
    const path = join(dir, `${layout}-${channel}.wav`);
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:d=1:r=48000', '-af', `pan=${layout}|${channel}=c0`, '-c:a', 'pcm_s16le', path);
    const mono = await readWavFile(path);
    expect(mono.length).toBe(48_000);
    expect(dB(rms(mono) / MONO_LEVEL)).toBeCloseTo(db, 1);
  });

  test('the LFE channel is left out (it is meant for a subwoofer)', async () => {
    const path = join(dir, 'lfe.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=60:d=1:r=48000', '-af', 'pan=5.1|LFE=c0', '-c:a', 'pcm_s16le', path);
    expect(rms(await readWavFile(path))).toBe(0);
  });

  test('full scale in every channel at once is turned down to fit, not clipped', async () => {
    const path = join(dir, 'loud.wav');
    ffmpeg('-f', 'lavfi', '-i', 'aevalsrc=0.999*sin(2*PI*440*t):d=1:s=48000', '-af', 'pan=5.1|FL=c0|FR=c0|FC=c0|LFE=c0|BL=c0|BR=c0', '-c:a', 'pcm_s16le', path);
    const mono = await readWavFile(path);
    const peak = mono.reduce((max, v) => Math.max(max, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(32_700);
    // A sine's RMS is its peak / √2; clipped flat, it would be more.
    expect(rms(mono) / (peak / Math.SQRT2)).toBeCloseTo(1, 2);
  });
});

/** A 16-bit WAV of `channels` channels, a plain fmt chunk or (with `channelMask`) WAVE_FORMAT_EXTENSIBLE. */
function wavFile(channels: number, samples: Int16Array, channelMask?: number): Uint8Array {
  const fmtSize = channelMask === undefined ? 16 : 40;
  const out = Buffer.alloc(28 + fmtSize + samples.byteLength);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(out.length - 8, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(fmtSize, 16);
  out.writeUInt16LE(channelMask === undefined ? 1 : 0xfffe, 20);
  out.writeUInt16LE(channels, 22);
  out.writeUInt32LE(48_000, 24);
  out.writeUInt32LE(48_000 * 2 * channels, 28);
  out.writeUInt16LE(2 * channels, 32);
  out.writeUInt16LE(16, 34);
  if (channelMask !== undefined) {
    out.writeUInt16LE(22, 36);
    out.writeUInt16LE(16, 38);
    out.writeUInt32LE(channelMask, 40);
    // KSDATAFORMAT_SUBTYPE_PCM
    Buffer.from([1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71]).copy(out, 44);
  }
  out.write('data', 20 + fmtSize, 'latin1');
  out.writeUInt32LE(samples.byteLength, 24 + fmtSize);
  Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).copy(out, 28 + fmtSize);
  return out;
}

/** `frames` frames in which channel `channel` of `channels` holds 10,000 and the others 0. */
function oneChannel(channels: number, channel: number, frames = 480): Int16Array {
  const out = new Int16Array(frames * channels);
  for (let f = 0; f < frames; f++) out[f * channels + channel] = 10_000;
  return out;
}

describe('which speaker a channel is for', () => {
  test('the mask names the positions of the channels in order; without one the standard order holds', () => {
    expect(speakerPositions(6, undefined)).toEqual(['FL', 'FR', 'FC', 'LFE', 'BL', 'BR']);
    expect(speakerPositions(6, 0x60f)).toEqual(['FL', 'FR', 'FC', 'LFE', 'SL', 'SR']);
    expect(speakerPositions(3, 0)).toEqual(['FL', 'FR', 'FC']); // a mask of 0 names none
    expect(speakerPositions(3, 0b1011)).toEqual(['FL', 'FR', 'LFE']); // 2.1
    expect(speakerPositions(3, 0b11)).toEqual(['FL', 'FR', undefined]); // more channels than the mask names
  });

  test('mono is as it is; stereo is averaged, as before', () => {
    expect(monoWeights(1, 0b100)).toEqual([1]);
    expect(monoWeights(2, undefined)).toEqual([0.5, 0.5]);
    expect(monoWeights(2, 0b11)).toEqual([0.5, 0.5]);
  });

  test('the third of three channels is the centre without a mask, the LFE with the mask of 2.1', async () => {
    const centre = join(dir, 'three-plain.wav');
    writeFileSync(centre, wavFile(3, oneChannel(3, 2)));
    expect((await readWavFile(centre))[100]).toBe(Math.round(10_000 * Math.SQRT1_2));
    const lfe = join(dir, 'three-2.1.wav');
    writeFileSync(lfe, wavFile(3, oneChannel(3, 2), 0b1011));
    expect((await readWavFile(lfe))[100]).toBe(0);
  });

  test('the fourth of four channels is a surround in quad (mask FL|FR|BL|BR), the LFE without a mask', async () => {
    const quad = join(dir, 'quad.wav');
    writeFileSync(quad, wavFile(4, oneChannel(4, 3), 0x33));
    expect((await readWavFile(quad))[100]).toBe(Math.round((10_000 * Math.SQRT1_2) / 2));
    const plain = join(dir, 'four-plain.wav');
    writeFileSync(plain, wavFile(4, oneChannel(4, 3)));
    expect((await readWavFile(plain))[100]).toBe(0);
  });

  test('toMono48k, given the whole parsed file, mixes as reading it does', async () => {
    const bytes = wavFile(6, oneChannel(6, 2, 4800), 0x3f);
    const path = join(dir, 'six.wav');
    writeFileSync(path, bytes);
    const parsed = parseWav(bytes);
    expect(parsed.channelMask).toBe(0x3f);
    expect(toMono48k(parsed)).toEqual(await readWavFile(path));
    expect(toMono48k(parsed)[100]).toBe(Math.round(10_000 * Math.SQRT1_2));
  });
});
