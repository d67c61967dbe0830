/**
 * Seeded random sequences of layouts, frames and flushes: once the caller repaints what `takeUncovered` reports,
 * no video cell is left outside the panes (where blessed believes the cells blank and would never redraw them).
 */
import { describe, it, expect } from 'vitest';
import { VideoLayer, type VideoPane } from '../../src/tui/video-layer.js';
import { rng } from '../helpers/rng.js';
import { AnsiScreen } from '../helpers/ansi-screen.js';

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const W = 60;
const H = 30;

describe('VideoLayer, randomized', () => {
  it('video cells never stay outside every pane once the uncovered areas are repainted', () => {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed);
      const screen = new AnsiScreen(W, H, ' ');
      const video = new Uint8Array(W * H);
      const output = {
        write: (bytes: Uint8Array): boolean => {
          screen.apply(Buffer.from(bytes).toString('utf8'), { write: (x, y) => { video[y * W + x] = 1; } });
          return true;
        },
        writableLength: 0,
      };
      const layer = new VideoLayer(output, { mode: 'truecolor' });
      let panes: VideoPane[] = [];
      const log: string[] = [];
      for (let step = 0; step < 40; step++) {
        const ev = r();
        if (ev < 0.35) {
          const keys = [...new Set(Array.from({ length: int(r, 0, 3) }, () => `p${int(r, 0, 3)}`))];
          panes = keys.map((key) => ({ key, area: { x: int(r, 0, 40), y: int(r, 0, 20), cols: int(r, 0, 19), rows: int(r, 0, 9) }, mirror: false }));
          layer.setPanes(panes);
          log.push(`setPanes ${JSON.stringify(panes.map((p) => [p.key, p.area]))}`);
          // What the call screen does with them: blessed draws its own cells there again.
          for (const a of layer.takeUncovered()) for (let y = a.y; y < a.y + a.rows; y++) video.fill(0, y * W + a.x, y * W + a.x + a.cols);
        } else if (ev < 0.8) {
          for (const p of panes) {
            if (r() < 0.4) continue;
            const [w, h] = [int(r, 1, 9), int(r, 1, 9)];
            layer.submit(p.key, { width: w, height: h, data: new Uint8Array(w * h * 4).map(() => int(r, 0, 255)) });
            log.push(`submit ${p.key}`);
          }
        } else {
          layer.flush();
          log.push('flush');
        }
        const stray = video.findIndex((v, i) => {
          const [x, y] = [i % W, Math.floor(i / W)];
          return v === 1 && !panes.some(({ area: a }) => x >= a.x && x < a.x + a.cols && y >= a.y && y < a.y + a.rows);
        });
        expect(stray, `seed ${seed} step ${step}: video left at ${stray % W},${Math.floor(stray / W)} after\n${log.slice(-6).join('\n')}`).toBe(-1);
      }
    }
  });
});
