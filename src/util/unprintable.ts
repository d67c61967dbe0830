/**
 * Characters a terminal would act on or reorder, written as escapes instead: for CLI errors that quote what users
 * typed (src/cli/printable.ts) and for server log lines that quote what clients sent (src/server/logger.ts).
 */

/**
 * C0 and C1 controls and DEL, the line and paragraph separators, and the format characters: bidi marks, embeddings
 * and isolates, and the invisible ones (zero-width space, word joiner, soft hyphen, BOM), which made a refused
 * `a\u200bb` read as `ab`. Not the zero-width (non-)joiners and the tag characters, which emoji (🏴󠁧󠁢󠁥󠁮󠁧󠁿) and some
 * scripts are written with.
 */
export const UNPRINTABLE = /[\p{Cc}\u2028\u2029]|(?![\u200c\u200d\u{e0020}-\u{e007f}])\p{Cf}/gu;

/** `text` with each character a terminal would act on or reorder by written as an escape: `\x1b`, `\u202e`. */
export function escapeUnprintable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    const code = ch.codePointAt(0)!;
    if (code <= 0xff) return `\\x${code.toString(16).padStart(2, '0')}`;
    return code <= 0xffff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
