/**
 * The pane renderer: an RGBA frame in, one Buffer of escape sequences out that paints it at a pane's place on the
 * screen. Half blocks (`▀`, foreground = upper pixel, background = lower) give two pixels per cell; mono uses one
 * ASCII character per cell. Output is diffed against what this renderer last emitted (docs/rendering.md §2).
 */
import { AnsiWriter, bytesOf } from './ansi-writer.js';
import { luma, lutKey, MONO_RAMP, palette16Lut, palette256Lut, rampIndex, XTERM_PALETTE, type ColorMode } from './color.js';
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
  /** Changes options; a changed mode or mirror repaints on the next `render`. */
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
const UPPER_HALF = bytesOf('\u2580');
const MONO_BYTES = Array.from(MONO_RAMP, (ch) => ch.charCodeAt(0));
// Worst case per cell: CUP (14) + two 24-bit colours (36) + a 3-byte character.
const MAX_BYTES_PER_CELL = 56;

const DEFAULTS: Required<Omit<PaneRendererOptions, 'mode'>> = {
  mirror: false,
  tolerance: 12,
  synchronized: false,
  preserveCursor: false,
  cellAspect: 2,
};

class DiffingPaneRenderer implements PaneRenderer {
  options: Required<PaneRendererOptions>;
  private readonly sampler = new GridSampler();
  private readonly out = new AnsiWriter(16_384);
  private prevTop = new Int32Array(0);
  private prevBottom = new Int32Array(0);
  private geometry: PaneGeometry = { cols: 0, rows: 0, x: -1, y: -1 };
  // Terminal state while emitting one frame: -1 = unknown.
  private fg = -1;
  private bg = -1;
  private curX = -1;
  private curY = -1;

  constructor(options: PaneRendererOptions) {
    this.options = { ...DEFAULTS, ...options };
  }

  setOptions(options: Partial<PaneRendererOptions>): void {
    const before = this.options;
    this.options = { ...before, ...options };
    if (before.mode !== this.options.mode || before.mirror !== this.options.mirror || before.cellAspect !== this.options.cellAspect) {
      this.invalidate();
    }
  }

  invalidate(): void {
    this.prevTop.fill(-1);
    this.prevBottom.fill(-1);
  }

  render(frame: RgbaImage, pane: PaneGeometry): Buffer {
    const { cols, rows } = pane;
    if (cols < 1 || rows < 1) return Buffer.alloc(0);
    const g = this.geometry;
    if (g.cols !== cols || g.rows !== rows || g.x !== pane.x || g.y !== pane.y) {
      this.geometry = { ...pane };
      if (this.prevTop.length !== cols * rows) {
        this.prevTop = new Int32Array(cols * rows);
        this.prevBottom = new Int32Array(cols * rows);
      }
      this.invalidate();
    }
    const { mode, mirror, cellAspect } = this.options;
    const grid = this.sampler.sample(frame, cols, rows, mirror, cellAspect);
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
    const prevTop = this.prevTop;
    const prevBottom = this.prevBottom;
    const rowStride = cols * 3;
    for (let r = 0; r < rows; r++) {
      let ti = 2 * r * rowStride;
      let bi = ti + rowStride;
      for (let c = 0; c < cols; c++, ti += 3, bi += 3) {
        const idx = r * cols + c;
        const pt = prevTop[idx] ?? -1;
        const pb = prevBottom[idx] ?? -1;
        const tr = grid[ti] ?? 0;
        const tg = grid[ti + 1] ?? 0;
        const tb = grid[ti + 2] ?? 0;
        const br = grid[bi] ?? 0;
        const bg = grid[bi + 1] ?? 0;
        const bb = grid[bi + 2] ?? 0;
        let top: number;
        let bottom: number;
        if (lut) {
          const nearTop = lut[lutKey(tr, tg, tb)] ?? 0;
          const nearBottom = lut[lutKey(br, bg, bb)] ?? 0;
          top = nearTop !== pt && pt >= 0 && stickToPrevious(tr, tg, tb, pt, nearTop, tol) ? pt : nearTop;
          bottom = nearBottom !== pb && pb >= 0 && stickToPrevious(br, bg, bb, pb, nearBottom, tol) ? pb : nearBottom;
          if (top === pt && bottom === pb) continue;
          // As in truecolor below: reuse an entry already set when it is nearly as close. Always judged against the
          // nearest entry, so what is stored passes the same test next frame and an unchanged frame stays silent.
          if (this.bg >= 0 && bottom !== this.bg && stickToPrevious(br, bg, bb, this.bg, nearBottom, tol)) bottom = this.bg;
          if (top !== bottom && stickToPrevious(tr, tg, tb, bottom, nearTop, tol)) top = bottom;
          else if (this.fg >= 0 && top !== this.fg && stickToPrevious(tr, tg, tb, this.fg, nearTop, tol)) top = this.fg;
        } else {
          top = (tr << 16) | (tg << 8) | tb;
          bottom = (br << 16) | (bg << 8) | bb;
          if (pt >= 0 && pb >= 0 && near(top, pt, tol) && near(bottom, pb, tol)) continue;
          // Reuse a colour already set when it is within the tolerance: a 24-bit SGR costs ~17 bytes, and in smooth
          // areas neighbouring cells differ by less than sensor noise. The error stays bounded by `tol`.
          if (this.bg >= 0 && near(bottom, this.bg, tol)) bottom = this.bg;
          if (near(top, bottom, tol)) top = bottom;
          else if (this.fg >= 0 && near(top, this.fg, tol)) top = this.fg;
        }
        prevTop[idx] = top;
        prevBottom[idx] = bottom;
        this.emitHalfBlock(pane.x + c, pane.y + r, top, bottom, mode);
      }
    }
  }

