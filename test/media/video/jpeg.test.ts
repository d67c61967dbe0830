import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createJpegEncoder, decodeJpeg, readJpegInfo } from '../../../src/media/video/jpeg.js';
import { JpegInvalidError, JpegTooLargeError, VideoError } from '../../../src/media/video/errors.js';
import { gradientImage, psnr, rgbImage } from './helpers.js';

/** Total length of the JPEG's segments with this marker, their 2-byte markers included. */
function segmentLength(jpeg: Uint8Array, marker: number): number {
  let total = 0;
  for (let i = 2; i + 4 <= jpeg.length && jpeg[i + 1] !== 0xda; ) {
    const length = ((jpeg[i + 2]! << 8) | jpeg[i + 3]!) + 2;
    if (jpeg[i + 1] === marker) total += length;
    i += length;
  }
  return total;
}

const photo = decodeJpeg(readFileSync(new URL('../../../fixtures/astronaut-160.jpg', import.meta.url)));

describe('jpeg encoder', () => {
  it('round-trips a photo through jpeg-js with PSNR above 30 dB', () => {
    const bytes = createJpegEncoder(75).encode(photo);
    const back = decodeJpeg(bytes);
    expect([back.width, back.height]).toEqual([photo.width, photo.height]);
    expect(psnr(photo.data, back.data)).toBeGreaterThan(30);
  });

  it('is reusable: the same frame encodes to the same bytes, other sizes work in between', () => {
    const enc = createJpegEncoder(60);
    const a = enc.encode(photo);
    enc.encode(gradientImage(33, 7));
    expect(Buffer.from(enc.encode(photo)).equals(Buffer.from(a))).toBe(true);
  });

  it('higher quality gives bigger files and better fidelity', () => {
    const low = createJpegEncoder(20).encode(photo);
    const high = createJpegEncoder(90).encode(photo);
    expect(high.length).toBeGreaterThan(low.length);
    expect(psnr(photo.data, decodeJpeg(high).data)).toBeGreaterThan(psnr(photo.data, decodeJpeg(low).data));
  });

  for (const [w, h] of [[1, 1], [17, 9], [161, 121], [8, 200]] as const) {
    it(`encodes odd size ${w}×${h} and a solid colour stays that colour`, () => {
      const img = rgbImage(Array.from({ length: h }, () => Array.from({ length: w }, () => [200, 40, 90] as [number, number, number])));
      const back = decodeJpeg(createJpegEncoder(90).encode(img));
      expect([back.width, back.height]).toEqual([w, h]);
      for (const [i, v] of [[0, 200], [1, 40], [2, 90]] as const) expect(Math.abs((back.data[i] ?? 0) - v)).toBeLessThanOrEqual(4);
    });
  }

  it('writes standard baseline JPEG that the real ffmpeg decodes to the same picture', () => {
    const frame = gradientImage(160, 120, 5);
    const bytes = createJpegEncoder(75).encode(frame);
    const res = spawnSync('ffmpeg', ['-v', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
      input: bytes,
      maxBuffer: 1 << 24,
    });
    expect(res.stderr.toString()).toBe('');
    expect(res.stdout.length).toBe(160 * 120 * 4);
    expect(psnr(frame.data, res.stdout)).toBeGreaterThan(28);
    const info = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height,pix_fmt', '-of', 'csv=p=0', '-'], {
      input: bytes,
    });
    expect(info.stdout.toString().trim()).toBe('mjpeg,160,120,yuvj420p');
  });

  it('makes Huffman tables for each frame: a photo through the real ffmpeg, with a DHT a third of the typical one', () => {
    const bytes = createJpegEncoder(60).encode(photo);
    const res = spawnSync('ffmpeg', ['-v', 'error', '-f', 'image2pipe', '-c:v', 'mjpeg', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], {
      input: bytes,
      maxBuffer: 1 << 24,
    });
    expect(res.stderr.toString()).toBe('');
    expect(psnr(photo.data, res.stdout)).toBeGreaterThan(28);
    expect(psnr(decodeJpeg(bytes).data, res.stdout)).toBeGreaterThan(45);
    // The typical tables of T.81 Annex K.3 take 420 bytes of DHT in every frame.
    expect(segmentLength(bytes, 0xc4)).toBeLessThan(200);
  });

  it('rejects malformed images with a coded error', () => {
    expect(() => createJpegEncoder().encode({ width: 4, height: 4, data: new Uint8Array(10) })).toThrow(
      expect.objectContaining({ code: 'LC_ERR_VIDEO_IMAGE_INVALID' }),
    );
  });
});

describe('jpeg decoder', () => {
  const valid = createJpegEncoder(60).encode(gradientImage(64, 48));

  it('reads the size from the headers without decoding', () => {
    expect(readJpegInfo(valid)).toEqual({ width: 64, height: 48, components: 3, baseline: true });
    expect(readJpegInfo(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });

  const garbage: Array<[string, Uint8Array, string]> = [
    ['empty', new Uint8Array(0), 'LC_ERR_VIDEO_JPEG_INVALID'],
    ['not a JPEG', Buffer.from('hello world, this is not a picture'), 'LC_ERR_VIDEO_JPEG_INVALID'],
    ['SOI then junk', Uint8Array.from([0xff, 0xd8, 1, 2, 3, 4, 5, 6]), 'LC_ERR_VIDEO_JPEG_INVALID'],
    ['headers cut before the frame header', valid.subarray(0, 30), 'LC_ERR_VIDEO_JPEG_INVALID'],
    ['zero-sized frame', withSize(valid, 0, 0), 'LC_ERR_VIDEO_JPEG_INVALID'],
    ['declares 30000×30000', withSize(valid, 30000, 30000), 'LC_ERR_VIDEO_JPEG_TOO_LARGE'],
  ];
  for (const [name, bytes, code] of garbage) {
    it(`rejects ${name} with ${code}`, () => {
      expect(() => decodeJpeg(bytes)).toThrow(expect.objectContaining({ code }));
    });
  }

  it('applies a caller limit', () => {
    expect(() => decodeJpeg(valid, { maxPixels: 1000 })).toThrow(JpegTooLargeError);
  });

  it('never crashes or hangs on corrupted frames: each decodes or throws a VideoError', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    let rejected = 0;
    for (let n = 0; n < 300; n++) {
      const bytes = valid.slice(0, Math.max(4, Math.floor(valid.length * (n % 3 === 0 ? rand() : 1))));
      const flips = 1 + Math.floor(rand() * 8);
      for (let k = 0; k < flips; k++) bytes[2 + Math.floor(rand() * (bytes.length - 2))] = Math.floor(rand() * 256);
      try {
        const img = decodeJpeg(bytes, { maxPixels: 1_000_000 });
        expect(img.data.length).toBe(img.width * img.height * 4);
      } catch (err) {
        expect(err).toBeInstanceOf(VideoError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('rejects random bytes', () => {
    const bytes = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) & 255);
    expect(() => decodeJpeg(bytes)).toThrow(JpegInvalidError);
  });
});

/** A copy of `jpeg` whose SOF0 declares another size. */
function withSize(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpeg.slice();
  for (let i = 2; i < out.length - 9; i++) {
    if (out[i] === 0xff && out[i + 1] === 0xc0) {
      out[i + 5] = height >> 8;
      out[i + 6] = height & 0xff;
      out[i + 7] = width >> 8;
      out[i + 8] = width & 0xff;
      return out;
    }
  }
  throw new Error('no SOF0');
}
