/**
 * The in-memory picture every pure video module takes: tightly packed RGBA, row after row, 4 bytes per pixel.
 */
import { ImageInvalidError } from './errors.js';

/** A packed RGBA picture (`data.length === width * height * 4`). Alpha is ignored by every consumer. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Checks that `image` is a well-formed RGBA picture of at least 1×1.
 * @throws ImageInvalidError when the sizes are not positive integers or the buffer is shorter than they say.
 */
export function assertRgbaImage(image: RgbaImage, what = 'image'): void {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ImageInvalidError(`${what} has an invalid size ${String(width)}×${String(height)}.`);
  }
  if (data.length < width * height * 4) {
    throw new ImageInvalidError(`${what} buffer holds ${data.length} bytes, ${width}×${height} RGBA needs ${width * height * 4}.`);
  }
}

/** Allocates a black, opaque RGBA picture. */
export function createRgbaImage(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
}
