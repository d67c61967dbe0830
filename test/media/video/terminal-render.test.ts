/**
 * The renderer's output parsed back by a real terminal emulator (@xterm/headless): the `preview --once` path
 * (renderStill) and the in-call path (pane renderer at an offset) must show the photo's colours at the right cells.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import xterm from '@xterm/headless';
import { decodeJpeg } from '../../../src/media/video/jpeg.js';
import { renderStill } from '../../../src/media/video/render-still.js';
import { createPaneRenderer } from '../../../src/media/video/render-pane.js';
import { gridRegion } from '../../../src/media/video/render-grid.js';
import { cellShape, glyphBytes, SYMBOL_SETS, type SymbolSet } from '../../../src/media/video/cell-symbols.js';
import { XTERM_PALETTE, type ColorMode } from '../../../src/media/video/color.js';
import type { RgbaImage } from '../../../src/media/video/image.js';
import { gradientImage, rgbImage } from './helpers.js';

const WHITE: [number, number, number] = [255, 255, 255];
const BLACK: [number, number, number] = [0, 0, 0];

const { Terminal } = xterm;
type Term = InstanceType<typeof Terminal>;

const photo = decodeJpeg(readFileSync(new URL('../../../fixtures/chelsea-200.jpg', import.meta.url)));

async function terminalWith(output: string | Buffer, cols = 80, rows = 30): Promise<Term> {
  // convertEol mirrors a tty's onlcr, which turns the still renderer's "\n" into CR LF.
  const term = new Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  await new Promise<void>((resolve) => term.write(output, resolve));
  return term;
}

function rgbOf(isRgb: boolean, isPalette: boolean, value: number): [number, number, number] {
  if (isRgb) return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
  if (isPalette) return [XTERM_PALETTE[value * 3] ?? 0, XTERM_PALETTE[value * 3 + 1] ?? 0, XTERM_PALETTE[value * 3 + 2] ?? 0];
  return [-1000, -1000, -1000];
}

/** Which pixels of a cell each character of a symbol set draws in the foreground (the renderer's glyph table, reversed). */
function masksByGlyph(symbols: SymbolSet): Map<string, number> {
  const { across, down } = cellShape(symbols);
  const decoder = new TextDecoder();
  const masks = new Map<string, number>();
  for (let mask = 0; mask < 1 << (across * down); mask++) masks.set(decoder.decode(glyphBytes(symbols, mask)), mask);
  return masks;
}

type Rgb = [number, number, number];

/** What the cell at `col`, `row` shows: which of its pixels are foreground (its `symbols` character's mask), and the two colours. */
function shownCell(term: Term, masks: Map<string, number>, symbols: SymbolSet, col: number, row: number): { mask: number; fg: Rgb; bg: Rgb } {
  const cell = term.buffer.active.getLine(row)?.getCell(col);
  if (!cell) throw new Error(`no cell at ${col},${row}`);
  const mask = masks.get(cell.getChars());
  if (mask === undefined) throw new Error(`cell ${col},${row} shows "${cell.getChars()}", not a ${symbols} character`);
  return {
    mask,
    fg: rgbOf(cell.isFgRGB(), cell.isFgPalette(), cell.getFgColor()),
    bg: rgbOf(cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor()),
  };
}

/**
 * Mean absolute RGB difference between what the terminal shows and the photo sampled at the same places: each cell's
 * character says which of its pixels (`symbols`' shape) show the foreground colour and which the background.
 */
function meanError(
  term: Term,
  image: RgbaImage,
  cols: number,
  rows: number,
  left: number,
  topRow: number,
  mirror = false,
  symbols: SymbolSet = 'half',
): number {
  const shape = cellShape(symbols);
  const { across, down } = shape;
  const region = gridRegion(image.width, image.height, cols, rows, 2, shape);
  const masks = masksByGlyph(symbols);
  let sum = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const { mask, fg, bg } = shownCell(term, masks, symbols, left + c, topRow + r);
      for (let k = 0; k < across * down; k++) {
        const shown = mask & (1 << k) ? fg : bg;
        const gx = c * across + (k % across) - region.x;
        const gy = r * down + Math.floor(k / across) - region.y;
        if (gx < 0 || gy < 0 || gx >= region.width || gy >= region.height) continue;
        const sx = Math.floor(((mirror ? region.width - 1 - gx : gx) + 0.5) * (image.width / region.width));
        const sy = Math.floor((gy + 0.5) * (image.height / region.height));
        const i = (sy * image.width + sx) * 4;
        for (let ch = 0; ch < 3; ch++) sum += Math.abs((shown[ch] ?? 0) - (image.data[i + ch] ?? 0));
        n += 3;
      }
    }
  }
  expect(n).toBeGreaterThan(0);
  return sum / n;
}

