/**
 * What users typed, quoted back in an error, as text that shows instead of acting: `--name $'\e]0;pwned\a'` was
 * refused with its escape sequence intact, so the message set the terminal's title and colours, and a U+202E turned
 * the rest of the line around.
 */

/**
 * C0 and C1 controls and DEL, the line and paragraph separators, and the format characters: bidi marks, embeddings
 * and isolates, and the invisible ones (zero-width space, word joiner, soft hyphen, BOM), which made a refused
 * `a\u200bb` read as `ab`. Not the zero-width (non-)joiners and the tag characters, which emoji (🏴󠁧󠁢󠁥󠁮󠁧󠁿) and some
 * scripts are written with.
 */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029]|(?![\u200c\u200d\u{e0020}-\u{e007f}])\p{Cf}/gu;

/** `text` with each character a terminal would act on or reorder by written as an escape: `\x1b`, `\u202e`. */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const code = ch.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** One line of an error or notice on stderr: `livecomm-tui: message`, whatever values the message quotes. */
export function errorLine(message: string): string {
  return `livecomm-tui: ${escapeUnprintable(message)}\n`;
}

/** A stack trace (--debug) as it was, line by line, with the same escapes within each line. */
export function printableLines(text: string): string {
  return text.split('\n').map(escapeUnprintable).join('\n');
}
