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

/** Columns of the time stamp every line starts with: "09:41 ". */
export const CLOCK_COLUMNS = 6;

/**
 * The column a line's later rows start at: under its text, after "09:41 alice: " (`prefix` columns), when that
 * leaves the text most of a row, else under the end of the time stamp.
 */
export function hangFor(prefix: number, width: number): number {
  return prefix <= Math.max(CLOCK_COLUMNS, Math.floor(width / 3)) ? prefix : CLOCK_COLUMNS;
}

/** What a grapheme cluster, an SGR escape or a run of blanks is, with the cells it takes. */
interface Piece {
  text: string;
  cells: number;
  kind: 'escape' | 'space' | 'text';
}

const ESCAPE = /\x1b\[[\d;]*m/g;
// What a reader sees as one character: a letter with its marks, a flag, an emoji joined by U+200D.
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

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
  const add = (piece: Piece): void => {
    row += piece.text;
    used += piece.cells;
  };
  for (let i = 0; i < pieces.length; ) {
    // A gap (blanks, and the escapes among them), then the word after it.
    const gapEnd = runEnd(pieces, i, 'space');
    const wordEnd = runEnd(pieces, gapEnd, 'text');
    const gap = pieces.slice(i, gapEnd);
    const word = pieces.slice(gapEnd, wordEnd);
    i = wordEnd;
    const gapCells = sumCells(gap);
    const wordCells = sumCells(word);
    if (used + gapCells + wordCells <= room) {
      for (const piece of [...gap, ...word]) add(piece);
      continue;
    }
    const breaks = used > start && wordCells > 0;
    if (breaks && indent.length + wordCells <= room) {
      // The word goes to the next row; the blanks before it go with the break (their escapes stay).
      for (const piece of gap) if (piece.kind === 'escape') add(piece);
      newRow();
      for (const piece of word) add(piece);
      continue;
    }
    // Longer than a row: it starts here and is cut between clusters.
    for (const piece of [...gap, ...word]) {
      if (piece.kind === 'escape') add(piece);
      else if (used + piece.cells <= room || used === start) add(piece);
      else if (piece.kind === 'space') continue;
      else {
        newRow();
        add(piece);
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

/** `text` as escapes, blanks and grapheme clusters; a wide character's `\x03` stays with it. */
function piecesOf(text: string, cells: (cluster: string) => number): Piece[] {
  const pieces: Piece[] = [];
  const addRun = (run: string): void => {
    for (const { segment } of GRAPHEMES.segment(run)) {
      const last = pieces.at(-1);
      // The placeholder is a control character, a cluster of its own: never a row's first cell.
      if (segment === '\x03' && last && last.kind === 'text') {
        last.text += segment;
        last.cells += cells(segment);
        continue;
      }
      pieces.push({ text: segment, cells: cells(segment), kind: segment === ' ' ? 'space' : 'text' });
    }
  };
  let at = 0;
  for (const match of text.matchAll(ESCAPE)) {
    addRun(text.slice(at, match.index));
    pieces.push({ text: match[0], cells: 0, kind: 'escape' });
    at = match.index + match[0].length;
  }
  addRun(text.slice(at));
  return pieces;
}