describe('rendered output in a real terminal emulator', () => {
  const limits: Record<ColorMode, number> = { truecolor: 12, '256': 20, '16': 60, mono: 0 };
  for (const mode of ['truecolor', '256', '16'] as const) {
    it(`preview --once style (${mode}): cells show the photo's colours where they belong`, async () => {
      const text = renderStill(photo, { cols: 60, rows: 20, mode });
      const lines = text.split('\n').filter((l) => l.length > 0);
      const region = gridRegion(photo.width, photo.height, 60, 20);
      expect(lines.length).toBe(region.height / 2);
      const term = await terminalWith(text);
      const err = meanError(term, photo, region.width, region.height / 2, 0, 0);
      expect(err).toBeLessThan(limits[mode]);
      // The same check against the mirrored photo must fail by a wide margin: positions really are checked.
      // (16 colours are too coarse for that margin; truecolor and 256 carry the position check.)
      if (mode !== '16') expect(meanError(term, photo, region.width, region.height / 2, 0, 0, true)).toBeGreaterThan(err * 1.5);
    });
  }

  it('mono prints only characters of the luminance ramp, no escapes, with visible structure', async () => {
    const text = renderStill(photo, { cols: 40, rows: 12, mode: 'mono' });
    expect(text).not.toMatch(/\x1b/);
    const term = await terminalWith(text);
    const row = term.buffer.active.getLine(5)?.translateToString(true) ?? '';
    expect(row.length).toBeGreaterThan(10);
    const used = new Set(text.replace(/\n/g, ''));
    expect(used.size).toBeGreaterThanOrEqual(4);
    for (const ch of used) expect(' .:-=+*#%@').toContain(ch);
  });

  it('the pane renderer paints at the pane offset and a diffed second frame leaves the screen identical', async () => {
    const pane = { cols: 40, rows: 15, x: 7, y: 4 };
    const r = createPaneRenderer({ mode: 'truecolor', synchronized: true });
    const first = r.render(photo, pane);
    const term = await terminalWith(first, 80, 30);
    const region = gridRegion(photo.width, photo.height, pane.cols, pane.rows);
    // Cells left of the pane are untouched (default background).
    expect(term.buffer.active.getLine(10)?.getCell(3)?.isBgDefault()).toBe(true);
    const err = meanError(term, photo, pane.cols, pane.rows, pane.x, pane.y);
    expect(err).toBeLessThan(12);
    // Re-rendering the same picture adds nothing; brightening the left third repaints only part of it.
    expect(r.render(photo, pane).length).toBe(0);
    const brighter = {
      ...photo,
      data: photo.data.map((v, i) => (i % 4 === 3 || (i >> 2) % photo.width > photo.width / 3 ? v : Math.min(255, v + 30))),
    };
    const second = r.render(brighter, pane);
    expect(second.length).toBeGreaterThan(0);
    expect(second.length).toBeLessThan(first.length / 2);
    await new Promise<void>((resolve) => term.write(second, resolve));
    expect(meanError(term, brighter, pane.cols, pane.rows, pane.x, pane.y)).toBeLessThan(14);
    expect(region.width).toBeLessThanOrEqual(pane.cols);
  });

  for (const symbols of ['quadrant', 'sextant'] as const) {
    for (const mode of ['truecolor', '256'] as const) {
      it(`${symbols}, ${mode}: every cell is a ${symbols} character and the photo's colours are where they belong`, async () => {
        const shape = cellShape(symbols);
        const text = renderStill(photo, { cols: 60, rows: 20, mode, symbols });
        const region = gridRegion(photo.width, photo.height, 60, 20, 2, shape);
        const cols = region.width / shape.across;
        const rows = region.height / shape.down;
        expect(text.split('\n').filter((l) => l.length > 0)).toHaveLength(rows);
        const term = await terminalWith(text);
        // Judged pixel by pixel at the set's own resolution, which is finer than half blocks'.
        const err = meanError(term, photo, cols, rows, 0, 0, false, symbols);
        expect(err).toBeLessThan(limits[mode] * 1.5);
        expect(meanError(term, photo, cols, rows, 0, 0, true, symbols)).toBeGreaterThan(err * 1.5);
      });
    }
  }

  it('detail finer than half blocks can show: 1-pixel stripes come out as stripes in quadrants, as grey in half blocks', async () => {
    // A square picture of alternating black and white columns, 40 pixels wide, drawn into 20×10 cells: the
    // quadrants' 2×2 pixels a cell (each twice as tall as wide) hold it as 40×20, one column of pixels per stripe.
    const stripes = (height: number): RgbaImage =>
      rgbImage(Array.from({ length: height }, () => Array.from({ length: 40 }, (_, x) => (x % 2 ? WHITE : BLACK))));
    const errorOf = async (symbols: SymbolSet): Promise<number> => {
      const term = await terminalWith(renderStill(stripes(40), { cols: 20, rows: 10, mode: 'truecolor', symbols, letterbox: true }));
      // Both judged at the quadrant resolution: what the eye would see of the stripes.
      return meanErrorAt(term, stripes(20), 20, 10, symbols);
    };
    expect(await errorOf('quadrant')).toBeLessThan(3);
    expect(await errorOf('half')).toBeGreaterThan(100);
  });

  for (const symbols of SYMBOL_SETS) {
    it(`${symbols}: after a run of diffed frames of moving video the screen is as close to the last frame as a full paint`, async () => {
      const pane = { cols: 40, rows: 12, x: 0, y: 0 };
      for (const mode of ['truecolor', '256', '16'] as const) {
        const diffed = createPaneRenderer({ mode, symbols });
        const term = await terminalWith('', 40, 12);
        let last = gradientImage(96, 64, 0);
        for (let phase = 0; phase < 40; phase++) {
          last = gradientImage(96, 64, phase);
          await new Promise<void>((resolve) => term.write(diffed.render(last, pane), resolve));
        }
        const fresh = await terminalWith(createPaneRenderer({ mode, symbols }).render(last, pane), 40, 12);
        const full = meanError(fresh, last, pane.cols, pane.rows, 0, 0, false, symbols);
        const kept = meanError(term, last, pane.cols, pane.rows, 0, 0, false, symbols);
        // What diffing leaves (cells within the tolerance not repainted) costs a few levels of 255 at most.
        expect(kept - full, `${mode}: diffed ${kept.toFixed(1)}, full paint ${full.toFixed(1)}`).toBeLessThan(mode === 'truecolor' ? 4 : 6);
      }
    });
  }

  it('the pane renderer in quadrants: painted at the pane offset, silent on the same frame, and back to half blocks on request', async () => {
    const pane = { cols: 40, rows: 15, x: 7, y: 4 };
    const r = createPaneRenderer({ mode: 'truecolor', symbols: 'quadrant', synchronized: true });
    const term = await terminalWith(r.render(photo, pane), 80, 30);
    expect(term.buffer.active.getLine(10)?.getCell(3)?.isBgDefault()).toBe(true);
    expect(meanError(term, photo, pane.cols, pane.rows, pane.x, pane.y, false, 'quadrant')).toBeLessThan(14);
    expect(r.render(photo, pane).length).toBe(0);
    r.setOptions({ symbols: 'half' });
    const again = r.render(photo, pane);
    await new Promise<void>((resolve) => term.write(again, resolve));
    expect(meanError(term, photo, pane.cols, pane.rows, pane.x, pane.y, false, 'half')).toBeLessThan(12);
  });
});

/** Like meanError for a still at the origin, but every set judged against `image`, the picture at 2×2 pixels a cell. */
function meanErrorAt(term: Term, image: RgbaImage, cols: number, rows: number, symbols: SymbolSet): number {
  const masks = masksByGlyph(symbols);
  const { across, down } = cellShape(symbols);
  let sum = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const { mask, fg, bg } = shownCell(term, masks, symbols, c, r);
      for (let y = 0; y < 2; y++) {
        for (let x = 0; x < 2; x++) {
          // The quadrant pixel (x, y) lies in the set's pixel (x·across/2, y·down/2).
          const bit = Math.floor((y * down) / 2) * across + Math.floor((x * across) / 2);
          const shown = mask & (1 << bit) ? fg : bg;
          const i = ((r * 2 + y) * image.width + c * 2 + x) * 4;
          for (let ch = 0; ch < 3; ch++) sum += Math.abs((shown[ch] ?? 0) - (image.data[i + ch] ?? 0));
          n += 3;
        }
      }
    }
  }
  return sum / n;
}
