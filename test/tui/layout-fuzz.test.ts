/**
 * Seeded random terminal sizes: the screen's parts stay on the screen, and for 1 to 64 people the panes never
 * overlap, stay inside the grid, and every focus move lands on a pane.
 */
import { describe, it, expect } from 'vitest';
import { gridRects, gridShape, moveFocusIndex, screenLayout, MIN_COLS, MIN_ROWS, type Rect } from '../../src/tui/layout.js';
import { rng } from '../helpers/rng.js';

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const inside = (a: Rect, b: Rect): boolean => a.width >= 0 && a.height >= 0 && a.x >= b.x && a.y >= b.y && a.x + a.width <= b.x + b.width && a.y + a.height <= b.y + b.height;

describe('layout, randomized', () => {
  it('panes tile the grid without overlapping, each big enough to show, for every count from 1 to 64', () => {
    const r = rng(31);
    const failures: string[] = [];
    for (let t = 0; t < 60; t++) {
      let cols = t === 0 ? MIN_COLS : int(r, MIN_COLS, 400);
      const rows = t === 0 ? MIN_ROWS : t < 30 ? int(r, MIN_ROWS, 40) : int(r, MIN_ROWS, 150);
      if (t > 0 && t < 30) cols = int(r, MIN_COLS, 130);
      const chat = r() < 0.7;
      const screen = { x: 0, y: 0, width: cols, height: rows };
      const layout = screenLayout(cols, rows, chat);
      for (const part of [layout.grid, layout.status, layout.chat]) if (!inside(part, screen)) failures.push(`${cols}×${rows}: ${JSON.stringify(part)} off the screen`);
      const owner = new Int16Array(cols * rows).fill(-1);
      for (let count = 1; count <= 64; count++) {
        const rects = gridRects(count, layout.grid);
        const ctx = `${cols}×${rows} chat=${chat}, ${count} people`;
        if (rects.length !== count) failures.push(`${ctx}: ${rects.length} panes`);
        owner.fill(-1);
        rects.forEach((rect, i) => {
          if (!inside(rect, layout.grid)) failures.push(`${ctx}: pane ${i} ${JSON.stringify(rect)} outside the grid`);
          // PaneView hides a pane smaller than a border around one cell: that person would not be seen at all.
          if (rect.width < 4 || rect.height < 3) failures.push(`${ctx}: pane ${i} ${JSON.stringify(rect)} too small to show`);
          for (let y = rect.y; y < rect.y + rect.height; y++) {
            for (let x = rect.x; x < rect.x + rect.width; x++) {
              if (owner[y * cols + x]! >= 0) failures.push(`${ctx}: panes ${owner[y * cols + x]} and ${i} overlap at ${x},${y}`);
              owner[y * cols + x] = i;
            }
          }
        });
        const { columns } = gridShape(count, layout.grid);
        for (let i = 0; i < count; i++) {
          for (const move of ['next', 'previous', 'up', 'down'] as const) {
            const to = moveFocusIndex(i, count, columns, move);
            if (!(Number.isInteger(to) && to >= 0 && to < count)) failures.push(`${ctx}: ${move} from ${i} goes to ${to}`);
          }
        }
      }
    }
    expect(failures.slice(0, 10)).toEqual([]);
  });
});
