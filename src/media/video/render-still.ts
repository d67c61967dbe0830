/**
 * One frame as text for a plain stream (stdout of `preview --once`, a file): rows separated by newlines, no cursor
 * positioning, so it prints at the cursor like an image viewer's output and scrolls like text.
 */
import { AnsiWriter, bytesOf } from './ansi-writer.js';
import { CellFitter, glyphBytes, type SymbolSet } from './cell-symbols.js';
import { lutEntry, MONO_RAMP, palette16Lut, palette256Lut, rampIndex, type ColorMode } from './color.js';
import type { RgbaImage } from './image.js';
import { gridRegion, GridSampler } from './render-grid.js';
import { cellLuma, writeColor } from './render-pane.js';

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
  /** The characters cells are drawn with (colour modes; mono is ASCII). Default `half`. */
  symbols?: SymbolSet;
}

const SGR_RESET = bytesOf('\x1b[0m');

/**
 * Renders `frame` fitted into `cols`×`rows` cells. Every line ends with an SGR reset and `\n`.
 * @throws ImageInvalidError for a malformed frame.
 */
export function renderStill(frame: RgbaImage, options: StillOptions): string {
  const { mode, mirror = false, letterbox = false, cellAspect = 2, symbols = 'half' } = options;
  const fitter = new CellFitter(symbols);
  const { across, down } = fitter.shape;
  let { cols, rows } = options;
  if (!letterbox) {
    const region = gridRegion(frame.width, frame.height, cols, rows, cellAspect, fitter.shape);
    cols = region.width / across;
    rows = region.height / down;
  }
  const grid = new GridSampler().sample(frame, cols, rows, mirror, cellAspect, fitter.shape);
  const out = new AnsiWriter(cols * rows * 48 + rows * 8 + 16);
  const lut = mode === '256' ? palette256Lut() : mode === '16' ? palette16Lut() : undefined;
  const quantise = (rgb: number): number => (lut ? lutEntry(lut, rgb) : rgb);
  for (let r = 0; r < rows; r++) {
    let fg = -1;
    let bg = -1;
    for (let c = 0; c < cols; c++) {
      if (mode === 'mono') {
        out.byte(MONO_RAMP.charCodeAt(rampIndex(cellLuma(grid, cols * across, c, r, across, down))));
        continue;
      }
      fitter.fit(grid, cols * across, c, r);
      const fgColor = quantise(fitter.fg);
      const bgColor = quantise(fitter.bg);
      const solid = fgColor === bgColor;
      const needFg = !solid && fgColor !== fg;
      const needBg = bgColor !== bg;
      if (needFg || needBg) {
        out.byte(0x1b);
        out.byte(0x5b);
        if (needFg) writeColor(out, fgColor, false, mode);
        if (needFg && needBg) out.byte(0x3b);
        if (needBg) writeColor(out, bgColor, true, mode);
        out.byte(0x6d);
        if (needFg) fg = fgColor;
        if (needBg) bg = bgColor;
      }
      if (solid) out.byte(0x20);
      else out.bytes(glyphBytes(symbols, fitter.mask));
    }
    if (mode !== 'mono') out.bytes(SGR_RESET);
    out.byte(0x0a);
  }
  return out.buf.toString('utf8', 0, out.pos);
}
