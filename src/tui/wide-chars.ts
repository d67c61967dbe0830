import blessed from 'blessed';
import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Emoji in names and chat, drawn as terminals draw them.
 *
 * blessed 0.1.81 predates emoji: its width table gives 😀, 👍, 🎉 or ✅ one column, while current terminals and tmux
 * draw them in two (Unicode's East Asian Width "W"). Everything after such a character on a line was drawn one
 * column to the right of where blessed thought it was: a pane's border moved, and the rest of a chat message was
 * overwritten. blessed handles two-column CJK correctly (a placeholder cell after the character), so the fix is to
 * tell it which other characters are two columns wide, from the Unicode data that `get-east-asian-width` carries:
 * its width function, and the pattern its content parser uses to insert the placeholder.
 *
 * Sequences joined by U+200D (👩‍💻) are drawn as one glyph by some terminals and as several by others (tmux): no
 * width is right everywhere, and blessed counts each part.
 */

/** The part of blessed's unicode module this changes (not in @types/blessed). */
interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  strWidth(str: string): number;
  chars: { all: RegExp };
}

/**
 * blessed's wrapped lines of an element; `mwidth` is the widest, which sizes `shrink` elements such as labels; `fake`
 * the source lines.
 */
type WrappedLines = string[] & { mwidth: number; fake?: string[] };
interface WrappingElement {
  screen: { fullUnicode: boolean };
  _wrapContent(content: string, width: number, ...rest: unknown[]): WrappedLines;
}

/**
 * Where Unicode has two-column characters that blessed's table lacks: symbols and emoji, and the supplementary
 * scripts below the CJK planes (blessed has 0x20000 and up).
 */
const SCAN_RANGES: Array<[number, number]> = [[0x2000, 0x2fff], [0x16fe0, 0x1ffff]];

let taught = false;

/** Teaches blessed the widths, once per process (~10 ms); createScreen calls it. */
export function teachBlessedWideCharacters(): void {
  if (taught) return;
  taught = true;
  const unicode = (blessed as unknown as { unicode: BlessedUnicode }).unicode;
  // A wide character's second cell holds a placeholder that blessed writes nothing for: the character covers it. When
  // another element covers the first cell (an overlay's border across a chat line), blessed wrote the placeholder
  // itself, a control character the terminal ignores, and the rest of the row landed a column to the left: a chat
  // line that arrived under the help lost its last letter when the help closed. Such a cell is blank.
  const screen = (blessed as unknown as { Screen: { prototype: DrawingScreen } }).Screen.prototype;
  const draw = screen.draw;
  screen.draw = function (this: DrawingScreen, start: number, end: number): void {
    for (let y = start; y <= end; y++) {
      const line = this.lines[y];
      if (line?.dirty) blankOrphanPlaceholders(line, (ch) => unicode.charWidth(ch) === 2);
    }
    draw.call(this, start, end);
  };
  const blessedWidth = unicode.charWidth.bind(unicode);
  const missing = missingWideCodePoints(blessedWidth);
  if (missing.length === 0) return;
  const lowest = missing[0]!;
  const wide = new Set(missing);
  unicode.charWidth = (str, i) => {
    const point = typeof str === 'number' ? str : str.codePointAt(i ?? 0) ?? 0;
    // Most cells are ASCII or box drawing: one comparison, not a set lookup.
    if (point >= lowest && wide.has(point)) return 2;
    return blessedWidth(str, i);
  };
  unicode.chars.all = new RegExp(`(${unicode.chars.all.source.slice(1, -1)}|${utf16Alternation(missing)})`, 'g');
  // blessed wraps and cuts lines counting UTF-16 units: an emoji outside the BMP (two units and a placeholder) took
  // three columns of the width, so the chat input hid its end and cursor after ~⅔ of the row, and chat lines
  // wrapped early. It counts a BMP wide character (one unit and a placeholder) right, so each astral character stands
  // in as one from the Private Use Area while blessed wraps, and is put back in what it returns. Shrinking elements
  // (a pane's label) are sized by the lines' columns for the same reason.
  const element = (blessed as unknown as { Element: { prototype: WrappingElement } }).Element.prototype;
  const wrapContent = element._wrapContent;
  element._wrapContent = function (this: WrappingElement, content: string, width: number, ...rest: unknown[]): WrappedLines {
    const stand = this.screen.fullUnicode ? astralStandIns(content) : undefined;
    const lines = wrapContent.call(this, stand ? stand.text : content, width, ...rest);
    if (stand) {
      for (let i = 0; i < lines.length; i++) lines[i] = stand.restore(lines[i]!);
      if (lines.fake && lines.fake !== lines) lines.fake = lines.fake.map(stand.restore);
    }
    if (this.screen.fullUnicode) {
      lines.mwidth = lines.reduce((widest, line) => Math.max(widest, unicode.strWidth(line.replace(/\x1b\[[\d;]*m/g, ''))), 0);
    }
    return lines;
  };
}

/** The part of blessed's Screen that draws its cell buffer (not in @types/blessed). */
interface DrawingScreen {
  lines: Array<Array<[number, string]> & { dirty?: boolean }>;
  draw(start: number, end: number): void;
}

/** What blessed puts in the cell after a two-column character (element.js). */
const WIDE_PLACEHOLDER = '\x03';

/** Blanks each placeholder cell of a row whose wide character is not in the cell before it (another element's is). */
export function blankOrphanPlaceholders(line: Array<[number, string]>, isWide: (ch: string) => boolean): void {
  for (let x = 0; x < line.length; x++) {
    const cell = line[x]!;
    // With what blessed joins to the cell before it: the joiner after 👩 in 👩‍💻.
    if (cell[1].startsWith(WIDE_PLACEHOLDER) && (x === 0 || !isWide(line[x - 1]![1]))) line[x] = [cell[0], ' '];
  }
}

/**
 * `text` with each character outside the BMP replaced by a one-unit stand-in from the Private Use Area that `text`
 * does not use (a Nerd Font icon there stays itself), and the way back; undefined when there is none to replace.
 */
export function astralStandIns(text: string): { text: string; restore: (line: string) => string } | undefined {
  if (!/[\ud800-\udbff]/.test(text)) return undefined;
  const standInOf = new Map<string, string>();
  const originalOf = new Map<string, string>();
  let next = 0xe000;
  const replaced = text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, (astral) => {
    let standIn = standInOf.get(astral);
    if (standIn === undefined) {
      while (next <= 0xf8ff && text.includes(String.fromCharCode(next))) next++;
      // Thousands of distinct emoji in one element: the rest keep blessed's own count.
      if (next > 0xf8ff) return astral;
      standIn = String.fromCharCode(next++);
      standInOf.set(astral, standIn);
      originalOf.set(standIn, astral);
    }
    return standIn;
  });
  return { text: replaced, restore: (line) => line.replace(/[\ue000-\uf8ff]/g, (unit) => originalOf.get(unit) ?? unit) };
}

