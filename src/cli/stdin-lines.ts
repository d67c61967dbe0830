/**
 * Headless stdin split into chat lines. Node's readline kept a line without an end in memory whole: `</dev/zero`, or
 * a binary file piped in, grew it until V8's string limit and the call died with a stack trace ("Invalid string
 * length") instead of going on. Here a line never grows past a bound: a longer one comes out in pieces.
 */

/** Longest line kept whole: 500 chat messages, minutes of chat at CLIENT_CHAT_BYTE_PACE. */
export const MAX_STDIN_LINE = 1_000_000;

/** Lines as readline splits them (`\n`, `\r\n`, `\r`; a `\r\n` across two chunks is one break), bounded in length. */
export class StdinLines {
  private pending = '';
  private afterCr = false;

  constructor(private readonly maxLength = MAX_STDIN_LINE) {}

  /** The lines a decoded chunk completes, and pieces of one that grew past the bound. */
  push(text: string): string[] {
    const lines: string[] = [];
    let start = this.afterCr && text.startsWith('\n') ? 1 : 0;
    if (text.length > 0) this.afterCr = false;
    const breaks = /\r\n|\n|\r/g;
    breaks.lastIndex = start;
    for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
      lines.push(...this.pieces(this.pending + text.slice(start, match.index)));
      this.pending = '';
      start = match.index + match[0].length;
      if (match[0] === '\r' && start === text.length) this.afterCr = true;
    }
    const rest = this.pieces(this.pending + text.slice(start));
    this.pending = rest.pop() ?? '';
    lines.push(...rest);
    return lines;
  }

  /** The end of input: the last line, if it had no line break. */
  end(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest ? [rest] : [];
  }

  /** `text` in pieces of at most maxLength, the last one possibly shorter. */
  private pieces(text: string): string[] {
    const pieces: string[] = [];
    let rest = text;
    while (rest.length > this.maxLength) {
      const cut = cutPoint(rest, this.maxLength);
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    pieces.push(rest);
    return pieces;
  }
}

/** After the last blank in the second half of `max` units (no word in two halves), else at `max`, not inside a pair. */
function cutPoint(text: string, max: number): number {
  for (let i = max - 1; i >= max / 2; i--) if (/\s/u.test(text[i]!)) return i + 1;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}
