/**
 * What a reader sees as one character (a grapheme cluster): a letter with its combining marks, a flag (two regional
 * indicators), an emoji joined by U+200D. Cutting inside one leaves half a flag or a mark on the wrong letter.
 */
export const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `text` as grapheme clusters, in order. */
export function graphemes(text: string): string[] {
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}
