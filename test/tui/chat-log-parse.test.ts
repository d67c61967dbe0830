import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { parseLineByLine } from '../../src/tui/chat-log-parse.js';
import { teachBlessedWideCharacters } from '../../src/tui/wide-chars.js';

/** blessed's parse result of an element (internals). */
interface Parsed {
  _clines: string[] & { rtof: number[]; ftor: number[][]; attr: number[]; ci: number[]; mwidth: number };
  _pcontent: string;
  parseContent(): boolean;
  _parseTags(text: string): string;
  _parseAttr(lines: string[]): number[];
}

const screens: blessed.Widgets.Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.destroy();
});

/** Two chat-like logs on a real blessed screen: blessed's own parse, and line by line. */
function logs(width: number) {
  teachBlessedWideCharacters();
  // Streams, not a tty: blessed's exact lines, in-process; the tmux tests (integration/tui.test.ts) use a real one.
  const screen = blessed.screen({ input: new PassThrough() as never, output: new PassThrough() as never, fullUnicode: true, warnings: false });
  screens.push(screen);
  const make = () => blessed.log({ parent: screen, width, height: 10, tags: true, border: { type: 'line' }, scrollable: true });
  const plain = make();
  const byLine = make();
  parseLineByLine(byLine);
  return { plain: plain as unknown as blessed.Widgets.Log & Parsed, byLine: byLine as unknown as blessed.Widgets.Log & Parsed };
}

const LINES = [
  '{grey-fg}09:08{/grey-fg} joining room {bold}main{/bold} at 127.0.0.1:7447 — press {bold}?{/bold} for keys',
  '{grey-fg}09:09{/grey-fg} {bold}Ada{/bold}: a message long enough to wrap over several rows of a narrow chat panel, with words',
  '{grey-fg}09:09{/grey-fg} {yellow-fg}connection lost: the path was reset; reconnecting… and this too wraps past the width{/yellow-fg}',
  '{grey-fg}09:10{/grey-fg} {bold}李小龙{/bold}: 你好 👍🎉 emoji and wide characters 😀😀😀😀😀😀😀😀 wrapping',
  '{grey-fg}09:10{/grey-fg} {bold}x{/bold}: {open}red-fg{close} stays text',
  '',
  '{grey-fg}09:11{/grey-fg} {bold}Ada{/bold}: a message long enough to wrap over several rows of a narrow chat panel, with words',
];

describe('the chat log parsed line by line', () => {
  it('gives what blessed parses from the whole content for lines that fit: rows, their colours, and the row/line maps', () => {
    // Wide enough that no line wraps: wrapping is chat-wrap.ts's (between words, by cells), not blessed's.
    const { plain, byLine } = logs(140);
    for (const log of [plain, byLine]) {
      log.setContent(LINES.join('\n'));
      log.parseContent();
    }
    expect([...byLine._clines]).toEqual([...plain._clines]);
    expect(byLine._clines.attr).toEqual(plain._clines.attr);
    expect(byLine._clines.rtof).toEqual(plain._clines.rtof);
    expect(byLine._clines.ftor).toEqual(plain._clines.ftor);
    expect(byLine._clines.ci).toEqual(plain._clines.ci);
    expect(byLine._pcontent).toBe(plain._pcontent);
  });

  it('wraps each line between words, its colours carried to the rows after, the maps pointing each row to its line', () => {
    for (const width of [24, 40, 80]) {
      const { plain, byLine } = logs(width);
      // A line added at a time, and all of them at once (its cache empty): the same rows either way.
      const fresh = logs(width).byLine;
      for (let i = 1; i <= LINES.length; i++) {
        byLine.setContent(LINES.slice(0, i).join('\n'));
        byLine.parseContent();
      }
      fresh.setContent(LINES.join('\n'));
      fresh.parseContent();
      expect([...byLine._clines]).toEqual([...fresh._clines]);
      expect(byLine._clines.attr).toEqual(fresh._clines.attr);
      // Every line's words, in order, on its rows; each row as blessed would colour it after the rows before.
      const text = (row: string): string => row.replace(/\x1b\[[\d;]*m|\x03/g, '');
      LINES.forEach((line, n) => {
        const rows = byLine._clines.ftor[n]!.map((r) => text(byLine._clines[r]!));
        expect(rows.join(' ').split(/ +/).filter(Boolean)).toEqual(text(byLine._parseTags(line)).split(/ +/).filter(Boolean));
        for (const r of byLine._clines.ftor[n]!) expect(byLine._clines.rtof[r]).toBe(n);
      });
      expect(byLine._clines.attr).toEqual(plain._parseAttr([...byLine._clines]));
    }
  });

  it('keeps an emoji joined by U+200D whole at a row\'s end: a run of 👩‍💻 was cut between 👩‍ and 💻', () => {
    for (const width of [40, 43, 44, 45]) {
      const { byLine } = logs(width);
      byLine.setContent(`{grey-fg}09:41{/grey-fg} {bold}bob{/bold}: ${'👩\u200d💻'.repeat(25)}`);
      byLine.parseContent();
      const rows = [...byLine._clines].map((row) => row.replace(/\x1b\[[\d;]*m|\x03/g, ''));
      expect(rows.length).toBeGreaterThan(1);
      for (const row of rows) expect(row.endsWith('\u200d') || row.trimStart().startsWith('💻'), `${width}: ${row}`).toBe(false);
    }
  });

  it('parses a new line once, not the whole scrollback again', () => {
    const { byLine } = logs(40);
    const lines = Array.from({ length: 500 }, (_, i) => `{grey-fg}09:00{/grey-fg} {bold}bob{/bold}: line ${i} of the chat`);
    byLine.setContent(lines.join('\n'));
    byLine.parseContent();
    let parsedTags = 0;
    const parseTags = byLine._parseTags.bind(byLine);
    byLine._parseTags = (text: string) => {
      parsedTags++;
      return parseTags(text);
    };
    lines.push('{grey-fg}09:01{/grey-fg} {bold}ada{/bold}: one more');
    byLine.setContent(lines.join('\n'));
    byLine.parseContent();
    expect(parsedTags).toBe(1);
    expect(byLine._clines.at(-1)).toContain('one more');
    // A new width wraps everything anew.
    byLine.width = 30;
    byLine.parseContent();
    expect(parsedTags).toBe(502);
  });
});
