import type { RgbaImage } from '../../../src/media/video/image.js';

/** Builds an RGBA image from rows of [r, g, b] pixels. */
export function rgbImage(rows: Array<Array<[number, number, number]>>): RgbaImage {
  const height = rows.length;
  const width = rows[0]?.length ?? 0;
  const data = new Uint8Array(width * height * 4);
  rows.forEach((row, y) =>
    row.forEach(([r, g, b], x) => {
      data.set([r, g, b, 255], (y * width + x) * 4);
    }),
  );
  return { width, height, data };
}

/** A smooth, colourful test picture; `phase` moves it. */
export function gradientImage(width: number, height: number, phase = 0): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = ((x * 255) / width + phase * 3) & 255;
      data[i + 1] = ((y * 255) / height + phase) & 255;
      data[i + 2] = 128 + 100 * Math.sin((x + phase) / 9 + y / 7);
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Peak signal-to-noise ratio (dB) between two RGBA images of one size, over RGB. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    se += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
    n++;
  }
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / n));
}

/** Shows escape sequences readably in failure messages. */
export function visible(s: string | Buffer): string {
  return s.toString().replace(/\x1b/g, '\\e');
}

/** `jpeg` with an EXIF block (APP1) declaring `orientation`, as a phone writes it; `bigEndian` for "MM" order. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number, bigEndian = false): Uint8Array {
  const tiff = new DataView(new ArrayBuffer(26));
  const little = !bigEndian;
  tiff.setUint16(0, bigEndian ? 0x4d4d : 0x4949);
  tiff.setUint16(2, 42, little);
  tiff.setUint32(4, 8, little); // IFD0 right after the header
  tiff.setUint16(8, 1, little); // one entry
  tiff.setUint16(10, 0x0112, little); // Orientation
  tiff.setUint16(12, 3, little); // SHORT
  tiff.setUint32(14, 1, little);
  tiff.setUint16(18, orientation, little);
  const body = new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0, ...new Uint8Array(tiff.buffer)]);
  const segment = new Uint8Array([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
  return new Uint8Array([...jpeg.subarray(0, 2), ...segment, ...jpeg.subarray(2)]);
}
