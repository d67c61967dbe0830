/**
 * The pane renderer: an RGBA frame in, one Buffer of escape sequences out that paints it at a pane's place on the
 * screen. Half blocks (`▀`, foreground = upper pixel, background = lower) give two pixels per cell, quadrants and
 * sextants four and six (cell-symbols.ts); mono uses one ASCII character per cell. Output is diffed against what
 * this renderer last emitted (docs/rendering.md §2).
 */
import { AnsiWriter, bytesOf } from './ansi-writer.js';
import { CellFitter, glyphBytes, type SymbolSet } from './cell-symbols.js';
import { luma, lutEntry, MONO_RAMP, OKLAB_PER_LEVEL, palette16Lut, palette256Lut, paletteExcess, rampIndex, type ColorMode } from './color.js';
import type { RgbaImage } from './image.js';
import { GridSampler } from './render-grid.js';

/** Where a pane is on the screen, in cells; `x`/`y` are the 0-based column and row of its top-left cell. */
export interface PaneGeometry {
  cols: number;
  rows: number;
  x: number;
  y: number;
}

/** Options of {@link createPaneRenderer}. */
export interface PaneRendererOptions {
  mode: ColorMode;
  /** Flip left-right, for the self view. Default false. */
  mirror?: boolean;
  /**
   * Colour change (0–255 per channel) below which a cell is not repainted; in palette and mono modes, how much
   * closer a new entry must be before a cell leaves its current one. In truecolor a colour already set is reused
   * for a neighbouring cell within it. Absorbs sensor and JPEG noise. Default 12: about JPEG q60 noise, and what
   * keeps 4 moving 80×24 truecolor panes at 15 fps under 0.5 MB/s (bench/video-render.ts).
   */
  tolerance?: number;
  /** Wrap each frame in DEC synchronized output (mode 2026) so terminals that know it never show half a frame. Default false. */
  synchronized?: boolean;
  /** Wrap each frame in DECSC/DECRC, so the cursor position and SGR state of the program around us survive. Default false. */
  preserveCursor?: boolean;
  /** A cell's height over its width. Default 2. */
  cellAspect?: number;
  /** The characters cells are drawn with (colour modes; mono is ASCII). Default `half`. */
  symbols?: SymbolSet;
}

/** Renders successive frames of one video stream into one pane. */
export interface PaneRenderer {
  /**
   * Renders `frame` into `pane` and returns the bytes to write, as one write. Returns an empty Buffer when nothing
   * changed. A changed geometry repaints the whole pane. The caller must write every non-empty result (or call
   * `invalidate()`), since the next result only carries what differs from this one.
   * @throws ImageInvalidError for a malformed frame.
   */
  render(frame: RgbaImage, pane: PaneGeometry): Buffer;
  /** Forgets what is on screen, so the next `render` repaints every cell (after a resize or a screen clear). */
  invalidate(): void;
  /** Current options; change them with `setOptions`. */
  readonly options: Readonly<Required<PaneRendererOptions>>;
  /** Changes options; a changed mode, mirror, cell aspect or symbol set repaints on the next `render`. */
  setOptions(options: Partial<PaneRendererOptions>): void;
}

/** Creates a pane renderer. */
export function createPaneRenderer(options: PaneRendererOptions): PaneRenderer {
  return new DiffingPaneRenderer(options);
}

const ESC_CSI = bytesOf('\x1b[');
const SGR_RESET = bytesOf('\x1b[0m');
const SYNC_BEGIN = bytesOf('\x1b[?2026h');
const SYNC_END = bytesOf('\x1b[?2026l');
const SAVE_CURSOR = bytesOf('\x1b7');
const RESTORE_CURSOR = bytesOf('\x1b8');
const MONO_BYTES = Array.from(MONO_RAMP, (ch) => ch.charCodeAt(0));
// Worst case per cell: CUP (14) + two 24-bit colours (36) + a 4-byte character (a sextant).
const MAX_BYTES_PER_CELL = 56;

const DEFAULTS: Required<Omit<PaneRendererOptions, 'mode'>> = {
  mirror: false,
  tolerance: 12,
  synchronized: false,
  preserveCursor: false,
  cellAspect: 2,
  symbols: 'half',
};

