import { describe, expect, it } from 'vitest';
import { wrapChatLine } from '../../src/tui/chat-wrap.js';

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
});
