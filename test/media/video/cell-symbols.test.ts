import { describe, it, expect } from 'vitest';
import { CellFitter, cellShape, glyphBytes, SYMBOL_SETS, drawingLabel, symbolsNotice, type SymbolSet } from '../../../src/media/video/cell-symbols.js';
import { gridRegion } from '../../../src/media/video/render-grid.js';

type Rgb = readonly [number, number, number];
const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const RED: Rgb = [255, 0, 0];

/** One cell's pixels, row by row, as the RGB grid the renderer samples (a grid of exactly one cell). */
function cellGrid(pixels: Rgb[]): Uint8Array {
  return Uint8Array.from(pixels.flat());
}

function packed([r, g, b]: Rgb): number {
  return (r << 16) | (g << 8) | b;
}

const glyph = (symbols: SymbolSet, mask: number): string => new TextDecoder().decode(glyphBytes(symbols, mask));

describe('cell symbols', () => {
  it('each set has one character per mask, none repeated, one cell wide (no wide or combining characters)', () => {
    for (const symbols of SYMBOL_SETS) {
      const { across, down } = cellShape(symbols);
      const all = Array.from({ length: 1 << (across * down) }, (_, mask) => glyph(symbols, mask));
      expect(new Set(all).size).toBe(all.length);
      for (const g of all) expect([...g]).toHaveLength(1);
      expect(all[0]).toBe(' ');
      expect(all.at(-1)).toBe('█');
    }
  });

  it("quadrant and sextant characters are Unicode's for the pixels they cover", () => {
    expect(glyph('half', 1)).toBe('▀');
    expect(glyph('half', 2)).toBe('▄');
    // Quadrants: top left 1, top right 2, bottom left 4, bottom right 8.
    expect([1, 2, 4, 8, 3, 5, 9, 6].map((m) => glyph('quadrant', m)).join('')).toBe('▘▝▖▗▀▌▚▞');
    // Sextants: BLOCK SEXTANT-1 is U+1FB00, SEXTANT-12 U+1FB02; the left and right columns are Block Elements' halves.
    expect(glyph('sextant', 1).codePointAt(0)).toBe(0x1fb00);
    expect(glyph('sextant', 3).codePointAt(0)).toBe(0x1fb02);
    expect(glyph('sextant', 21)).toBe('▌');
    expect(glyph('sextant', 22).codePointAt(0)).toBe(0x1fb14); // SEXTANT-235, the first after the gap
    expect(glyph('sextant', 42)).toBe('▐');
    expect(glyph('sextant', 62).codePointAt(0)).toBe(0x1fb3b); // SEXTANT-23456, the last
  });

  it('a quadrant cell with one bright corner draws that corner in the foreground, exactly', () => {
    const fitter = new CellFitter('quadrant');
    fitter.fit(cellGrid([BLACK, BLACK, BLACK, WHITE]), 2, 0, 0);
    // The bottom-right pixel is the foreground (mask 8) or the background of the complement (mask 7).
    if (fitter.mask === 8) expect([fitter.fg, fitter.bg]).toEqual([packed(WHITE), packed(BLACK)]);
    else expect([fitter.mask, fitter.fg, fitter.bg]).toEqual([7, packed(BLACK), packed(WHITE)]);
  });

  it('a sextant cell split by a diagonal keeps both sides; half blocks can only average the middle row', () => {
    // Left column and the bottom right red, the rest white.
    const pixels = [RED, WHITE, RED, WHITE, RED, RED];
    const sextant = new CellFitter('sextant');
    sextant.fit(cellGrid(pixels), 2, 0, 0);
    const red = pixels.map((p, i) => (p === RED ? 1 << i : 0)).reduce((a, b) => a | b);
    expect(sextant.mask === red ? sextant.fg : sextant.bg).toBe(packed(RED));
    expect(sextant.mask === red || sextant.mask === (~red & 63)).toBe(true);
  });

  it('equally good splits fall back to the half block; a cell flat within the range is one colour, its mean', () => {
    const fitter = new CellFitter('quadrant', 12);
    fitter.fit(cellGrid([WHITE, WHITE, BLACK, BLACK]), 2, 0, 0);
    expect(fitter.mask).toBe(3);
    fitter.fit(cellGrid([[100, 100, 100], [110, 100, 100], [100, 108, 100], [104, 100, 112]]), 2, 0, 0);
    expect(fitter.fg).toBe(fitter.bg);
    expect(fitter.fg).toBe(packed([104, 102, 103]));
  });

  it('fits the right cell of a wider grid (the cell at column 1, row 1 of a 2×2-cell quadrant grid)', () => {
    // 4×4 pixels: all black but the top-left pixel of cell (1, 1), which is grid pixel (2, 2).
    const grid = new Uint8Array(4 * 4 * 3);
    grid.set(WHITE, (2 * 4 + 2) * 3);
    const fitter = new CellFitter('quadrant');
    fitter.fit(grid, 4, 1, 1);
    expect(fitter.mask === 1 ? fitter.fg : fitter.bg).toBe(packed(WHITE));
    fitter.fit(grid, 4, 0, 1);
    expect(fitter.fg).toBe(fitter.bg);
  });

  it("places the picture on whole cells: a quadrant grid's picture starts and ends on even columns", () => {
    for (const [w, h] of [[160, 106], [101, 77], [64, 200]] as const) {
      const region = gridRegion(w, h, 37, 11, 2, cellShape('quadrant'));
      expect(region.x % 2).toBe(0);
      expect(region.width % 2).toBe(0);
      expect(region.y % 2).toBe(0);
      expect(region.height % 2).toBe(0);
      expect(region.x + region.width).toBeLessThanOrEqual(74);
      const sextant = gridRegion(w, h, 37, 11, 2, cellShape('sextant'));
      expect(sextant.y % 3).toBe(0);
      expect(sextant.height % 3).toBe(0);
      expect(sextant.y + sextant.height).toBeLessThanOrEqual(33);
    }
    // Aspect kept: a 4:3 frame in a wide pane of 2×2-pixel cells (twice as tall as wide) is 4:3 on screen.
    const region = gridRegion(160, 120, 80, 12, 2, cellShape('quadrant'));
    expect((region.width / 2) / (region.height / 2 * 2)).toBeCloseTo(4 / 3, 1);
  });
});

describe('symbolsNotice', () => {
  it('says what g changed, and in mono that the picture stays ASCII until a colour mode', () => {
    expect(symbolsNotice('quadrant', '256')).toBe('video drawn with quadrants (4 pixels a cell)');
    expect(symbolsNotice('quadrant', 'mono')).toBe('video drawn with quadrants (4 pixels a cell) in colour; mono stays ASCII (r for colours)');
  });
});

describe('drawingLabel', () => {
  it('names the symbol set only where it shows: not half blocks, not mono (ASCII whatever the set)', () => {
    expect(drawingLabel('256', 'half')).toBe('256');
    expect(drawingLabel('truecolor', 'sextant')).toBe('truecolor sextant');
    expect(drawingLabel('mono', 'quadrant')).toBe('mono');
  });
});