class DiffingPaneRenderer implements PaneRenderer {
  options: Required<PaneRendererOptions>;
  private readonly sampler = new GridSampler();
  private fitter: CellFitter;
  private readonly out = new AnsiWriter(16_384);
  /** What each cell shows: its colours (mono: the ramp index, in prevFg) and which of its pixels are foreground. */
  private prevFg = new Int32Array(0);
  private prevBg = new Int32Array(0);
  private prevMask = new Uint8Array(0);
  private geometry: PaneGeometry = { cols: 0, rows: 0, x: -1, y: -1 };
  // Terminal state while emitting one frame: -1 = unknown.
  private fg = -1;
  private bg = -1;
  private curX = -1;
  private curY = -1;

  constructor(options: PaneRendererOptions) {
    this.options = { ...DEFAULTS, ...options };
    this.fitter = new CellFitter(this.options.symbols, this.options.tolerance);
  }

  setOptions(options: Partial<PaneRendererOptions>): void {
    const before = this.options;
    const next = (this.options = { ...before, ...options });
    if (before.symbols !== next.symbols || before.tolerance !== next.tolerance) {
      this.fitter = new CellFitter(next.symbols, next.tolerance);
    }
    if (before.mode !== next.mode || before.mirror !== next.mirror || before.cellAspect !== next.cellAspect || before.symbols !== next.symbols) {
      this.invalidate();
    }
  }

  invalidate(): void {
    this.prevFg.fill(-1);
    this.prevBg.fill(-1);
  }

  render(frame: RgbaImage, pane: PaneGeometry): Buffer {
    const { cols, rows } = pane;
    if (cols < 1 || rows < 1) return Buffer.alloc(0);
    const g = this.geometry;
    if (g.cols !== cols || g.rows !== rows || g.x !== pane.x || g.y !== pane.y) {
      this.geometry = { ...pane };
      if (this.prevFg.length !== cols * rows) {
        this.prevFg = new Int32Array(cols * rows);
        this.prevBg = new Int32Array(cols * rows);
        this.prevMask = new Uint8Array(cols * rows);
      }
      this.invalidate();
    }
    const { mode, mirror, cellAspect } = this.options;
    const grid = this.sampler.sample(frame, cols, rows, mirror, cellAspect, this.fitter.shape);
    const out = this.out;
    out.reset(cols * rows * MAX_BYTES_PER_CELL + 64);
    const header = (this.options.synchronized ? SYNC_BEGIN.length : 0) + (this.options.preserveCursor ? SAVE_CURSOR.length : 0);
    out.pos = header;
    this.fg = -1;
    this.bg = -1;
    this.curX = -1;
    this.curY = -1;
    if (mode === 'mono') this.renderMono(grid, pane);
    else this.renderColor(grid, pane, mode);
    if (out.pos === header) return Buffer.alloc(0);
    if (mode !== 'mono') out.bytes(SGR_RESET);
    if (this.options.preserveCursor) out.bytes(RESTORE_CURSOR);
    if (this.options.synchronized) out.bytes(SYNC_END);
    // Fill in the header now that we know the frame is not empty.
    let h = 0;
    if (this.options.synchronized) {
      out.buf.set(SYNC_BEGIN, h);
      h += SYNC_BEGIN.length;
    }
    if (this.options.preserveCursor) out.buf.set(SAVE_CURSOR, h);
    return out.take();
  }

