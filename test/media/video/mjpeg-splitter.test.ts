import { describe, it, expect } from 'vitest';
import { MjpegSplitter } from '../../../src/media/video/mjpeg-splitter.js';
import { createJpegEncoder } from '../../../src/media/video/jpeg.js';
import { JpegInvalidError } from '../../../src/media/video/errors.js';
import { gradientImage } from './helpers.js';

const enc = createJpegEncoder(60);
const frames = [0, 1, 2].map((k) => enc.encode(gradientImage(32 + k * 8, 24, k * 10)));
// A JPEG with an APP1 segment whose payload contains FF D9: a naive EOI search would cut it there.
const tricky = (() => {
  const f = frames[0] ?? new Uint8Array(0);
  const app1 = [0xff, 0xe1, 0x00, 0x06, 0xff, 0xd9, 0xff, 0xd9];
  return Uint8Array.from([...f.subarray(0, 2), ...app1, ...f.subarray(2)]);
})();
const stream = Buffer.concat([Buffer.from([1, 2, 3, 0xff]), ...frames, tricky].map((b) => Buffer.from(b)));
const expected = [...frames, tricky].map((f) => Buffer.from(f).toString('hex'));

function feed(chunkSizes: (i: number) => number): string[] {
  const s = new MjpegSplitter();
  const out: string[] = [];
  let i = 0;
  let n = 0;
  while (i < stream.length) {
    const len = Math.max(1, chunkSizes(n++));
    for (const f of s.push(stream.subarray(i, i + len))) out.push(Buffer.from(f).toString('hex'));
    i += len;
  }
  return out;
}

describe('MJPEG splitter', () => {
  it('splits a whole stream, skipping junk before the first SOI', () => {
    expect(feed(() => stream.length)).toEqual(expected);
  });
  it('splits the stream fed byte by byte', () => {
    expect(feed(() => 1)).toEqual(expected);
  });
  it('splits the stream fed in uneven chunks', () => {
    expect(feed((n) => [7, 100, 3, 1000, 2][n % 5] ?? 1)).toEqual(expected);
  });
  it('drops a frame cut short (no EOI) and keeps the ones after it, whole or byte by byte', () => {
    // The cut frame's scan ends at the next SOI. Read as a segment there, that SOI's "length" was the next marker
    // (FF E0: 64 KiB): every frame in those bytes was lost, and here, all of them.
    const first = frames[0]!;
    const cut = first.subarray(0, first.indexOf(0xda, 2) + 40);
    const bytes = Buffer.concat([cut, ...frames].map((f) => Buffer.from(f)));
    const whole = new MjpegSplitter().push(bytes).map((f) => Buffer.from(f).toString('hex'));
    expect(whole).toEqual(frames.map((f) => Buffer.from(f).toString('hex')));
    const byByte = new MjpegSplitter();
    const got: string[] = [];
    for (let i = 0; i < bytes.length; i++) for (const f of byByte.push(bytes.subarray(i, i + 1))) got.push(Buffer.from(f).toString('hex'));
    expect(got).toEqual(whole);
  });
  it('gives up with a coded error on a frame past the size limit', () => {
    const s = new MjpegSplitter(1000);
    expect(() => s.push(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2, ...new Uint8Array(2000)]))).toThrow(JpegInvalidError);
    // It recovers on the next frame.
    expect(s.push(frames[0] ?? new Uint8Array(0)).length).toBe(1);
  });
});
