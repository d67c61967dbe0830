/**
 * Which characters draw a video cell, and how a cell's pixels become one of them. Pure.
 *
 * A terminal cell shows two colours, a foreground and a background, so a character that splits the cell into a
 * foreground part and a background part shows as many pixels as it has parts. Half blocks (`▀`) split it top and
 * bottom: 1×2 pixels, exact, in every font. Quadrants (`▘▝▖▗▚…`, Block Elements, also in nearly every font) split it
 * 2×2, sextants (`🬀…`, Unicode 13's Symbols for Legacy Computing, which kitty, WezTerm, foot and Alacritty draw
 * themselves and many fonts lack) 2×3: twice and three times the pixels of half blocks, which is
 * what makes a face in a small pane a face (chafa and notcurses draw video this way). The price: a cell still has
 * two colours, so each takes the mean of its part's pixels, and where a cell holds three colours, one is lost.
 *
 * A cell's pixels are split into the two groups that leave the least squared error around their means; every way of
 * splitting them is tried (1 for half blocks, 7 for quadrants, 31 for sextants).
 */

/** The characters video may be drawn with, fewest pixels per cell first. */
export const SYMBOL_SETS = ['half', 'quadrant', 'sextant'] as const;
export type SymbolSet = (typeof SYMBOL_SETS)[number];

/** What each set is, in a few words, for the call screen's notices. */
export const SYMBOL_DESCRIPTIONS: Record<SymbolSet, string> = {
  half: 'half blocks (2 pixels a cell)',
  quadrant: 'quadrants (4 pixels a cell)',
  sextant: 'sextants (6 pixels a cell; g again if your font lacks them)',
};

/**
 * The notice for a change to `symbols` while video is drawn in `mode`. Mono draws one ASCII character a cell whatever
 * the set (the set waits for a colour mode): saying "drawn with quadrants" there promised a change nobody saw.
 */
export function symbolsNotice(symbols: SymbolSet, mode: string): string {
  const drawn = `video drawn with ${SYMBOL_DESCRIPTIONS[symbols]}`;
  return mode === 'mono' ? `${drawn} in colour; mono stays ASCII (r for colours)` : drawn;
}

/** What the call's status line says video is drawn with: the mode, and the set where it is not half blocks and shows. */
export function drawingLabel(mode: string, symbols: SymbolSet): string {
  return symbols === 'half' || mode === 'mono' ? mode : `${mode} ${symbols}`;
}

/** Pixels per cell across and down. */
export interface CellShape {
  across: number;
  down: number;
}

const SHAPES: Record<SymbolSet, CellShape> = {
  half: { across: 1, down: 2 },
  quadrant: { across: 2, down: 2 },
  sextant: { across: 2, down: 3 },
};

export function cellShape(symbols: SymbolSet): CellShape {
  return SHAPES[symbols];
}

/**
 * The characters of a symbol set by mask: bit i set means the cell's pixel i (row by row, left to right) is drawn in
 * the foreground colour. Mask 0 is a space, the full mask a full block.
 */
function glyphsOf(symbols: SymbolSet): string[] {
  switch (symbols) {
    case 'half':
      return [' ', '\u2580', '\u2584', '\u2588'];
    case 'quadrant':
      // Bits: top left 1, top right 2, bottom left 4, bottom right 8.
      return [' ', '▘', '▝', '▀', '▖', '▌', '▞', '▛', '▗', '▚', '▐', '▜', '▄', '▙', '▟', '█'];
    case 'sextant':
      // Unicode orders sextants by mask (top left 1 … bottom right 32), leaving out the four that Block Elements
      // already have: empty, full, and the left and right halves (masks 21 and 42).
      return Array.from({ length: 64 }, (_, mask) => {
        if (mask === 0) return ' ';
        if (mask === 63) return '\u2588';
        if (mask === 21) return '\u258c';
        if (mask === 42) return '\u2590';
        return String.fromCodePoint(0x1fb00 + mask - 1 - (mask > 21 ? 1 : 0) - (mask > 42 ? 1 : 0));
      });
  }
}

