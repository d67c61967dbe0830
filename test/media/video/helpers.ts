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
