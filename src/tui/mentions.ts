/**
 * Whether a chat message names you, pure. Your name as a word of its own, in any case, with or without "@": "alice",
 * "@Alice", "ALICE:" and "alice's" do, "malice" and "alice2" do not (a substring rang the bell for "that was pure
 * malice"). Letters are Unicode's: "zoë" is a word in "hi zoë!", and a name typed with a combining accent is the same
 * name as one typed precomposed.
 */
export function mentions(text: string, name: string): boolean {
  const wanted = name.normalize('NFC');
  if (wanted.trim() === '') return false;
  // The name's own edges decide: a name that ends in "!" or an emoji has no letter there to run on into.
  const points = [...wanted];
  const before = WORD_CHAR.test(points[0]!) ? `(?<!${WORD})` : '';
  const after = WORD_CHAR.test(points.at(-1)!) ? `(?!${WORD})` : '';
  return new RegExp(`${before}${escapeRegExp(wanted)}${after}`, 'iu').test(text.normalize('NFC'));
}

/**
 * What continues a word: a letter, a mark on one, a digit, an underscore. Not the letters of scripts written without
 * spaces between words (Chinese, Japanese, Thai): "李小龙你好" greets 李小龙.
 */
const WORD = '(?:(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}])[\\p{L}\\p{M}\\p{N}_])';
const WORD_CHAR = new RegExp(`^${WORD}$`, 'u');

function escapeRegExp(text: string): string {
  // The characters a `u` pattern lets be escaped, and needs escaped.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
