/**
 * One frame as text for a plain stream (stdout of `preview --once`, a file): rows separated by newlines, no cursor
 * positioning, so it prints at the cursor like an image viewer's output and scrolls like text.
 */
import { AnsiWriter, bytesOf } from './ansi-writer.js';
import { luma, lutKey, MONO_RAMP, palette16Lut, palette256Lut, rampIndex, type ColorMode } from './color.js';
import type { RgbaImage } from './image.js';
import { gridRegion, GridSampler } from './render-grid.js';
import { writeColor } from './render-pane.js';

/** Options of {@link renderStill}. */
export interface StillOptions {
  /** Size of the box to fit the picture into, in cells. */
  cols: number;
  rows: number;
  mode: ColorMode;
  /** Flip left-right. Default false. */
  mirror?: boolean;
  /** Keep the black bars that centre the picture in the box. Default false: print only the picture's cells. */
  letterbox?: boolean;
  /** A cell's height over its width. Default 2. */
  cellAspect?: number;
}

const SGR_RESET = bytesOf('\x1b[0m');
const UPPER_HALF = bytesOf('\u2580');

/**
 * Renders `frame` fitted into `cols`×`rows` cells. Every line ends with an SGR reset and `\n`.
 * @throws ImageInvalidError for a malformed frame.
 */
export function renderStill(frame: RgbaImage, options: StillOptions): string {
  const { mode, mirror = false, letterbox = false, cellAspect = 2 } = options;
  let { cols, rows } = options;
  if (!letterbox) {
    const region = gridRegion(frame.width, frame.height, cols, rows, cellAspect);
    cols = region.width;
    rows = Math.ceil(region.height / 2);
  }
  const grid = new GridSampler().sample(frame, cols, rows, mirror, cellAspect);
  const out = new AnsiWriter(cols * rows * 48 + rows * 8 + 16);
  const stride = cols * 3;
  const lut = mode === '256' ? palette256Lut() : mode === '16' ? palette16Lut() : undefined;
  for (let r = 0; r < rows; r++) {
    let fg = -1;
    let bg = -1;
    for (let c = 0; c < cols; c++) {
      const ti = 2 * r * stride + c * 3;
      const bi = ti + stride;
      const tr = grid[ti] ?? 0;
      const tg = grid[ti + 1] ?? 0;
      const tb = grid[ti + 2] ?? 0;
      const br = grid[bi] ?? 0;
      const bgr = grid[bi + 1] ?? 0;
      const bb = grid[bi + 2] ?? 0;
      if (mode === 'mono') {
        const level = rampIndex((luma(tr, tg, tb) + luma(br, bgr, bb)) / 2);
        out.byte(MONO_RAMP.charCodeAt(level));
        continue;
      }
      const top = lut ? (lut[lutKey(tr, tg, tb)] ?? 0) : (tr << 16) | (tg << 8) | tb;
      const bottom = lut ? (lut[lutKey(br, bgr, bb)] ?? 0) : (br << 16) | (bgr << 8) | bb;
      const solid = top === bottom;
      const needFg = !solid && top !== fg;
      const needBg = bottom !== bg;
      if (needFg || needBg) {
        out.byte(0x1b);
        out.byte(0x5b);
        if (needFg) writeColor(out, top, false, mode);
        if (needFg && needBg) out.byte(0x3b);
        if (needBg) writeColor(out, bottom, true, mode);
        out.byte(0x6d);
        if (needFg) fg = top;
        if (needBg) bg = bottom;
      }
      if (solid) out.byte(0x20);
      else out.bytes(UPPER_HALF);
    }
    if (mode !== 'mono') out.bytes(SGR_RESET);
    out.byte(0x0a);
  }
  return out.buf.toString('utf8', 0, out.pos);
}
