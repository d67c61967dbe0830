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
import { XTERM_PALETTE, type ColorMode } from '../../../src/media/video/color.js';
import type { RgbaImage } from '../../../src/media/video/image.js';

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

/** Mean absolute RGB difference between what the terminal shows and the photo sampled at the same places. */
function meanError(term: Term, image: RgbaImage, cols: number, rows: number, left: number, topRow: number, mirror = false): number {
  const region = gridRegion(image.width, image.height, cols, rows);
  let sum = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const line = term.buffer.active.getLine(topRow + r);
    for (let c = 0; c < cols; c++) {
      const cell = line?.getCell(left + c);
      if (!cell) throw new Error(`no cell at ${c},${r}`);
      const chars = cell.getChars();
      const top = chars === ' ' ? rgbOf(cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor()) : rgbOf(cell.isFgRGB(), cell.isFgPalette(), cell.getFgColor());
      const bottom = rgbOf(cell.isBgRGB(), cell.isBgPalette(), cell.getBgColor());
      for (const [k, shown] of [[0, top], [1, bottom]] as const) {
        const gx = c - region.x;
        const gy = 2 * r + k - region.y;
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
});
