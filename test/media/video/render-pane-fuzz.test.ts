/**
 * Seeded random scenarios for the pane renderer: random picture sizes (1×1, odd, extreme aspect ratios), pane sizes
 * (0, 1, odd) and places, every colour mode and symbol set, moving and noisy content, options and geometry changed
 * mid-stream. What a user would see is checked on a strict terminal model (test/helpers/ansi-screen.ts).
 */
import { describe, it, expect } from 'vitest';
import { createPaneRenderer, type PaneGeometry } from '../../../src/media/video/render-pane.js';
import { GridSampler } from '../../../src/media/video/render-grid.js';
import { cellShape, glyphBytes, SYMBOL_SETS, type SymbolSet } from '../../../src/media/video/cell-symbols.js';
import { COLOR_MODES, MONO_RAMP, type ColorMode } from '../../../src/media/video/color.js';
import type { RgbaImage } from '../../../src/media/video/image.js';
import { rng } from '../../helpers/rng.js';
import { AnsiScreen } from '../../helpers/ansi-screen.js';

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function randomSize(r: Rand): { width: number; height: number } {
  const k = r();
  if (k < 0.15) return { width: int(r, 1, 3), height: int(r, 1, 3) };
  if (k < 0.25) return { width: int(r, 200, 900), height: int(r, 1, 2) };
  if (k < 0.35) return { width: int(r, 1, 2), height: int(r, 200, 900) };
  return { width: int(r, 1, 200), height: int(r, 1, 160) };
}

/** Noise, a flat colour, a moving gradient, or a moving hard-edged checkerboard. */
function randomImage(r: Rand, width: number, height: number, kind: number, phase: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  const flat = [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)];
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 4) {
      const on = ((x + phase) >> 2) % 2 === (y >> 2) % 2;
      const px =
        kind === 0 ? [int(r, 0, 255), int(r, 0, 255), int(r, 0, 255)]
        : kind === 1 ? flat
        : kind === 2 ? [(x * 7 + phase * 13) & 255, (y * 5 + phase * 3) & 255, (x + y + phase) & 255]
        : on ? [250, 240, 230] : [5, 10, 20];
      data.set([px[0]!, px[1]!, px[2]!, 255], i);
    }
  }
  return { width, height, data };
}

const decoder = new TextDecoder();
const MASKS = new Map(SYMBOL_SETS.map((s) => {
  const { across, down } = cellShape(s);
  return [s, new Map(Array.from({ length: 1 << (across * down) }, (_, m) => [decoder.decode(glyphBytes(s, m)), m] as const))];
}));

function rgbOf(colour: string): number {
  if (!colour.startsWith('rgb')) throw new Error(`not a 24-bit colour: ${colour}`);
  return Number(colour.slice(3));
}

/**
 * Squared error (over pixels and channels) of each pane cell as the screen shows it against the pixels it stands for;
 * for mono, the ramp character of each cell.
 */
function cellErrors(screen: AnsiScreen, pane: PaneGeometry, grid: Uint8Array, symbols: SymbolSet): number[] {
  const { across, down } = cellShape(symbols);
  const errors: number[] = [];
  for (let row = 0; row < pane.rows; row++) {
    for (let col = 0; col < pane.cols; col++) {
      const cell = screen.cell(pane.x + col, pane.y + row);
      const mask = MASKS.get(symbols)!.get(cell.ch);
      if (mask === undefined) throw new Error(`cell ${col},${row} shows ${JSON.stringify(cell.ch)}`);
      let e = 0;
      for (let i = 0; i < across * down; i++) {
        const rgb = rgbOf(mask & (1 << i) ? cell.fg : cell.bg);
        const o = ((row * down + Math.floor(i / across)) * pane.cols * across + col * across + (i % across)) * 3;
        e += ((rgb >> 16) - grid[o]!) ** 2 + (((rgb >> 8) & 255) - grid[o + 1]!) ** 2 + ((rgb & 255) - grid[o + 2]!) ** 2;
      }
      errors.push(e);
    }
  }
  return errors;
}

const monoChars = (screen: AnsiScreen, pane: PaneGeometry): string[] =>
  Array.from({ length: pane.cols * pane.rows }, (_, k) => screen.cell(pane.x + (k % pane.cols), pane.y + Math.floor(k / pane.cols)).ch);

