/**
 * Whether a chat message names you, pure. Your name as a word of its own, in any case, with or without "@": "alice",
 * "@Alice", "ALICE:" and "alice's" do, "malice" and "alice2" do not (a substring rang the bell for "that was pure
 * malice"). Letters are Unicode's: "zoë" is a word in "hi zoë!", and a name typed with a combining accent is the same
 * name as one typed precomposed. A hyphen between letters joins one name ("anne-marie" is not anne), and ' and ’ are
 * the same apostrophe ("o’brien" is o'brien).
 */
export function mentions(text: string, name: string): boolean {
  const wanted = plain(name);
  if (wanted.trim() === '') return false;
  // No letter right before or after it, whatever its own edges are: "j.r.r." does not name j.r. (nor "me 😀x" me 😀).
  const before = `(?<!${WORD})(?<!${WORD}${HYPHEN})`;
  const after = `(?!${WORD})(?!${HYPHEN}${WORD})`;
  return new RegExp(`${before}${escapeRegExp(wanted)}${after}`, 'iu').test(plain(text));
}

/** Composed, and one apostrophe for the two that keyboards and phones type (U+2019 from autocorrect). */
function plain(text: string): string {
  return text.normalize('NFC').replace(/\u2019/g, "'");
}

/** A hyphen, as typed or as U+2010. */
const HYPHEN = '[-\u2010]';

/**
 * What continues a word: a letter, a mark on one, a digit, an underscore. Not the letters of scripts written without
 * spaces between words (Chinese, Japanese, Thai): "李小龙你好" greets 李小龙.
 */
const WORD = '(?:(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Thai}])[\\p{L}\\p{M}\\p{N}_])';

function escapeRegExp(text: string): string {
  // The characters a `u` pattern lets be escaped, and needs escaped.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
