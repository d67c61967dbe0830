/**
 * renderStill on random pictures and boxes (0, 1, odd, wide, tall; every mode and symbol set, with and without the
 * letterbox): as many lines as the picture has cell rows, each exactly as wide as the box or the picture, each
 * ending with the colours reset, mono in printable ASCII only, and nothing but colours and glyphs in between.
 */
import { describe, it, expect } from 'vitest';
import { renderStill } from '../../../src/media/video/render-still.js';
import { gridRegion } from '../../../src/media/video/render-grid.js';
import { cellShape, SYMBOL_SETS } from '../../../src/media/video/cell-symbols.js';
import { COLOR_MODES } from '../../../src/media/video/color.js';
import { textColumns } from '../../../src/tui/text-width.js';
import { rng } from '../../helpers/rng.js';
import { AnsiScreen } from '../../helpers/ansi-screen.js';

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const side = (r: () => number): number => (r() < 0.2 ? int(r, 1, 3) : r() < 0.2 ? int(r, 300, 900) : int(r, 1, 120));

describe('renderStill, randomized', () => {
  it('prints whole lines of the right width, reset at each end', () => {
    const r = rng(7);
    const failures: string[] = [];
    for (let k = 0; k < 400; k++) {
      const [width, height] = [side(r), side(r)];
      const cols = r() < 0.25 ? int(r, 0, 2) : int(r, 1, 200);
      const rows = r() < 0.25 ? int(r, 0, 2) : int(r, 1, 60);
      const mode = COLOR_MODES[int(r, 0, 3)]!;
      const symbols = SYMBOL_SETS[int(r, 0, 2)]!;
      const letterbox = r() < 0.5;
      const data = new Uint8Array(width * height * 4).map(() => int(r, 0, 255));
      const ctx = `${width}×${height} in ${cols}×${rows}, ${mode} ${symbols}${letterbox ? ' letterboxed' : ''}`;
      const out = renderStill({ width, height, data }, { cols, rows, mode, symbols, letterbox });
      const { across, down } = cellShape(symbols);
      const region = gridRegion(width, height, cols, rows, 2, cellShape(symbols));
      const [lineCols, lineCount] = letterbox ? [cols, rows] : [region.width / across, region.height / down];
      const lines = out.split('\n');
      if (lines.pop() !== '' || lines.length !== lineCount) failures.push(`${ctx}: ${lines.length} lines, not ${lineCount}`);
      if (lineCols > cols || lineCount > rows) failures.push(`${ctx}: ${lineCols}×${lineCount} cells, more than the box`);
      const bad = lines.find((line) =>
        textColumns(line.replace(/\x1b\[[0-9;]*m/g, '')) !== lineCols ||
        (mode === 'mono' ? !/^[\x20-\x7e]*$/.test(line) : !line.endsWith('\x1b[0m')));
      if (bad !== undefined) failures.push(`${ctx}: line ${JSON.stringify(bad.slice(0, 80))}`);
      try {
        new AnsiScreen(Math.max(1, lineCols), lineCount + 1).apply(out);
      } catch (err) {
        failures.push(`${ctx}: ${(err as Error).message}`);
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
