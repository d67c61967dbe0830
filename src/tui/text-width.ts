import { eastAsianWidth } from 'get-east-asian-width';
import { GRAPHEMES } from '../util/graphemes.js';

/**
 * Terminal columns of text, pure: two for East Asian wide characters (CJK, emoji), none for combining marks, the
 * zero-width joiner and variation selectors, one for the rest. blessed is taught the same widths (wide-chars.ts).
 */

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\u200d\ufe00-\ufe0f]$/u;

/** Columns of one code point (as `[...text]` yields them). */
export function charColumns(ch: string): number {
  const point = ch.codePointAt(0) ?? 0;
  if (point < 0x300) return point < 0x20 || (point >= 0x7f && point < 0xa0) ? 0 : 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  return eastAsianWidth(point);
}

/** Columns `text` takes. */
export function textColumns(text: string): number {
  let columns = 0;
  for (const ch of text) columns += charColumns(ch);
  return columns;
}

/**
 * The length blessed gives `text` when it wraps or cuts a line to an element's width: a column per code point, two
 * for a wide one. It draws a combining mark, a joiner or a variation selector in the cell before (no column of its
 * own) but counts it here, so text that fits in columns is still cut unless it fits in this too.
 */
export function blessedLength(text: string): number {
  let length = 0;
  for (const ch of text) length += Math.max(1, charColumns(ch));
  return length;
}

/** The longest start of `chars` (code points or grapheme clusters) that fits in `columns`. */
export function fitColumns(chars: readonly string[], columns: number): string[] {
  let used = 0;
  let end = 0;
  while (end < chars.length && used + textColumns(chars[end]!) <= columns) used += textColumns(chars[end++]!);
  return chars.slice(0, end);
}

/** The longest start of `text`, in whole grapheme clusters, that `measure` puts within `columns`. */
export function fitGraphemes(text: string, columns: number, measure: (text: string) => number): string {
  let used = 0;
  let end = 0;
  for (const { segment } of GRAPHEMES.segment(text)) {
    const width = measure(segment);
    if (used + width > columns) break;
    used += width;
    end += segment.length;
  }
  return text.slice(0, end);
}
