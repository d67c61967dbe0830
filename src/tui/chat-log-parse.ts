import blessed from 'blessed';
import { wrapChatLine } from './chat-wrap.js';

/**
 * The chat log parsed a line at a time, each line once.
 *
 * blessed parses an element's whole content whenever it changes: strips control characters, marks wide characters,
 * turns tags into escapes, wraps, and finds each row's colours. The chat sets its content anew for every message, so
 * each one cost the whole scrollback again — ~95 ms of the event loop per message at 1,000 lines (a call where two
 * people chat at 5 lines a second kept the client at a full core, and its own audio stopped going out). Every chat
 * line is complete in itself (its tags close on it), so a line's rows and their colours depend on that line and the
 * width alone: they are kept, and a new message costs its own parse plus joining the kept rows.
 *
 * Lines are wrapped by chat-wrap.ts, not by blessed: between words, by the cells each character takes.
 */

/** The parts of a blessed element this uses (internals, not in @types/blessed). */
interface ParsingElement {
  detached?: boolean;
  width: number;
  iwidth: number;
  content: string;
  style: unknown;
  screen: { fullUnicode: boolean; tabc: string; program: { isiTerm2?: boolean } };
  _clines: WrappedContent | null | undefined;
  _pcontent: string;
  _parseTags(text: string): string;
  _parseAttr(lines: string[]): number[] | undefined;
  sattr(style: unknown): number;
  emit(event: string): boolean;
}

/** blessed's wrapped rows with their bookkeeping: row → source line, source line → rows, and more. */
type WrappedContent = string[] & {
  rtof: number[];
  ftor: number[][];
  fake: string[];
  real: string[];
  mwidth: number;
  width: number;
  content: string;
  attr: number[];
  ci: number[];
};

interface Unicode {
  chars: { all: RegExp; combining: RegExp; surrogate: RegExp };
  /** Code points blessed draws in the cell before (no cell of their own). */
  combining: Record<number, boolean>;
}

/** One source line, parsed: its rows at the cached width and the attribute each row starts with. */
interface ParsedLine {
  rows: string[];
  attrs: number[];
  widest: number;
}

/**
 * Makes `element` (the chat log) parse only the lines it has not parsed at this width before. `hangOf` gives the
 * column the later rows of the content's line `line` start at (chat-wrap.ts); a line's text decides it, so the rows
 * kept for a text stay right.
 */
export function parseLineByLine(element: blessed.Widgets.Log, hangOf: (line: number, width: number) => number = () => 0): void {
  const self = element as unknown as ParsingElement;
  const unicode = (blessed as unknown as { unicode: Unicode }).unicode;
  let cache = new Map<string, ParsedLine>();
  let cacheWidth = -1;
  let cacheAttr = -1;
  // The cells blessed draws a cluster in: one per code point but those it adds to the cell before (combining marks,
  // joiners, variation selectors); a wide character's placeholder `\x03` is a cell.
  const cells = (cluster: string): number => {
    let count = 0;
    for (const ch of cluster) if (!unicode.combining[ch.codePointAt(0)!]) count++;
    return count;
  };

  /** What blessed's parseContent does to the whole content, done to one line. */
  const parseLine = (source: string, width: number, hang: number): ParsedLine => {
    let text = source
      .replace(/[\x00-\x08\x0b-\x0c\x0e-\x1a\x1c-\x1f\x7f]/g, '')
      .replace(/\x1b(?!\[[\d;]*m)/g, '')
      .replace(/\r\n|\r/g, ' ')
      .replace(/\t/g, self.screen.tabc);
    if (self.screen.fullUnicode) {
      // A wide character is followed by a blank cell, or it eats the next character when drawn.
      text = text.replace(unicode.chars.all, '$1\x03');
      if (self.screen.program.isiTerm2) text = text.replace(unicode.chars.combining, '');
    } else {
      text = text.replace(unicode.chars.all, '??').replace(unicode.chars.combining, '').replace(unicode.chars.surrogate, '?');
    }
    const rows = wrapChatLine(self._parseTags(text), width, cells, hang);
    const widest = Math.max(...rows.map((row) => cells(row.replace(/\x1b\[[\d;]*m/g, ''))));
    return { rows, attrs: self._parseAttr(rows) ?? rows.map(() => self.sattr(self.style)), widest };
  };

  (self as unknown as { parseContent: (noTags?: boolean) => boolean }).parseContent = function parseContent(): boolean {
    if (self.detached) return false;
    const width = self.width - self.iwidth;
    if (self._clines && self._clines.width === width && self._clines.content === self.content) return false;
    const defaultAttr = self.sattr(self.style);
    if (width !== cacheWidth || defaultAttr !== cacheAttr) {
      cache = new Map();
      cacheWidth = width;
      cacheAttr = defaultAttr;
    }
    const sources = self.content.split('\n');
    const kept = new Map<string, ParsedLine>();
    const rows = [] as unknown as WrappedContent;
    const rtof: number[] = [];
    const ftor: number[][] = [];
    const attrs: number[] = [];
    let widest = 0;
    sources.forEach((source, line) => {
      const parsed = kept.get(source) ?? cache.get(source) ?? parseLine(source, width, hangOf(line, width));
      kept.set(source, parsed);
      const at: number[] = [];
      parsed.rows.forEach((row, k) => {
        at.push(rows.length);
        rtof.push(line);
        rows.push(row);
        attrs.push(parsed.attrs[k]!);
      });
      ftor.push(at);
      widest = Math.max(widest, parsed.widest);
    });
    // Lines that scrolled out of the 1,000 are forgotten with them.
    cache = kept;
    Object.assign(rows, { rtof, ftor, fake: sources, real: rows, mwidth: widest, width, content: self.content, attr: attrs });
    const offsets: number[] = [];
    let offset = 0;
    for (const row of rows) {
      offsets.push(offset);
      offset += row.length + 1;
    }
    rows.ci = offsets;
    self._clines = rows;
    self._pcontent = rows.join('\n');
    self.emit('parsed content');
    return true;
  };
}
