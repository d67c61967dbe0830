import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { astralStandIns, blankOrphanPlaceholders, missingWideCodePoints, teachBlessedWideCharacters, utf16Alternation } from '../../src/tui/wide-chars.js';

/** blessed's unicode module, as the call screen's elements and screen use it. */
const unicode = (blessed as unknown as {
  unicode: { charWidth(s: string, i?: number): number; strWidth(s: string): number; chars: { all: RegExp } };
}).unicode;

describe('wide characters in blessed', () => {
  it('blanks a placeholder cell whose wide character another element covered, and only such a cell', () => {
    const wide = (ch: string): boolean => ch === '中' || ch === '👩';
    // An overlay's border over 中's first cell; 👩 keeps its own (and the joiner blessed put with its placeholder).
    const line: Array<[number, string]> = [[1, '│'], [2, '\x03'], [2, 'z'], [3, '👩'], [3, '\x03\u200d'], [4, '│'], [5, '\x03\u200d']];
    blankOrphanPlaceholders(line, wide);
    expect(line).toEqual([[1, '│'], [2, ' '], [2, 'z'], [3, '👩'], [3, '\x03\u200d'], [4, '│'], [5, ' ']]);
  });

  it('builds a pattern that matches exactly the given code points, astral ones as surrogate pairs', () => {
    const points = [0x231a, 0x231b, 0x2705, 0x1f600, 0x1f601, 0x1f389, 0x1fa70];
    const pattern = new RegExp(`^(?:${utf16Alternation(points)})$`);
    for (const point of points) expect(pattern.test(String.fromCodePoint(point))).toBe(true);
    for (const point of [0x2319, 0x231c, 0x2706, 0x1f5ff, 0x1f602, 0x1f388, 0x41]) {
      expect(pattern.test(String.fromCodePoint(point))).toBe(false);
    }
  });

  it('finds the emoji blessed counts as one column and leaves what it already knows', () => {
    const missing = missingWideCodePoints((point) => unicode.charWidth(String.fromCodePoint(point)));
    expect(missing).toContain(0x1f600);
    expect(missing).toContain(0x2705);
    // CJK is already two columns in blessed; text-style symbols (❤ without VS16) stay one.
    expect(missing).not.toContain(0x5317);
    expect(missing).not.toContain(0x2764);
  });

  it('after teaching, blessed measures emoji as two columns and marks them for a placeholder cell, as CJK', () => {
    teachBlessedWideCharacters();
    expect(unicode.strWidth('hi 😀 ✅ 北京')).toBe(3 + 2 + 1 + 2 + 1 + 4);
    expect(unicode.charWidth('a')).toBe(1);
    expect(unicode.charWidth('❤')).toBe(1);
    expect('a😀b北'.replace(unicode.chars.all, '$1\x03')).toBe('a😀\x03b北\x03');
  });

  it('sizes a shrinking element (a pane label) by the columns of its text', () => {
    teachBlessedWideCharacters();
    // Streams, not a tty: blessed's column counts, in-process; the tmux tests (integration/tui.test.ts) use a real one.
    const screen = blessed.screen({ input: new PassThrough() as never, output: new PassThrough() as never, fullUnicode: true, warnings: false });
    try {
      const label = blessed.box({ parent: screen, shrink: true, content: ' me 😀 (you) ' });
      const lines = (label as unknown as { _wrapContent(content: string, width: number): string[] & { mwidth: number } })
        ._wrapContent(' me 😀\x03 (you) ', 80);
      expect(lines.mwidth).toBe(13);
    } finally {
      screen.destroy();
    }
  });

  it('wraps and cuts lines with emoji by columns: the chat input keeps its end, a chat line is not broken early', () => {
    teachBlessedWideCharacters();
    // Streams, not a tty: blessed's column counts, in-process; the tmux tests (integration/tui.test.ts) use a real one.
    const screen = blessed.screen({ input: new PassThrough() as never, output: new PassThrough() as never, fullUnicode: true, warnings: false });
    try {
      const rowsOf = (options: blessed.Widgets.BoxOptions, content: string): string[] => {
        const box = blessed.box({ parent: screen, top: 0, left: 0, height: 5, tags: true, ...options, content });
        (box as unknown as { parseContent(): void }).parseContent();
        return (box as unknown as { _clines: string[] })._clines.map((row) => row.replace(/\x03/g, ''));
      };
      // 1 + 20 + 4 = 25 columns in a 30-column input row (wrap off): all of it, the end included (cut after 20 before).
      const input = `a${'😀'.repeat(10)} end`;
      expect(rowsOf({ width: 30, wrap: false }, input)).toEqual([input]);
      // Exactly 20 columns in a 20-column log: one row (it broke before "end" with columns to spare).
      const line = `hello ${'😀'.repeat(5)} end`;
      expect(rowsOf({ width: 20 }, line)).toEqual([line]);
      // Too long: cut where the columns run out, on a whole emoji.
      const long = rowsOf({ width: 10, wrap: false }, `ab${'😀'.repeat(8)}`);
      expect(long).toEqual([`ab${'😀'.repeat(4)}`]);
      // A Nerd Font icon (Private Use Area) next to emoji stays itself.
      expect(rowsOf({ width: 30 }, '\ue0a0 😀 🎉 x')).toEqual(['\ue0a0 😀 🎉 x']);
    } finally {
      screen.destroy();
    }
  });

  it('stands astral characters in for one unit each and puts them back', () => {
    expect(astralStandIns('plain 北京')).toBeUndefined();
    const stand = astralStandIns('\ue000 😀🎉😀')!;
    expect(stand.text).toBe('\ue000 \ue001\ue002\ue001');
    expect(stand.restore(stand.text)).toBe('\ue000 😀🎉😀');
  });
});