  private renderColor(grid: Uint8Array, pane: PaneGeometry, mode: 'truecolor' | '256' | '16'): void {
    const { cols, rows } = pane;
    const tol = this.options.tolerance;
    const lut = mode === '256' ? palette256Lut() : mode === '16' ? palette16Lut() : undefined;
    const { prevFg, prevBg, prevMask } = this;
    const fitter = this.fitter;
    const gridWidth = cols * fitter.shape.across;
    // The squared error a split other than the best may add over a cell and still stand: `tol` per pixel.
    const splitSlack = fitter.shape.across * fitter.shape.down * tol * tol;
    /** Whether a cell showing `entry` (a palette index, or packed RGB in truecolor) still shows `rgb`. */
    const shows = lut
      ? (rgb: number, entry: number): boolean => stillNearest(rgb, entry, lutEntry(lut, rgb), tol)
      : (rgb: number, entry: number): boolean => near(rgb, entry, tol);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const idx = r * cols + c;
        const pf = prevFg[idx] ?? -1;
        const pb = prevBg[idx] ?? -1;
        fitter.fit(grid, gridWidth, c, r);
        const fgRgb = fitter.fg;
        const bgRgb = fitter.bg;
        if (pf >= 0) {
          // The previous cell still stands for these pixels when it split them the same way (or had one colour) and its
          // colours still show them…
          if ((fitter.mask === prevMask[idx] || pf === pb) && shows(fgRgb, pf) && shows(bgRgb, pb)) continue;
          if (pf !== pb && fitter.mask !== prevMask[idx]) {
            // …or when its split, another than the best now, still shows them within the tolerance and is nearly as
            // good (within the tolerance per pixel): in smooth areas several splits are, and noise would flip between
            // them every frame. Not otherwise: an edge arriving in a cell can average, split the old way, to the very
            // colours on screen, and stay drawn as a blur.
            fitter.meansFor(prevMask[idx] ?? 0);
            if (fitter.otherExcess <= splitSlack && shows(fitter.otherFg, pf) && shows(fitter.otherBg, pb)) continue;
          }
          // A cell of one colour stays one while its mean still shows as that colour and its parts have not come apart
          // by twice the tolerance (hysteresis): a part's mean, over a few pixels, wanders with noise more than the whole.
          if (pf === pb && near(fgRgb, bgRgb, 2 * tol) && shows(fitter.mean(), pf)) continue;
        }
        let fg: number;
        let bg: number;
        if (lut) {
          const nearFg = lutEntry(lut, fgRgb);
          const nearBg = lutEntry(lut, bgRgb);
          // Either colour that still shows as before stays (the cell is repainted for the other).
          const sameSplit = fitter.mask === prevMask[idx] || pf === pb;
          fg = sameSplit && pf >= 0 && stillNearest(fgRgb, pf, nearFg, tol) ? pf : nearFg;
          bg = sameSplit && pb >= 0 && stillNearest(bgRgb, pb, nearBg, tol) ? pb : nearBg;
          // As in truecolor below: reuse an entry already set when it is nearly as close. Always judged against the
          // nearest entry, so what is stored passes the same test next frame and an unchanged frame stays silent.
          if (this.bg >= 0 && bg !== this.bg && stickToPrevious(bgRgb, this.bg, nearBg, tol)) bg = this.bg;
          if (fg !== bg && stickToPrevious(fgRgb, bg, nearFg, tol)) fg = bg;
          else if (this.fg >= 0 && fg !== this.fg && stickToPrevious(fgRgb, this.fg, nearFg, tol)) fg = this.fg;
        } else {
          fg = fgRgb;
          bg = bgRgb;
          // Reuse a colour already set when it is within the tolerance: a 24-bit SGR costs ~17 bytes, and in smooth
          // areas neighbouring cells differ by less than sensor noise. The error stays bounded by `tol`.
          if (this.bg >= 0 && near(bg, this.bg, tol)) bg = this.bg;
          if (near(fg, bg, tol)) fg = bg;
          else if (this.fg >= 0 && near(fg, this.fg, tol)) fg = this.fg;
        }
        prevFg[idx] = fg;
        prevBg[idx] = bg;
        prevMask[idx] = fitter.mask;
        this.emitCell(pane.x + c, pane.y + r, fitter.mask, fg, bg, mode);
      }
    }
  }

  private emitCell(x: number, y: number, mask: number, fg: number, bg: number, mode: 'truecolor' | '256' | '16'): void {
    const out = this.out;
    if (x !== this.curX || y !== this.curY) out.cup(x, y);
    // A cell of one colour is a space on that background: no foreground to set, and 1 byte instead of 3.
    const solid = fg === bg;
    // The same picture drawn the other way round (the complementary character, colours swapped) may need fewer
    // colours set: the edge of a face against a wall is wall-then-face in one cell and face-then-wall in the next.
    if (!solid && Number(bg !== this.fg) + Number(fg !== this.bg) < Number(fg !== this.fg) + Number(bg !== this.bg)) {
      [fg, bg, mask] = [bg, fg, mask ^ this.fitter.fullMask];
    }
    const needFg = !solid && fg !== this.fg;
    const needBg = bg !== this.bg;
    if (needFg || needBg) {
      out.bytes(ESC_CSI);
      if (needFg) {
        writeColor(out, fg, false, mode);
        this.fg = fg;
      }
      if (needBg) {
        if (needFg) out.byte(0x3b);
        writeColor(out, bg, true, mode);
        this.bg = bg;
      }
      out.byte(0x6d);
    }
    if (solid) out.byte(0x20);
    else out.bytes(glyphBytes(this.options.symbols, mask));
    this.curX = x + 1;
    this.curY = y;
  }

  private renderMono(grid: Uint8Array, pane: PaneGeometry): void {
    const { cols, rows } = pane;
    const tol = this.options.tolerance;
    const prev = this.prevFg;
    const step = 256 / MONO_RAMP.length;
    const out = this.out;
    const { across, down } = this.fitter.shape;
    let started = false;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const idx = r * cols + c;
        const y = cellLuma(grid, cols * across, c, r, across, down);
        let level = rampIndex(y);
        const p = prev[idx] ?? -1;
        // Stay on the previous character while the luma is within `tol` of its band.
        if (p >= 0 && level !== p && y >= p * step - tol && y < (p + 1) * step + tol) level = p;
        if (level === p) continue;
        prev[idx] = level;
        if (!started) {
          // Mono draws in the terminal's default colours, whatever the program around us left set.
          out.bytes(SGR_RESET);
          started = true;
        }
        const x = pane.x + c;
        const sy = pane.y + r;
        if (x !== this.curX || sy !== this.curY) out.cup(x, sy);
        out.byte(MONO_BYTES[level] ?? 0x20);
        this.curX = x + 1;
        this.curY = sy;
      }
    }
  }
}

