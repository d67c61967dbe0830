import { describe, expect, it } from 'vitest';
import { jpegOrientation } from '../../../src/media/video/exif-orientation.js';
import { createJpegEncoder } from '../../../src/media/video/jpeg.js';
import { gradientImage, withExifOrientation } from './helpers.js';

describe('jpegOrientation (EXIF tag 0x0112)', () => {
  const jpeg = createJpegEncoder(80).encode(gradientImage(32, 24));

  it('reads the orientation a phone wrote, in either byte order', () => {
    for (const orientation of [1, 3, 6, 8]) {
      expect(jpegOrientation(withExifOrientation(jpeg, orientation))).toBe(orientation);
      expect(jpegOrientation(withExifOrientation(jpeg, orientation, true))).toBe(orientation);
    }
  });

  it('is 1 (upright) without EXIF, for a value out of range, and for bytes that are no JPEG or cut short', () => {
    expect(jpegOrientation(jpeg)).toBe(1);
    expect(jpegOrientation(withExifOrientation(jpeg, 9))).toBe(1);
    expect(jpegOrientation(Uint8Array.of(1, 2, 3, 4))).toBe(1);
    expect(jpegOrientation(withExifOrientation(jpeg, 6).subarray(0, 30))).toBe(1);
  });
});
