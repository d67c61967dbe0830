/**
 * The MJPEG splitter yields the same frames however the stream is cut into chunks (byte by byte, pairs, random
 * sizes), with junk between frames, EXIF blocks, APP segments holding FF D9 / FF D8 and fill bytes, and frames cut
 * short in their scan, which are dropped.
 */
import { describe, it, expect } from 'vitest';
import { createJpegEncoder } from '../../../src/media/video/jpeg.js';
import { MjpegSplitter } from '../../../src/media/video/mjpeg-splitter.js';
import { rng } from '../../helpers/rng.js';
import { withExifOrientation } from './helpers.js';

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('MJPEG splitter, randomized', () => {
  it('any chunking of a stream gives the same frames as the whole stream', () => {
    const r = rng(21);
    const encoder = createJpegEncoder();
    for (let trial = 0; trial < 150; trial++) {
      const frames: Uint8Array[] = [];
      const parts: Uint8Array[] = [];
      let afterCut = false;
      for (let k = int(r, 1, 5); k > 0; k--) {
        const w = int(r, 1, 40);
        const h = int(r, 1, 40);
        let frame = encoder.encode({ width: w, height: h, data: new Uint8Array(w * h * 4).map(() => int(r, 0, 255)) }, int(r, 1, 100));
        if (r() < 0.3) frame = withExifOrientation(frame, int(r, 1, 8), r() < 0.5);
        if (r() < 0.4) {
          // An APP2 segment holding an EOI and an SOI (a thumbnail would), then fill bytes before the next marker.
          const app = [0xff, 0xe2, 0, 10, 0xff, 0xd9, 0xff, 0xd8, 0xff, 0xd9, 0, 0, 0xff, 0xff];
          frame = Uint8Array.from([...frame.subarray(0, 2), ...app, ...frame.subarray(2)]);
        }
        if (r() < 0.15) {
          // A frame cut short in its scan (no EOI), the next frame right behind it: dropped, and the next one found.
          const scan = Buffer.from(frame).indexOf(Buffer.from([0xff, 0xda])) + 14; // past the SOS header
          parts.push(frame.subarray(0, int(r, scan, frame.length - 3)));
          k++; // one more frame, so a cut one is never the last
          afterCut = true;
          continue;
        }
        frames.push(frame);
        // Junk between whole frames, FF bytes included (no FF D8 in it: that would be a frame).
        if (r() < 0.3 && !afterCut) parts.push(new Uint8Array(int(r, 1, 20)).map(() => (r() < 0.3 ? 0xff : int(r, 0, 0xd7))));
        parts.push(frame);
        afterCut = false;
      }
      const stream = Buffer.concat(parts);
      const expected = frames.map(hex);
      expect(new MjpegSplitter().push(stream).map(hex), `trial ${trial}, whole`).toEqual(expected);
      for (const cut of [1, 2, 7, 50, 300]) {
        const splitter = new MjpegSplitter();
        const got: string[] = [];
        for (let i = 0; i < stream.length; ) {
          const len = cut <= 2 ? cut : int(r, 1, cut);
          got.push(...splitter.push(stream.subarray(i, i + len)).map(hex));
          i += len;
        }
        expect(got, `trial ${trial}, chunks up to ${cut} bytes`).toEqual(expected);
      }
    }
  });
});