/** Code points Unicode draws in two columns and blessed in one, ascending. */
export function missingWideCodePoints(blessedWidth: (point: number) => number): number[] {
  const missing: number[] = [];
  for (const [from, to] of SCAN_RANGES) {
    for (let point = from; point <= to; point++) {
      if (eastAsianWidth(point) === 2 && blessedWidth(point) === 1) missing.push(point);
    }
  }
  return missing;
}

/**
 * A regular expression source (no `u` flag, as blessed's own patterns) matching any of `points`: BMP characters in
 * one class, each astral character as its surrogate pair, grouped by high surrogate.
 */
export function utf16Alternation(points: number[]): string {
  const bmp: number[] = [];
  const byHigh = new Map<number, number[]>();
  for (const point of points) {
    if (point <= 0xffff) {
      bmp.push(point);
      continue;
    }
    const offset = point - 0x10000;
    const high = 0xd800 + (offset >> 10);
    let lows = byHigh.get(high);
    if (!lows) byHigh.set(high, (lows = []));
    lows.push(0xdc00 + (offset & 0x3ff));
  }
  const parts: string[] = [];
  if (bmp.length > 0) parts.push(`[${classRanges(bmp)}]`);
  for (const [high, lows] of byHigh) parts.push(`${escape(high)}[${classRanges(lows)}]`);
  return parts.join('|');
}

/** Sorted code units as character-class ranges: `\u231a-\u231b\u23e9`… */
function classRanges(units: number[]): string {
  let out = '';
  for (let i = 0; i < units.length; i++) {
    const start = units[i]!;
    while (i + 1 < units.length && units[i + 1] === units[i]! + 1) i++;
    out += units[i] === start ? escape(start) : `${escape(start)}-${escape(units[i]!)}`;
  }
  return out;
}

function escape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, '0')}`;
}
