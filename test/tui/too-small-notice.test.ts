import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { Overlay, confirmLeaveText } from '../../src/tui/overlays.js';
import { TooSmallNotice, tooSmallLines } from '../../src/tui/too-small-notice.js';
import { textColumns } from '../../src/tui/text-width.js';

const untagged = (lines: string[]): string[] => lines.map((line) => line.replace(/\{\/?bold\}/g, ''));

describe('the too-small notice', () => {
  it('says the size, the size needed and how to leave (q, Ctrl-C), as fully as the terminal holds', () => {
    expect(untagged(tooSmallLines(60, 18))).toEqual([
      'The terminal is 60×18.', 'livecomm-tui needs at least 80×24: make the window larger.', '', 'q leave · Ctrl-C leave now',
    ]);
    expect(untagged(tooSmallLines(30, 5))).toEqual(['30×5: too small', 'needs 80×24', 'q leave · Ctrl-C leave now']);
    expect(untagged(tooSmallLines(20, 5))).toEqual(['20×5: too small', 'needs 80×24', 'q leave']);
    expect(untagged(tooSmallLines(79, 2))).toEqual(['79×2: too small', 'needs 80×24']);
  });

  it("says a host's q and Ctrl-C end the call, as the key row does (it said leave, and q asked to end it for everyone)", () => {
    expect(untagged(tooSmallLines(40, 5, { hosting: true }))).toEqual(['40×5: too small', 'needs 80×24', 'q end call · Ctrl-C end call now']);
    expect(untagged(tooSmallLines(20, 5, { hosting: true }))).toEqual(['20×5: too small', 'needs 80×24', 'q end call']);
    expect(untagged(tooSmallLines(30, 5, { hosting: true, keysHeld: true }))).toEqual(['30×5: too small', 'needs 80×24', 'Ctrl-C end call']);
    expect(untagged(tooSmallLines(30, 5, { keysHeld: true }))).toEqual(['30×5: too small', 'needs 80×24', 'Ctrl-C leave']);
  });

  it('never has a line wider or more lines than the terminal where something fits', () => {
    for (let cols = 16; cols < 80; cols++) {
      for (let rows = 2; rows < 24; rows++) {
        for (const keysHeld of [false, true]) {
          for (const hosting of [false, true]) {
            const lines = untagged(tooSmallLines(cols, rows, { keysHeld, hosting }));
            expect(lines.length).toBeLessThanOrEqual(rows);
            for (const line of lines) expect(textColumns(line)).toBeLessThanOrEqual(cols);
          }
        }
      }
    }
  });
});

/** The screen's text as blessed will draw it, row by row. */
function rows(screen: blessed.Widgets.Screen): string[] {
  screen.render();
  const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  return lines.map((line) => line.map(([, ch]) => ch).join(''));
}

describe('the leave question in a terminal too small for the call', () => {
  for (const [width, height] of [[60, 18], [40, 10], [20, 5]] as const) {
    it(`shows in front of the notice at ${width}×${height}, however often the notice is updated, y / n included`, () => {
      const output = Object.assign(new PassThrough(), { columns: width, rows: height, isTTY: true });
      const screen = blessed.screen({ input: new PassThrough() as never, output: output as never, warnings: false });
      try {
        const overlay = new Overlay(screen);
        const notice = new TooSmallNotice(screen);
        notice.update(width, height);
        overlay.show('confirm-leave', (w) => confirmLeaveText(w, height));
        // A relayout: the call screen's 1 s tick, a join, a resize.
        notice.update(width, height);
        overlay.raise();
        const text = rows(screen).join('\n');
        expect(text).toMatch(/y \/ n/);
        expect(text).not.toContain('too small');
        expect(text).not.toContain('needs at least');
      } finally {
        screen.destroy();
      }
    });
  }
});

describe('the leave question', () => {
  it('is whole where the box holds it, and short (still asking y / n) where it does not', () => {
    expect(confirmLeaveText(54, 18)).toContain('Leaving ends the call for everyone');
    expect(confirmLeaveText(14, 5)).toBe('{bold}End the call for everyone?{/bold} y / n');
  });
});
