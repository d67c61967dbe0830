import { describe, it, expect } from 'vitest';
import { createPaneRenderer } from '../../../src/media/video/render-pane.js';
import { gridRegion } from '../../../src/media/video/render-grid.js';
import { SYMBOL_SETS, type SymbolSet } from '../../../src/media/video/cell-symbols.js';
import { rgbTo16, type ColorMode } from '../../../src/media/video/color.js';
import { gradientImage, rgbImage, visible } from './helpers.js';

const RED: [number, number, number] = [255, 0, 0];
const GREEN: [number, number, number] = [0, 255, 0];
const BLUE: [number, number, number] = [0, 0, 255];
const WHITE: [number, number, number] = [255, 255, 255];
const BLACK: [number, number, number] = [0, 0, 0];

// Top row red, green; bottom row blue, white: two half-block cells.
const QUAD = rgbImage([
  [RED, GREEN],
  [BLUE, WHITE],
]);
const PANE = { cols: 2, rows: 1, x: 3, y: 5 };

describe('pane renderer: exact escapes per mode', () => {
  const table: Array<{ mode: ColorMode; expected: string }> = [
    {
      mode: 'truecolor',
      expected: '\x1b[6;4H\x1b[38;2;255;0;0;48;2;0;0;255m▀\x1b[38;2;0;255;0;48;2;255;255;255m▀\x1b[0m',
    },
    { mode: '256', expected: '\x1b[6;4H\x1b[38;5;196;48;5;21m▀\x1b[38;5;46;48;5;231m▀\x1b[0m' },
    { mode: '16', expected: '\x1b[6;4H\x1b[91;44m▀\x1b[92;107m▀\x1b[0m' },
    // Luma of red+blue averages to the 2nd ramp step, green+white to the 9th.
    { mode: 'mono', expected: '\x1b[0m\x1b[6;4H.%' },
  ];
  for (const { mode, expected } of table) {
    it(`${mode}: a 2×2 picture becomes two cells at the pane's place`, () => {
      const out = createPaneRenderer({ mode }).render(QUAD, PANE).toString('utf8');
      expect(visible(out)).toBe(visible(expected));
    });
  }

  it('a cell whose two pixels match is a space on that background, and colours are not repeated', () => {
    const img = rgbImage([
      [[10, 20, 30], [10, 20, 30]],
      [[10, 20, 30], [10, 20, 30]],
    ]);
    const out = createPaneRenderer({ mode: 'truecolor' }).render(img, { cols: 2, rows: 1, x: 0, y: 0 });
    expect(visible(out)).toBe(visible('\x1b[1;1H\x1b[48;2;10;20;30m  \x1b[0m'));
  });

  it('truecolor reuses a colour already set for a neighbour within the tolerance, and not with tolerance 0', () => {
    const img = rgbImage([
      [[200, 0, 0], [204, 3, 0]],
      [[0, 0, 200], [0, 5, 198]],
    ]);
    const pane = { cols: 2, rows: 1, x: 0, y: 0 };
    expect(visible(createPaneRenderer({ mode: 'truecolor', tolerance: 8 }).render(img, pane))).toBe(
      visible('\x1b[1;1H\x1b[38;2;200;0;0;48;2;0;0;200m▀▀\x1b[0m'),
    );
    expect(visible(createPaneRenderer({ mode: 'truecolor', tolerance: 0 }).render(img, pane))).toBe(
      visible('\x1b[1;1H\x1b[38;2;200;0;0;48;2;0;0;200m▀\x1b[38;2;204;3;0;48;2;0;5;198m▀\x1b[0m'),
    );
  });

  it('256 mode maps near-cube colours and greys perceptually', () => {
    const img = rgbImage([[[250, 5, 5]], [[8, 8, 8]]]);
    const out = createPaneRenderer({ mode: '256' }).render(img, { cols: 1, rows: 1, x: 0, y: 0 });
    expect(visible(out)).toBe(visible('\x1b[1;1H\x1b[38;5;196;48;5;232m▀\x1b[0m'));
  });

  it('mirror swaps the columns', () => {
    const out = createPaneRenderer({ mode: 'truecolor', mirror: true }).render(QUAD, PANE).toString();
    expect(visible(out)).toBe(
      visible('\x1b[6;4H\x1b[38;2;0;255;0;48;2;255;255;255m▀\x1b[38;2;255;0;0;48;2;0;0;255m▀\x1b[0m'),
    );
  });

  it('wraps in synchronized output and cursor save/restore when asked', () => {
    const r = createPaneRenderer({ mode: 'mono', synchronized: true, preserveCursor: true });
    expect(visible(r.render(QUAD, PANE))).toBe(visible('\x1b[?2026h\x1b7\x1b[0m\x1b[6;4H.%\x1b8\x1b[?2026l'));
    // Nothing changed: no wrapper either.
    expect(r.render(QUAD, PANE).length).toBe(0);
  });
});