const GLYPH_BYTES: Record<SymbolSet, Uint8Array[]> = {
  half: glyphsOf('half').map((g) => Buffer.from(g, 'utf8')),
  quadrant: glyphsOf('quadrant').map((g) => Buffer.from(g, 'utf8')),
  sextant: glyphsOf('sextant').map((g) => Buffer.from(g, 'utf8')),
};

/** UTF-8 bytes of the character for `mask` in `symbols` (see glyphsOf). */
export function glyphBytes(symbols: SymbolSet, mask: number): Uint8Array {
  return GLYPH_BYTES[symbols][mask] ?? GLYPH_BYTES[symbols][0]!;
}

/**
 * Fits one cell at a time; keep one per renderer (it reuses its scratch). After `fit`, `mask` says which pixels are
 * foreground, and `fg` and `bg` are the two colours as packed RGB.
 */
export class CellFitter {
  readonly shape: CellShape;
  /** Every pixel in the foreground: the full block's mask. */
  readonly fullMask: number;
  mask = 0;
  fg = 0;
  bg = 0;
  /** After `meansFor`: the two colours of another split of the same pixels. */
  otherFg = 0;
  otherBg = 0;
  /**
   * After `meansFor`: how much worse that split is than the best, as the squared error it adds, summed over the
   * cell's pixels and channels (0 for the best split itself, or for any split of a flat cell).
   */
  otherExcess = 0;
  /** The last fit's best score (see `score`); a flat cell's is that of any split, so none is worse. */
  private bestScore = 0;
  private readonly pixels: number;
  /** The last fitted cell's sums per channel. */
  private sumR = 0;
  private sumG = 0;
  private sumB = 0;
  /** The top/bottom split, the half block's: among equally good splits the familiar one wins. */
  private readonly topHalf: number;
  private readonly r: Int32Array;
  private readonly g: Int32Array;
  private readonly b: Int32Array;

  /**
   * @param flatRange a cell whose pixels differ by no more than this in every channel (0–255) is one colour, its mean:
   *   any split of it would be within that of each other (the renderer passes its tolerance, under which it draws
   *   such a cell as one colour anyway). Default 0.
   */
  constructor(
    readonly symbols: SymbolSet,
    private readonly flatRange = 0,
  ) {
    this.shape = cellShape(symbols);
    const n = (this.pixels = this.shape.across * this.shape.down);
    this.fullMask = (1 << n) - 1;
    this.topHalf = (1 << (this.shape.across * Math.floor(this.shape.down / 2))) - 1;
    this.r = new Int32Array(n);
    this.g = new Int32Array(n);
    this.b = new Int32Array(n);
  }

  /** Fits the cell at `col`, `row` of `grid` (RGB, 3 bytes per pixel, `gridWidth` pixels per row). */
  fit(grid: Uint8Array, gridWidth: number, col: number, row: number): void {
    const { across, down } = this.shape;
    if (across === 1) {
      // Half blocks: the one split there is, each colour one pixel.
      const t = (row * 2 * gridWidth + col) * 3;
      const u = t + gridWidth * 3;
      this.mask = 1;
      this.fg = ((grid[t] ?? 0) << 16) | ((grid[t + 1] ?? 0) << 8) | (grid[t + 2] ?? 0);
      this.bg = ((grid[u] ?? 0) << 16) | ((grid[u + 1] ?? 0) << 8) | (grid[u + 2] ?? 0);
      return;
    }
    const { r, g, b } = this;
    const n = this.pixels;
    let sr = 0;
    let sg = 0;
    let sb = 0;
    let lowR = 255;
    let lowG = 255;
    let lowB = 255;
    let highR = 0;
    let highG = 0;
    let highB = 0;
    for (let y = 0, i = 0; y < down; y++) {
      let o = ((row * down + y) * gridWidth + col * across) * 3;
      for (let x = 0; x < across; x++, o += 3, i++) {
        const pr = (r[i] = grid[o] ?? 0);
        const pg = (g[i] = grid[o + 1] ?? 0);
        const pb = (b[i] = grid[o + 2] ?? 0);
        sr += pr;
        sg += pg;
        sb += pb;
        if (pr < lowR) lowR = pr;
        if (pr > highR) highR = pr;
        if (pg < lowG) lowG = pg;
        if (pg > highG) highG = pg;
        if (pb < lowB) lowB = pb;
        if (pb > highB) highB = pb;
      }
    }
    this.sumR = sr;
    this.sumG = sg;
    this.sumB = sb;
    const flat = this.flatRange;
    if (highR - lowR <= flat && highG - lowG <= flat && highB - lowB <= flat) {
      this.mask = this.topHalf;
      this.fg = this.bg = packMean(sr, sg, sb, n);
      this.bestScore = -Infinity;
      return;
    }
    // The split with the least squared error around its two means is the one with the most Σ|group sum|²/size (no
    // error per pixel to compute). Every split that leaves the last pixel in the background, in Gray-code order:
    // each next split moves one pixel across, so the foreground's sums change by one pixel.
    const inverse = INVERSE;
    let bestMask = this.topHalf;
    let best = this.score(bestMask, sr, sg, sb);
    let mask = 0;
    let fr = 0;
    let fgr = 0;
    let fb = 0;
    let k = 0;
    for (let step = 1; step < 1 << (n - 1); step++) {
      const bit = 31 - Math.clz32(step & -step);
      const sign = mask & (1 << bit) ? -1 : 1;
      mask ^= 1 << bit;
      fr += sign * r[bit]!;
      fgr += sign * g[bit]!;
      fb += sign * b[bit]!;
      k += sign;
      const br = sr - fr;
      const bgr = sg - fgr;
      const bb = sb - fb;
      const score = (fr * fr + fgr * fgr + fb * fb) * inverse[k]! + (br * br + bgr * bgr + bb * bb) * inverse[n - k]!;
      if (score > best) {
        best = score;
        bestMask = mask;
      }
    }
    this.mask = bestMask;
    this.bestScore = best;
    this.score(bestMask, sr, sg, sb);
  }

