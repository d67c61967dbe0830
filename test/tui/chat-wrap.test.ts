import { describe, expect, it } from 'vitest';
import { CLOCK_COLUMNS, hangFor, wrapChatLine } from '../../src/tui/chat-wrap.js';

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
});
