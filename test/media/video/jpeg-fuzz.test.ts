/**
 * Seeded random tests of JPEG in and out: our encoder's output read by jpeg-js itself at every size from 1×1 (odd
 * sizes, long thin ones) and quality (out-of-range ones clamped), and the decoder fed corrupted, truncated and
 * hostile bytes, which must end in a coded error, never a crash or another error type.
 */
import { describe, it, expect } from 'vitest';
import jpegJs from 'jpeg-js';
import { createJpegEncoder, decodeJpeg, readJpegInfo } from '../../../src/media/video/jpeg.js';
import { VIDEO_ERROR_CODES } from '../../../src/media/video/errors.js';
import { rng } from '../../helpers/rng.js';
import { psnr } from './helpers.js';

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

describe('JPEG, randomized', () => {
  it('every size and quality encodes to a JPEG jpeg-js decodes at that size, close to the picture', () => {
    const r = rng(11);
    const encoder = createJpegEncoder();
    const sizes: Array<[number, number]> = [[1, 1], [1, 2], [2, 1], [15, 15], [16, 16], [17, 17], [1, 300], [300, 1], [33, 7]];
    for (let k = 0; k < 60; k++) sizes.push([int(r, 1, 90), int(r, 1, 90)]);
    const failures: string[] = [];
    for (const [width, height] of sizes) {
      for (const quality of [1, 50, 100, int(r, 1, 100), 0, 101, 37.6]) {
        // Grey, so 4:2:0 chroma subsampling takes nothing away and the error is the quantiser's alone.
        const kind = int(r, 0, 2);
        const data = new Uint8Array(width * height * 4);
        for (let i = 0; i < width * height; i++) {
          const v = kind === 0 ? int(r, 0, 255) : kind === 1 ? (i * 37) & 255 : i % 2 ? 255 : 0;
          data.set([v, v, v, 255], i * 4);
        }
        const ctx = `${width}×${height} at quality ${quality}, picture ${kind}`;
        const bytes = encoder.encode({ width, height, data }, quality);
        const info = readJpegInfo(bytes);
        if (info?.width !== width || info.height !== height || !info.baseline) failures.push(`${ctx}: header ${JSON.stringify(info)}`);
        const decoded = jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false });
        if (decoded.width !== width || decoded.height !== height) failures.push(`${ctx}: jpeg-js reads ${decoded.width}×${decoded.height}`);
        const db = psnr(decoded.data, data);
        if (db < (quality >= 99 ? 38 : quality >= 50 ? 18 : 8)) failures.push(`${ctx}: ${db.toFixed(1)} dB`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('corrupted, truncated, spliced and random bytes give a coded error or a picture the size its header says', () => {
    const r = rng(12);
    const good = createJpegEncoder(70).encode({ width: 48, height: 32, data: new Uint8Array(48 * 32 * 4).map((_, i) => (i * 7) & 255) });
    const sof = good.indexOf(0xc0, 2) - 1;
    const failures: string[] = [];
    for (let k = 0; k < 1500; k++) {
      let bytes = Uint8Array.from(good);
      const op = int(r, 0, 4);
      if (op === 0) bytes = bytes.slice(0, int(r, 0, bytes.length));
      else if (op === 1) for (let j = int(r, 1, 8); j > 0; j--) bytes[int(r, 0, bytes.length - 1)] = int(r, 0, 255);
      else if (op === 2) for (let j = 4; j < 16; j++) bytes[sof + j] = r() < 0.5 ? bytes[sof + j]! : int(r, 0, 255); // the frame header
      else if (op === 3) bytes = new Uint8Array(int(r, 0, 400)).map(() => int(r, 0, 255));
      else {
        const at = int(r, 2, bytes.length - 1);
        bytes = Uint8Array.from([...bytes.subarray(0, at), ...new Uint8Array(int(r, 1, 40)).map(() => int(r, 0, 255)), ...bytes.subarray(at)]);
      }
      try {
        const picture = decodeJpeg(bytes, { maxPixels: 1_000_000, maxMemoryMiB: 32 });
        const info = readJpegInfo(bytes);
        if (picture.width !== info?.width || picture.height !== info.height || picture.data.length !== picture.width * picture.height * 4) {
          failures.push(`case ${k}: decoded ${picture.width}×${picture.height} where the header says ${info?.width}×${info?.height}`);
        }
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== VIDEO_ERROR_CODES.JPEG_INVALID && code !== VIDEO_ERROR_CODES.JPEG_TOO_LARGE) failures.push(`case ${k}: ${String(err)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