  /** The mean colour of the last fitted cell's pixels, packed RGB. */
  mean(): number {
    if (this.shape.across === 1) {
      const { fg, bg } = this;
      return packMean(((fg >> 16) & 0xff) + ((bg >> 16) & 0xff), ((fg >> 8) & 0xff) + ((bg >> 8) & 0xff), (fg & 0xff) + (bg & 0xff), 2);
    }
    return packMean(this.sumR, this.sumG, this.sumB, this.pixels);
  }

  /** The means of the last fitted cell's pixels split by `mask`, into `otherFg` and `otherBg` (`fg` and `bg` stay). */
  meansFor(mask: number): void {
    const { fg, bg } = this;
    if (this.shape.across === 1) {
      // Half blocks have one split, the top pixel in front (mask 1) or behind (2).
      [this.otherFg, this.otherBg] = mask === 1 ? [fg, bg] : [bg, fg];
      this.otherExcess = 0;
      return;
    }
    // The squared error of a split is the pixels' sum of squares less its score, so the difference of scores is the
    // difference of errors.
    this.otherExcess = Math.max(0, this.bestScore - this.score(mask, this.sumR, this.sumG, this.sumB));
    [this.otherFg, this.otherBg, this.fg, this.bg] = [this.fg, this.bg, fg, bg];
  }

  /** The score of splitting by `mask`; leaves the two means in `fg` and `bg`. */
  private score(mask: number, sr: number, sg: number, sb: number): number {
    let fr = 0;
    let fgr = 0;
    let fb = 0;
    let k = 0;
    for (let i = 0; i < this.pixels; i++) {
      if ((mask & (1 << i)) === 0) continue;
      fr += this.r[i]!;
      fgr += this.g[i]!;
      fb += this.b[i]!;
      k++;
    }
    const rest = this.pixels - k;
    this.fg = packMean(fr, fgr, fb, k);
    this.bg = packMean(sr - fr, sg - fgr, sb - fb, rest);
    return (fr * fr + fgr * fgr + fb * fb) / k + ((sr - fr) ** 2 + (sg - fgr) ** 2 + (sb - fb) ** 2) / rest;
  }
}

/** 1/k for the group sizes a cell can have (multiplying is cheaper than dividing, 31 splits per sextant cell). */
const INVERSE = Float64Array.from({ length: 7 }, (_, k) => (k === 0 ? 0 : 1 / k));

function packMean(r: number, g: number, b: number, count: number): number {
  return (Math.round(r / count) << 16) | (Math.round(g / count) << 8) | Math.round(b / count);
}

