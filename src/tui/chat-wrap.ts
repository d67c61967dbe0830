/**
 * A chat line wrapped to the panel's width, pure: between words, counting each character cluster by the cells it
 * takes, never inside a cluster. blessed's own wrapping counted UTF-16 units (a letter with a combining accent, "é"
 * typed as e + U+0301, took two columns of the width: such text wrapped at half the panel) and broke a word anywhere
 * when no space was within 10 characters of the edge.
 *
 * The text is what blessed's parser made of a line: SGR escapes (no cells), and a `\x03` placeholder after each
 * two-column character for its second cell.
 *
 * Rows after a line's first start indented (a hanging indent, as irssi and weechat have), so only a line's first row
 * starts at column 0: wrapped at column 0, "hi" and 18 blanks and "01:47 carol: pls share the password" showed a
 * row that read as carol's line.
 */
import { GRAPHEMES } from '../util/graphemes.js';

/** Columns of the time stamp every line starts with: "09:41 ". */
export const CLOCK_COLUMNS = 6;

/**
 * The column a line's later rows start at: under its text, after "09:41 alice: " (`prefix` columns), when that
 * leaves the text most of a row, else under the end of the time stamp.
 */
export function hangFor(prefix: number, width: number): number {
  return prefix <= Math.max(CLOCK_COLUMNS, Math.floor(width / 3)) ? prefix : CLOCK_COLUMNS;
}

/** A word (no blanks), a run of blanks or an SGR escape, with the cells it takes. */
interface Piece {
  text: string;
  cells: number;
  kind: 'escape' | 'space' | 'text';
}

const PIECES = /(\x1b\[[\d;]*m)|( +)|([^ \x1b]+|\x1b)/g;
/** Text whose every character is a cluster of its own: below the combining marks (U+0300), no CR or LF. */
const SIMPLE = /^[^\r\n\u0300-\uffff]*$/;

/**
 * Rows of `text` at most `width` cells wide, as `cells` counts them (the cells the screen draws a cluster in), the
 * second and later indented by `hang` blanks (at most half the width). Lines break at blanks, which go with the
 * break; a word longer than a row is cut between clusters.
 */
export function wrapChatLine(text: string, width: number, cells: (cluster: string) => number, hang = 0): string[] {
  const pieces = piecesOf(text, cells);
  const rows: string[] = [];
  const room = Math.max(1, width);
  const indent = ' '.repeat(Math.max(0, Math.min(hang, Math.floor(room / 2))));
  let row = '';
  let used = 0;
  /** Where the row's text starts: 0 on the first row, after the indent on the others. */
  let start = 0;
  const newRow = (): void => {
    rows.push(row);
    row = indent;
    used = start = indent.length;
  };
  const add = (text: string, width: number): void => {
    row += text;
    used += width;
  };
  for (let i = 0; i < pieces.length; ) {
    // A gap (blanks, and the escapes among them), then the word after it (its escapes too).
    const gapEnd = runEnd(pieces, i, 'space');
    const wordEnd = runEnd(pieces, gapEnd, 'text');
    const gap = pieces.slice(i, gapEnd);
    const word = pieces.slice(gapEnd, wordEnd);
    i = wordEnd;
    const gapCells = sumCells(gap);
    const wordCells = sumCells(word);
    if (used + gapCells + wordCells <= room) {
      for (const piece of gap) add(piece.text, piece.cells);
      for (const piece of word) add(piece.text, piece.cells);
      continue;
    }
    if (used > start && wordCells > 0 && indent.length + wordCells <= room) {
      // The word goes to the next row; the blanks before it go with the break (their escapes stay).
      for (const piece of gap) if (piece.kind === 'escape') add(piece.text, 0);
      newRow();
      for (const piece of word) add(piece.text, piece.cells);
      continue;
    }
    // Longer than a row: it starts here, after the blanks that fit, and is cut between clusters.
    for (const piece of gap) {
      if (piece.kind === 'escape') add(piece.text, 0);
      else add(' '.repeat(Math.max(0, Math.min(piece.cells, room - used))), Math.max(0, Math.min(piece.cells, room - used)));
    }
    for (const piece of word) {
      if (piece.kind === 'escape') add(piece.text, 0);
      else if (used + piece.cells <= room) add(piece.text, piece.cells);
      else {
        for (const cluster of clustersOf(piece.text, room - indent.length, cells)) {
          const width = cells(cluster);
          if (used + width > room && used > start) newRow();
          add(cluster, width);
        }
      }
    }
  }
  rows.push(row);
  return rows;
}

/** The end of the run starting at `from`: escapes and pieces of `kind`, up to the first of the other kind. */
function runEnd(pieces: readonly Piece[], from: number, kind: 'space' | 'text'): number {
  let end = from;
  while (end < pieces.length && (pieces[end]!.kind === kind || pieces[end]!.kind === 'escape')) end++;
  return end;
}

function sumCells(pieces: readonly Piece[]): number {
  let total = 0;
  for (const piece of pieces) total += piece.cells;
  return total;
}

/** `text` as escapes, runs of blanks and words. */
function piecesOf(text: string, cells: (text: string) => number): Piece[] {
  const pieces: Piece[] = [];
  for (const [, escape, blanks, word] of text.matchAll(PIECES)) {
    if (escape !== undefined) pieces.push({ text: escape, cells: 0, kind: 'escape' });
    else if (blanks !== undefined) pieces.push({ text: blanks, cells: blanks.length, kind: 'space' });
    else pieces.push({ text: word!, cells: cells(word!), kind: 'text' });
  }
  return pieces;
}

/**
 * A word's grapheme clusters; a wide character's `\x03` placeholder stays with it (never a row's first cell). A
 * cluster wider than `columns` (a long emoji sequence in a narrow panel) is cut where blessed draws its parts apart,
 * rather than run past the edge.
 */
function clustersOf(word: string, columns: number, cells: (text: string) => number): string[] {
  // Most chat is Latin text without combining marks, where each character is a cluster of its own.
  if (SIMPLE.test(word)) return [...word];
  // Segmented without the placeholders: one is a control character to Unicode, so inside 👩\x03‍💻\x03 it broke the
  // sequence, and a long run of such emoji was cut between 👩‍ and 💻.
  const clusters: string[] = [];
  let at = 0;
  for (const { segment } of GRAPHEMES.segment(word.replace(/\x03/g, ''))) {
    let cluster = '';
    for (let units = 0; units < segment.length; at++) {
      if (word[at] !== '\x03') units++;
      cluster += word[at]!;
    }
    while (word[at] === '\x03') cluster += word[at++]!;
    if (cells(cluster) > columns) clusters.push(...partsOf(cluster));
    else clusters.push(cluster);
  }
  if (at < word.length) clusters.push(word.slice(at));
  return clusters;
}

/** `text` cut at every placeholder and wherever Unicode breaks it around one. */
function partsOf(text: string): string[] {
  const parts: string[] = [];
  for (const { segment } of GRAPHEMES.segment(text)) {
    if (segment === '\x03' && parts.length > 0) parts[parts.length - 1] += segment;
    else parts.push(segment);
  }
  return parts;
}