/** Writes the SGR parameters selecting `value` (packed RGB or a palette index) as foreground or background. */
export function writeColor(out: AnsiWriter, value: number, background: boolean, mode: 'truecolor' | '256' | '16'): void {
  if (mode === '16') {
    out.num(value < 8 ? (background ? 40 : 30) + value : (background ? 100 : 90) + value - 8);
    return;
  }
  out.byte(background ? 0x34 : 0x33);
  out.byte(0x38);
  out.byte(0x3b);
  if (mode === '256') {
    out.byte(0x35);
    out.byte(0x3b);
    out.num(value);
    return;
  }
  out.byte(0x32);
  out.byte(0x3b);
  out.num((value >> 16) & 0xff);
  out.byte(0x3b);
  out.num((value >> 8) & 0xff);
  out.byte(0x3b);
  out.num(value & 0xff);
}

function near(a: number, b: number, tol: number): boolean {
  const dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
  const dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff);
  const db = (a & 0xff) - (b & 0xff);
  return dr <= tol && dr >= -tol && dg <= tol && dg >= -tol && db <= tol && db >= -tol;
}

/**
 * True when `rgb` is no more than `tol` levels farther from the previous palette entry than from the new one, measured
 * as the quantiser measures (OKLab): in RGB, a dark green next to the letterbox's black stayed black across a picture
 * whose every colour the quantiser maps to grey.
 */
function stickToPrevious(rgb: number, prev: number, next: number, tol: number): boolean {
  return paletteExcess(rgb, prev, next) <= tol * OKLAB_PER_LEVEL;
}

/** Mean Rec. 709 luma of the pixels of the cell at `col`, `row` (`across`×`down` of them) in an RGB grid. */
export function cellLuma(grid: Uint8Array, gridWidth: number, col: number, row: number, across: number, down: number): number {
  let sum = 0;
  for (let y = 0; y < down; y++) {
    let o = ((row * down + y) * gridWidth + col * across) * 3;
    for (let x = 0; x < across; x++, o += 3) sum += luma(grid[o] ?? 0, grid[o + 1] ?? 0, grid[o + 2] ?? 0);
  }
  return sum / (across * down);
}

/** True when `rgb` is no more than `tol` farther from palette entry `prev` than from `nearest`, its nearest entry. */
function stillNearest(rgb: number, prev: number, nearest: number, tol: number): boolean {
  return nearest === prev || stickToPrevious(rgb, prev, nearest, tol);
}