/** Runs 12 frames of a random stream through one renderer; checks every output as it lands on a screen. */
function runScenario(seed: number, tolerance: number): void {
  const r = rng(seed);
  let mode: ColorMode = pick(r, COLOR_MODES);
  let symbols: SymbolSet = pick(r, SYMBOL_SETS);
  let mirror = r() < 0.3;
  const renderer = createPaneRenderer({ mode, symbols, mirror, tolerance, synchronized: r() < 0.3, preserveCursor: r() < 0.3 });
  const screen = new AnsiScreen(120, 50);
  let pane: PaneGeometry = { cols: int(r, 1, 40), rows: int(r, 1, 20), x: int(r, 0, 10), y: int(r, 0, 5) };
  let size = randomSize(r);
  let kind = int(r, 0, 3);
  for (let f = 0; f < 12; f++) {
    const ev = r();
    if (ev < 0.15) pane = { cols: pick(r, [0, 1, 2, int(r, 1, 80)]), rows: pick(r, [0, 1, int(r, 1, 40)]), x: int(r, 0, 30), y: int(r, 0, 9) };
    else if (ev < 0.3) size = randomSize(r);
    else if (ev < 0.35) kind = int(r, 0, 3);
    else if (ev < 0.45) {
      [mode, symbols, mirror] = [pick(r, COLOR_MODES), pick(r, SYMBOL_SETS), r() < 0.3];
      renderer.setOptions({ mode, symbols, mirror });
    }
    const frame = randomImage(r, size.width, size.height, kind, f);
    const ctx = `seed ${seed} frame ${f}: ${mode} ${symbols} pane ${JSON.stringify(pane)} picture ${size.width}×${size.height}`;
    const inPane = (x: number, y: number): boolean => x >= pane.x && x < pane.x + pane.cols && y >= pane.y && y < pane.y + pane.rows;
    const out = renderer.render(frame, pane).toString('utf8');
    expect(() =>
      screen.apply(out, {
        cup: (x, y) => { if (!inPane(x, y)) throw new Error(`cursor moved to ${x},${y}, outside the pane`); },
        write: (x, y, ch, width) => {
          if (width !== 1 || !inPane(x, y)) throw new Error(`${JSON.stringify(ch)} (${width} columns) written at ${x},${y}`);
          if (mode === 'mono' && !/^[\x20-\x7e]$/.test(ch)) throw new Error(`mono wrote ${JSON.stringify(ch)}`);
        },
        sgr: (params) => {
          const s = params.join(';');
          if (mode === 'mono' && s !== '0') throw new Error(`mono set colours: ${s}`);
          if (mode === '16' && params.some((v) => v === 38 || v === 48)) throw new Error(`16-colour mode sent ${s}`);
          if (mode === '256' && /(^|;)[34]8;2;/.test(s)) throw new Error(`256-colour mode sent 24-bit colour ${s}`);
        },
      }),
      ctx,
    ).not.toThrow();
    // The program around us gets its default colours back.
    if (out.length > 0) expect([screen.fg, screen.bg], ctx).toEqual(['d', 'd']);
    if (pane.cols < 1 || pane.rows < 1) {
      expect(out, ctx).toBe('');
      continue;
    }
    expect(renderer.render(frame, pane).length, `${ctx}: the same frame again repaints`).toBe(0);
    // What the diffs built up shows this frame about as well as a full render of it does.
    const fresh = new AnsiScreen(120, 50);
    fresh.apply(createPaneRenderer({ mode, symbols, mirror, tolerance }).render(frame, pane).toString('utf8'));
    if (mode === 'mono') {
      const ramp = (ch: string): number => MONO_RAMP.indexOf(ch);
      const shown = monoChars(screen, pane).map(ramp);
      const full = monoChars(fresh, pane).map(ramp);
      // Hysteresis keeps a character while the luma is within the tolerance of its band: one step at most.
      const worst = shown.findIndex((level, k) => Math.abs(level - full[k]!) > (tolerance === 0 ? 0 : 1));
      expect(worst, `${ctx}: cell ${worst} shows ${shown[worst]}, a full render ${full[worst]}`).toBe(-1);
    } else if (mode === 'truecolor') {
      const grid = new GridSampler().sample(frame, pane.cols, pane.rows, mirror, 2, cellShape(symbols));
      const { across, down } = cellShape(symbols);
      const shown = cellErrors(screen, pane, grid, symbols);
      const full = cellErrors(fresh, pane, grid, symbols);
      // Within the tolerance twice over (a one-colour cell's parts may drift 2·tol apart), per pixel and channel.
      const slack = across * down * 3 * (2 * Math.max(1, tolerance)) ** 2;
      const worst = shown.findIndex((e, k) => e - full[k]! > slack);
      expect(worst, `${ctx}: cell ${worst} is off by ${shown[worst]} against ${full[worst]} for a full render`).toBe(-1);
    }
  }
}

describe('pane renderer, randomized', () => {
  it('tolerance 0: escapes are well formed, stay in the pane, fit the mode, and diffs add up to the frame', () => {
    for (let seed = 1; seed <= 60; seed++) runScenario(seed, 0);
  });
  it('default tolerance: the same, with what is on screen within the tolerance of a full render', () => {
    for (let seed = 1000; seed <= 1060; seed++) runScenario(seed, 12);
  });
  it('tolerance 4: ditto', () => {
    for (let seed = 95; seed <= 130; seed++) runScenario(seed, 4);
  });
});
