import { describe, it, expect } from 'vitest';
import { rgbaForFrame, jpegForFrame } from '../../../src/media/video/frames.js';
import { createJpegEncoder } from '../../../src/media/video/jpeg.js';
import { gradientImage } from './helpers.js';

describe('frame glue', () => {
  it('passes source JPEG through untouched and encodes RGBA; decodes JPEG for display', () => {
    const enc = createJpegEncoder();
    const img = gradientImage(32, 24);
    const jpeg = enc.encode(img);
    expect(jpegForFrame({ type: 'jpeg', width: 32, height: 24, data: jpeg, captureTs: 1 }, enc)).toBe(jpeg);
    const encoded = jpegForFrame({ type: 'rgba', ...img, captureTs: 1 }, enc);
    expect([encoded[0], encoded[1]]).toEqual([0xff, 0xd8]);
    expect(rgbaForFrame({ type: 'jpeg', width: 32, height: 24, data: jpeg, captureTs: 1 })).toMatchObject({ width: 32, height: 24 });
  });
});