describe('pane renderer: diffing', () => {
  const pane = { cols: 4, rows: 2, x: 0, y: 0 };

  for (const mode of ['truecolor', '256', '16', 'mono'] as const) {
    it(`${mode}: an unchanged frame produces no output`, () => {
      const r = createPaneRenderer({ mode });
      const frame = gradientImage(4, 4);
      expect(r.render(frame, pane).length).toBeGreaterThan(0);
      expect(r.render(frame, pane).length).toBe(0);
      expect(r.render(gradientImage(4, 4), pane).length).toBe(0);
    });
  }

  for (const symbols of SYMBOL_SETS) {
    for (const mode of ['truecolor', '256', '16', 'mono'] as const) {
      it(`${mode}, ${symbols}: after any diffed frame, the same frame again is silent (tolerance decisions are stable)`, () => {
        const r = createPaneRenderer({ mode, symbols });
        const big = { cols: 40, rows: 12, x: 2, y: 1 };
        for (const phase of [0, 7, 19, 40]) {
          const frame = gradientImage(64, 48, phase);
          r.render(frame, big);
          expect(r.render(frame, big).length).toBe(0);
        }
      });
    }
  }

  for (const symbols of ['quadrant', 'sextant'] as const) {
    it(`${symbols}: noise within the tolerance repaints few cells, as with half blocks`, () => {
      const pane = { cols: 40, rows: 12, x: 0, y: 0 };
      const frame = gradientImage(64, 48, 3);
      // ±4 on every channel, the same pattern for every renderer.
      const noisy = { ...frame, data: frame.data.map((v, i) => (i % 4 === 3 ? v : Math.max(0, Math.min(255, v + ((i * 7919) % 9) - 4)))) };
      const repaint = (s: SymbolSet): number => {
        const r = createPaneRenderer({ mode: 'truecolor', symbols: s });
        const full = r.render(frame, pane).length;
        return r.render(noisy, pane).length / full;
      };
      expect(repaint(symbols)).toBeLessThan(0.1);
      expect(repaint(symbols)).toBeLessThan(repaint('half') + 0.05);
    });
  }

  it('a sharp edge arriving in a quadrant cell is drawn, though the old split\'s means match the old colours', () => {
    // Found by test/media/video/render-pane-fuzz.test.ts. Grey with a dark top-right pixel, then a light/dark
    // diagonal: split the old way (top right alone), the new pixels average to the very grey on screen, yet the
    // cell shows light, dark, light, light where the picture is light, dark, dark, light.
    const LIGHT: [number, number, number] = [250, 240, 230];
    const DARK: [number, number, number] = [5, 10, 20];
    const GREY: [number, number, number] = [168, 163, 160]; // the mean of LIGHT, DARK, LIGHT
    const r = createPaneRenderer({ mode: 'truecolor', symbols: 'quadrant', cellAspect: 1 });
    const pane = { cols: 1, rows: 1, x: 0, y: 0 };
    expect(visible(r.render(rgbImage([[GREY, DARK], [GREY, GREY]]), pane))).toBe(visible('\x1b[1;1H\x1b[38;2;5;10;20;48;2;168;163;160m▝\x1b[0m'));
    expect(visible(r.render(rgbImage([[LIGHT, DARK], [DARK, LIGHT]]), pane))).toBe(visible('\x1b[1;1H\x1b[38;2;5;10;20;48;2;250;240;230m▞\x1b[0m'));
  });

  it('draws a cell the other way round (the complementary character) when that sets fewer colours', () => {
    // Red over blue, then blue over red: the second cell is ▄ in the colours already set, not ▀ with both set anew.
    const out = createPaneRenderer({ mode: 'truecolor' }).render(rgbImage([[RED, BLUE], [BLUE, RED]]), PANE).toString('utf8');
    expect(visible(out)).toBe(visible('\x1b[6;4H\x1b[38;2;255;0;0;48;2;0;0;255m▀▄\x1b[0m'));
  });

  it('a one-pixel change repaints only that cell', () => {
    const r = createPaneRenderer({ mode: 'truecolor' });
    const frame = gradientImage(4, 4);
    r.render(frame, pane);
    const changed = { ...frame, data: frame.data.slice() };
    // Pixel (2, 3): column 2, lower half of cell row 1.
    changed.data.set([255, 255, 0], (3 * 4 + 2) * 4);
    const out = r.render(changed, pane).toString();
    const top = frame.data.subarray((2 * 4 + 2) * 4, (2 * 4 + 2) * 4 + 3);
    expect(visible(out)).toBe(visible(`\x1b[2;3H\x1b[38;2;${top[0]};${top[1]};${top[2]};48;2;255;255;0m▀\x1b[0m`));
  });

  it('adjacent changed cells share one cursor move, distant ones get their own', () => {
    const r = createPaneRenderer({ mode: '256' });
    const black = rgbImage(Array.from({ length: 4 }, () => [BLACK, BLACK, BLACK, BLACK]));
    r.render(black, pane);
    const next = rgbImage([
      [RED, RED, BLACK, BLACK],
      [RED, RED, BLACK, BLACK],
      [BLACK, BLACK, BLACK, BLUE],
      [BLACK, BLACK, BLACK, BLUE],
    ]);
    expect(visible(r.render(next, pane))).toBe(visible('\x1b[1;1H\x1b[48;5;196m  \x1b[2;4H\x1b[48;5;21m \x1b[0m'));
  });

  it('changes within the tolerance are not repainted; larger ones are', () => {
    const r = createPaneRenderer({ mode: 'truecolor', tolerance: 8 });
    const frame = gradientImage(4, 4);
    r.render(frame, pane);
    const noisy = { ...frame, data: frame.data.map((v, i) => (i % 4 === 3 ? v : Math.min(255, v + 5))) };
    expect(r.render(noisy, pane).length).toBe(0);
    const moved = { ...frame, data: frame.data.map((v, i) => (i % 4 === 3 ? v : Math.min(255, v + 40))) };
    expect(r.render(moved, pane).length).toBeGreaterThan(0);
  });

  it('a palette picture beside the black letterbox keeps the colour the quantiser gives it', () => {
    // Dark green's nearest 16-colour entry (OKLab) is grey, 8; in RGB, black is nearer, and the bar's black stuck to
    // every cell after it: the picture vanished into the letterbox.
    const green: [number, number, number] = [28, 75, 11];
    expect(rgbTo16(...green)).toBe(8);
    const picture = rgbImage([[green, green], [green, green]]);
    const out = createPaneRenderer({ mode: '16' }).render(picture, { cols: 6, rows: 1, x: 0, y: 0 });
    expect(visible(out)).toBe(visible('\x1b[1;1H\x1b[40m  \x1b[100m  \x1b[40m  \x1b[0m'));
  });

  it('palette modes stay on the current entry while a pixel wobbles at a boundary', () => {
    const r = createPaneRenderer({ mode: '256', tolerance: 8 });
    const paneOne = { cols: 1, rows: 1, x: 0, y: 0 };
    // 155 lies between cube levels 135 and 175; +/-2 flips the nearest entry without hysteresis.
    r.render(rgbImage([[[155, 155, 155]], [[155, 155, 155]]]), paneOne);
    expect(r.render(rgbImage([[[157, 157, 157]], [[153, 153, 153]]]), paneOne).length).toBe(0);
  });

  it('invalidate() and a new geometry repaint everything', () => {
    const r = createPaneRenderer({ mode: 'truecolor' });
    const frame = gradientImage(8, 8);
    const full = r.render(frame, pane);
    r.invalidate();
    expect(r.render(frame, pane).equals(full)).toBe(true);
    const moved = r.render(frame, { ...pane, x: 10 }).toString();
    expect(moved.startsWith('\x1b[1;11H')).toBe(true);
    expect(moved.match(/▀| /g)?.length).toBe(8);
  });

  it('setOptions with a new mode repaints', () => {
    const r = createPaneRenderer({ mode: 'truecolor' });
    r.render(QUAD, PANE);
    r.setOptions({ mode: '16' });
    expect(visible(r.render(QUAD, PANE))).toBe(visible('\x1b[6;4H\x1b[91;44m▀\x1b[92;107m▀\x1b[0m'));
  });
});

