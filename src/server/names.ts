import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH, hasLoneSurrogate } from '../protocol/index.js';

/**
 * Control and format characters a name may not hold: they would move the cursor or recolour other people's
 * terminals (Cc), make text read other than it is stored (bidi), or hide (zero-width space, word joiner, BOM). The
 * joiners that build one emoji or a Persian word (U+200C, U+200D) and emoji tag sequences are not among them.
 */
const FORBIDDEN_IN_NAMES = /[\p{Cc}\p{Zl}\p{Zp}\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/u;
/** Something that shows: a letter, digit, symbol or punctuation other than the letters that draw as blanks. */
const VISIBLE = /(?![\u115f\u1160\u3164\uffa0\u2800])[\p{L}\p{N}\p{S}\p{P}]/u;

/** Why a display name is unusable, or undefined when it is fine. Names are shown in panes and file names. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if ([...name].length > MAX_NAME_LENGTH) return `the name is longer than ${MAX_NAME_LENGTH} characters`;
  if (FORBIDDEN_IN_NAMES.test(name)) return 'the name contains control characters';
  if (hasLoneSurrogate(name)) return 'the name is not valid text';
  if (name !== name.trim()) return 'the name starts or ends with a space';
  if (!VISIBLE.test(name)) return 'the name has nothing that shows';
  return undefined;
}

/**
 * The form two names are compared in: "José" typed precomposed or with a combining accent is one name, and so are
 * names that differ only in characters that do not show (a joiner, tag or variation selector beside "alice", or
 * after an emoji where it builds nothing, would pass for the name without it). Lower case without the server's
 * locale, so every server compares alike.
 */
export function nameKey(name: string): string {
  const points = [...name.normalize('NFC')];
  let key = '';
  points.forEach((point, i) => {
    if (!INVISIBLE.test(point) || buildsEmoji(points, i)) key += point;
  });
  return key.toLowerCase();
}

/** Characters that draw nothing by themselves: joiners, variation selectors, tags, the combining grapheme joiner. */
const INVISIBLE = /^\p{Default_Ignorable_Code_Point}$/u;
const PICTOGRAPH = /^[\p{Extended_Pictographic}\p{Emoji_Modifier}\ufe0f]$/u;
const ZWJ = '\u200d';
const BLACK_FLAG = '\u{1f3f4}';
const CANCEL_TAG = '\u{e007f}';
const isTag = (point: string | undefined): boolean => {
  const code = point?.codePointAt(0) ?? 0;
  return code >= 0xe0020 && code <= 0xe007f;
};

/**
 * Whether the invisible character at `i` makes an emoji what it is: a joiner between two pictographs (👩‍💻), or
 * a tag of a subdivision flag (🏴 and tags up to the cancel tag: Scotland's). A variation selector only picks
 * the emoji or text look of the same character, so it does not count.
 */
function buildsEmoji(points: readonly string[], i: number): boolean {
  const point = points[i]!;
  if (point === ZWJ) return PICTOGRAPH.test(points[i - 1] ?? '') && /^\p{Extended_Pictographic}$/u.test(points[i + 1] ?? '');
  if (!isTag(point)) return false;
  let first = i;
  while (isTag(points[first - 1])) first--;
  let last = i;
  while (isTag(points[last + 1])) last++;
  return points[first - 1] === BLACK_FLAG && points[last] === CANCEL_TAG;
}

/**
 * The form two room names are compared in: the folding of names (`nameKey`), so "Standup" is the room standup — as
 * "Alex" is alex — and two people who typed it differently meet instead of sitting in two rooms alone.
 */
export function roomKey(room: string): string {
  return nameKey(room);
}

/** Why a room name is unusable, or undefined when it is fine. */
export function roomProblem(room: string): string | undefined {
  if (room.length === 0) return 'the room name is empty';
  if (room.length > MAX_ROOM_LENGTH) return `the room name is longer than ${MAX_ROOM_LENGTH} characters`;
  if (!/^[A-Za-z0-9._-]+$/.test(room)) return 'the room name may use only letters, digits, ".", "_" and "-"';
  return undefined;
}
