/**
 * RGBA scaling: an area (box) filter when shrinking, so a 640×480 camera frame averages into a 160×120 one without
 * aliasing, and bilinear when enlarging. Column and row spans are computed once per call, not per pixel.
 */
import { assertRgbaImage, type RgbaImage } from './image.js';

/** A size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/**
 * The largest size with the aspect ratio of `width`×`height` that fits inside `box`, at least 1×1.
 * `pixelAspect` is the width/height ratio of one target pixel (1 for square pixels).
 */
export function fitInside(width: number, height: number, box: Size, pixelAspect = 1): Size {
  const aspect = width / height / pixelAspect;
  let w = box.width;
  let h = Math.round(w / aspect);
  if (h > box.height) {
    h = box.height;
    w = Math.round(h * aspect);
  }
  return { width: Math.max(1, Math.min(box.width, w)), height: Math.max(1, Math.min(box.height, h)) };
}

/**
 * Scales `src` to `width`×`height`. Writes into `out` when it is given and large enough (reuse it across frames to
 * avoid garbage), otherwise allocates. Alpha is set to 255.
 * @throws ImageInvalidError for a malformed source image.
 */
export function scaleRgba(src: RgbaImage, width: number, height: number, out?: Uint8Array): RgbaImage {
  assertRgbaImage(src, 'source image');
  const size = width * height * 4;
  const data = out && out.length >= size ? out : new Uint8Array(size);
  const dst: RgbaImage = { width, height, data };
  if (width === src.width && height === src.height) {
    data.set(src.data.subarray(0, size));
    return dst;
  }
  if (width >= src.width && height >= src.height) bilinear(src, dst);
  else box(src, dst);
  return dst;
}

/** Integer spans [start, end) of source indices averaged into each target index (at least one each). */
function spans(srcLen: number, dstLen: number): Int32Array {
  const out = new Int32Array(dstLen * 2);
  for (let i = 0; i < dstLen; i++) {
    const start = Math.min(srcLen - 1, Math.floor((i * srcLen) / dstLen));
    const end = Math.max(start + 1, Math.min(srcLen, Math.floor(((i + 1) * srcLen) / dstLen)));
    out[2 * i] = start;
    out[2 * i + 1] = end;
  }
  return out;
}

function box(src: RgbaImage, dst: RgbaImage): void {
  const xs = spans(src.width, dst.width);
  const ys = spans(src.height, dst.height);
  const s = src.data;
  const d = dst.data;
  const sw = src.width;
  let o = 0;
  for (let y = 0; y < dst.height; y++) {
    const y0 = ys[2 * y] ?? 0;
    const y1 = ys[2 * y + 1] ?? 1;
    for (let x = 0; x < dst.width; x++) {
      const x0 = xs[2 * x] ?? 0;
      const x1 = xs[2 * x + 1] ?? 1;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let yy = y0; yy < y1; yy++) {
        let i = (yy * sw + x0) * 4;
        for (let xx = x0; xx < x1; xx++, i += 4) {
          r += s[i] ?? 0;
          g += s[i + 1] ?? 0;
          b += s[i + 2] ?? 0;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      d[o] = (r + (n >> 1)) / n;
      d[o + 1] = (g + (n >> 1)) / n;
      d[o + 2] = (b + (n >> 1)) / n;
      d[o + 3] = 255;
      o += 4;
    }
  }
}

function bilinear(src: RgbaImage, dst: RgbaImage): void {
  const s = src.data;
  const d = dst.data;
  const sw = src.width;
  const sh = src.height;
  // Pixel centres aligned (like ffmpeg's bilinear), clamped at the edges.
  const fx = sw / dst.width;
  const fy = sh / dst.height;
  let o = 0;
  for (let y = 0; y < dst.height; y++) {
    const syf = Math.min(sh - 1, Math.max(0, (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(syf);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = syf - y0;
    for (let x = 0; x < dst.width; x++) {
      const sxf = Math.min(sw - 1, Math.max(0, (x + 0.5) * fx - 0.5));
      const x0 = Math.floor(sxf);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = sxf - x0;
      const a = (y0 * sw + x0) * 4;
      const b = (y0 * sw + x1) * 4;
      const c = (y1 * sw + x0) * 4;
      const e = (y1 * sw + x1) * 4;
      for (let k = 0; k < 3; k++) {
        const top = (s[a + k] ?? 0) + ((s[b + k] ?? 0) - (s[a + k] ?? 0)) * wx;
        const bottom = (s[c + k] ?? 0) + ((s[e + k] ?? 0) - (s[c + k] ?? 0)) * wx;
        d[o + k] = top + (bottom - top) * wy + 0.5;
      }
      d[o + 3] = 255;
      o += 4;
    }
  }
}
