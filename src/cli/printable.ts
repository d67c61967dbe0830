/**
 * What users typed, quoted back in an error, as text that shows instead of acting: `--name $'\e]0;pwned\a'` was
 * refused with its escape sequence intact, so the message set the terminal's title and colours, and a U+202E turned
 * the rest of the line around.
 */
import { escapeUnprintable } from '../util/unprintable.js';

/** One line of an error or notice on stderr: `livecomm-tui: message`, whatever values the message quotes. */
export function errorLine(message: string): string {
  return `livecomm-tui: ${escapeUnprintable(message)}\n`;
}

/** A stack trace (--debug) as it was, line by line, with the same escapes within each line. */
export function printableLines(text: string): string {
  return text.split('\n').map(escapeUnprintable).join('\n');
}
