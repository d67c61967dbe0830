import { describe, expect, it } from 'vitest';
import { CLOCK_COLUMNS, hangFor, wrapChatLine } from '../../src/tui/chat-wrap.js';
import { rng } from '../helpers/rng.js';

/** Cells as blessed draws them: a combining mark or joiner in the cell before; a wide character's `\x03` is a cell. */
const cells = (text: string): number => [...text].filter((ch) => !/^[\p{M}\u200d\ufe0f]$/u.test(ch)).length;
const visible = (row: string): string => row.replace(/\x1b\[[\d;]*m|\x03/g, '');

describe('a chat line wrapped to the panel', () => {
  it('counts a letter with a combining accent as the one cell it takes (e + U+0301 took two: rows half full)', () => {
    const accents = 'e\u0301'.repeat(20);
    expect(wrapChatLine(`00:00 bob: ${accents}`, 31, cells)).toEqual([`00:00 bob: ${accents}`]);
    const rows = wrapChatLine(`00:00 bob: ${'e\u0301'.repeat(30)}`, 31, cells);
    expect(rows.map((row) => cells(row))).toEqual([10, 30]);
  });

  it('breaks between words; the blanks at a break go with it', () => {
    expect(wrapChatLine('hello world', 8, cells)).toEqual(['hello', 'world']);
    expect(wrapChatLine('hi        there you', 12, cells)).toEqual(['hi', 'there you']);
    // Blanks inside a row stay.
    expect(wrapChatLine('a   b', 8, cells)).toEqual(['a   b']);
  });

  it('cuts a word longer than a row between clusters, never inside one', () => {
    expect(wrapChatLine('abcde\u0301fg', 5, cells)).toEqual(['abcde\u0301', 'fg']);
    const flags = wrapChatLine('🇩🇪'.repeat(5), 5, cells);
    expect(flags).toEqual(['🇩🇪🇩🇪', '🇩🇪🇩🇪', '🇩🇪']);
    // A wide character and its placeholder cell stay together.
    expect(wrapChatLine('北\x03京\x03', 3, cells)).toEqual(['北\x03', '京\x03']);
    // It starts on the row it is on, as irssi does: no half-empty row before it.
    expect(wrapChatLine('see abcdefghij', 8, cells)).toEqual(['see abcd', 'efghij']);
  });

  it('keeps escapes where they were, taking no cells', () => {
    const rows = wrapChatLine('\x1b[90m09:00\x1b[39m \x1b[1mbob\x1b[22m: hi there', 14, cells);
    expect(rows).toEqual(['\x1b[90m09:00\x1b[39m \x1b[1mbob\x1b[22m: hi', 'there']);
    expect(rows.map(visible)).toEqual(['09:00 bob: hi', 'there']);
  });

  it('indents the rows after the first (a hanging indent): only a line\'s first row starts at column 0', () => {
    const forged = `00:00 bob: hi${' '.repeat(18)}01:47 carol: pls share the password`;
    expect(wrapChatLine(forged, 31, cells, 6)).toEqual(['00:00 bob: hi', '      01:47 carol: pls share', '      the password']);
    // A word longer than a row is cut to fit after the indent.
    expect(wrapChatLine('00:00 abcdefghijklmnop', 10, cells, 4)).toEqual(['00:00 abcd', '    efghij', '    klmnop']);
    // At most half the row.
    expect(wrapChatLine('aaaa bbbb', 6, cells, 5)).toEqual(['aaaa b', '   bbb']);
  });

  it('hangs under the text when that leaves most of the row, else under the time stamp', () => {
    expect(hangFor(11, 78)).toBe(11);
    expect(hangFor(11, 31)).toBe(CLOCK_COLUMNS);
    expect(hangFor(40, 78)).toBe(CLOCK_COLUMNS);
  });

  it('keeps an emoji joined by U+200D on one row, its placeholders inside it notwithstanding (a run of 👩‍💻 was cut between 👩‍ and 💻)', () => {
    // As blessed's parser hands it over: a `\x03` after each two-column part.
    const technologist = '👩\x03\u200d💻\x03';
    const rows = wrapChatLine(`09:41 bob: ${technologist.repeat(25)}`, 41, cells, 11);
    expect(rows.map((row) => cells(row))).toEqual([39, 39, 39, 27]);
    for (const row of rows.slice(1)) expect(row.trimStart().split(technologist).join('')).toBe('');
    // A sequence wider than the row itself is still cut between its parts, not run past the edge.
    expect(wrapChatLine(technologist, 3, cells)).toEqual(['👩\x03\u200d', '💻\x03']);
  });
});

describe('wrapChatLine fuzz', () => {
  const PIECES = ['a', 'bc', 'longword', 'e\u0301', '北\x03', '🇩🇪', '👩\x03\u200d💻\x03', '👍\x03🏽\x03', '❤\ufe0f', '😀\x03', '\x1b[1m', '\x1b[22m'];
  const TECHNOLOGIST_CELLS = 4;

  it('3000 random lines: rows within the width, indented, nothing lost, no cluster cut that fits a row', () => {
    const random = rng(0x3a9);
    const pick = (n: number): number => Math.floor(random() * n);
    for (let trial = 0; trial < 3000; trial++) {
      let text = '';
      for (let i = 0, n = pick(20); i < n; i++) text += random() < 0.25 ? ' '.repeat(1 + pick(3)) : PIECES[pick(PIECES.length)];
      // From 4 columns: an indent of up to half the row still leaves a two-column character room.
      const width = 4 + pick(40);
      const hang = pick(15);
      const rows = wrapChatLine(text, width, cells, hang);
      const indent = ' '.repeat(Math.min(hang, Math.floor(width / 2)));
      const context = JSON.stringify({ text, width, hang, rows });
      expect(rows.join('').replace(/ /g, ''), context).toBe(text.replace(/ /g, ''));
      rows.forEach((row, i) => {
        expect(cells(visible(row)), context).toBeLessThanOrEqual(width);
        const body = i === 0 ? row : row.slice(indent.length);
        if (i > 0) expect(row.startsWith(indent), context).toBe(true);
        expect(/^(\x1b\[[\d;]*m)*[\x03\u0301\u200d\ufe0f\udc00-\udfff]/.test(body), context).toBe(false);
        if (width - indent.length >= TECHNOLOGIST_CELLS) {
          expect(/\u200d(\x1b\[[\d;]*m)*$/.test(row), context).toBe(false);
          expect(/^(\x1b\[[\d;]*m)*🏽/u.test(body), context).toBe(false);
        }
      });
    }
  });
});