describe('pane renderer: aspect and letterbox', () => {
  it('a square picture in a tall pane gets black bars above and below, on cell boundaries', () => {
    const red = rgbImage([
      [RED, RED],
      [RED, RED],
    ]);
    const out = createPaneRenderer({ mode: 'truecolor' }).render(red, { cols: 2, rows: 3, x: 0, y: 0 });
    expect(visible(out)).toBe(
      visible('\x1b[1;1H\x1b[48;2;0;0;0m  \x1b[2;1H\x1b[48;2;255;0;0m  \x1b[3;1H\x1b[48;2;0;0;0m  \x1b[0m'),
    );
  });

  it('a wide picture in a square pane gets bars left and right', () => {
    const blue = rgbImage([[BLUE, BLUE]]);
    // 2×1 picture, grid 6×2: fits as 4×2 centred at x = 1.
    const out = createPaneRenderer({ mode: '16' }).render(blue, { cols: 6, rows: 1, x: 0, y: 0 });
    expect(visible(out)).toBe(visible('\x1b[1;1H\x1b[40m \x1b[44m    \x1b[40m \x1b[0m'));
  });

  const regions: Array<[number, number, number, number, { x: number; y: number; width: number; height: number }]> = [
    [160, 120, 80, 24, { x: 8, y: 0, width: 64, height: 48 }],
    [160, 120, 81, 25, { x: 7, y: 0, width: 67, height: 50 }],
    [120, 160, 80, 10, { x: 32, y: 0, width: 15, height: 20 }],
    [640, 100, 20, 10, { x: 0, y: 8, width: 20, height: 4 }],
    [160, 120, 1, 1, { x: 0, y: 0, width: 1, height: 2 }],
  ];
  for (const [fw, fh, cols, rows, expected] of regions) {
    it(`a ${fw}×${fh} frame in a ${cols}×${rows} pane lands at ${JSON.stringify(expected)}`, () => {
      expect(gridRegion(fw, fh, cols, rows)).toEqual(expected);
    });
  }

  it('renders any odd pane size without throwing and fills every cell on a full paint', () => {
    for (const [cols, rows] of [[1, 1], [3, 7], [17, 5], [81, 25]] as const) {
      const out = createPaneRenderer({ mode: 'truecolor', tolerance: 0 }).render(gradientImage(33, 19), { cols, rows, x: 0, y: 0 });
      expect(out.toString().match(/▀| /g)?.length).toBe(cols * rows);
    }
  });
});