  private emitHalfBlock(x: number, y: number, top: number, bottom: number, mode: 'truecolor' | '256' | '16'): void {
    const out = this.out;
    if (x !== this.curX || y !== this.curY) out.cup(x, y);
    // A cell of one colour is a space on that background: no foreground to set, and 1 byte instead of 3.
    const solid = top === bottom;
    const needFg = !solid && top !== this.fg;
    const needBg = bottom !== this.bg;
    if (needFg || needBg) {
      out.bytes(ESC_CSI);
      if (needFg) {
        writeColor(out, top, false, mode);
        this.fg = top;
      }
      if (needBg) {
        if (needFg) out.byte(0x3b);
        writeColor(out, bottom, true, mode);
        this.bg = bottom;
      }
      out.byte(0x6d);
    }
    if (solid) out.byte(0x20);
    else out.bytes(UPPER_HALF);
    this.curX = x + 1;
    this.curY = y;
  }

  private renderMono(grid: Uint8Array, pane: PaneGeometry): void {
    const { cols, rows } = pane;
    const tol = this.options.tolerance;
    const prev = this.prevTop;
    const rowStride = cols * 3;
    const step = 256 / MONO_RAMP.length;
    const out = this.out;
    let started = false;
    for (let r = 0; r < rows; r++) {
      let ti = 2 * r * rowStride;
      let bi = ti + rowStride;
      for (let c = 0; c < cols; c++, ti += 3, bi += 3) {
        const idx = r * cols + c;
        const y =
          (luma(grid[ti] ?? 0, grid[ti + 1] ?? 0, grid[ti + 2] ?? 0) + luma(grid[bi] ?? 0, grid[bi + 1] ?? 0, grid[bi + 2] ?? 0)) / 2;
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

/** True when the pixel is no more than `tol` farther (RGB distance) from the previous palette entry than from the new one. */
function stickToPrevious(r: number, g: number, b: number, prev: number, next: number, tol: number): boolean {
  return rgbDistance(r, g, b, prev) <= rgbDistance(r, g, b, next) + tol;
}

function rgbDistance(r: number, g: number, b: number, index: number): number {
  const o = index * 3;
  const dr = r - (XTERM_PALETTE[o] ?? 0);
  const dg = g - (XTERM_PALETTE[o + 1] ?? 0);
  const db = b - (XTERM_PALETTE[o + 2] ?? 0);
  return Math.sqrt(dr * dr + dg * dg + db * db);
}
