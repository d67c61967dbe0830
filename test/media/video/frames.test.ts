import { describe, it, expect } from 'vitest';
import { rgbaForFrame } from '../../../src/media/video/frames.js';
import { createJpegEncoder } from '../../../src/media/video/jpeg.js';
import { gradientImage } from './helpers.js';

describe('frame glue', () => {
  it('gives RGBA as is and decodes JPEG for display', () => {
    const img = gradientImage(32, 24);
    const rgba = { type: 'rgba' as const, ...img, captureTs: 1 };
    expect(rgbaForFrame(rgba)).toBe(rgba);
    const jpeg = createJpegEncoder().encode(img);
    expect(rgbaForFrame({ type: 'jpeg', width: 32, height: 24, data: jpeg, captureTs: 1 })).toMatchObject({ width: 32, height: 24 });
  });
});
