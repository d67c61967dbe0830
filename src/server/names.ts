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
 * names that differ only in characters that do not show (a joiner or tag after "alice" would pass for alice).
 * Lower case without the server's locale, so every server compares alike.
 */
export function nameKey(name: string): string {
  return name.normalize('NFC').replace(INVISIBLE, '').toLowerCase();
}

/**
 * Characters that draw nothing by themselves (joiners, variation selectors, tags, the combining grapheme joiner),
 * unless they build an emoji: after one they join it to the next or make it a flag ("🏴" with tags is Scotland's).
 */
const INVISIBLE = /(?<!\p{Extended_Pictographic}\p{Default_Ignorable_Code_Point}*)\p{Default_Ignorable_Code_Point}/gu;

/** Why a room name is unusable, or undefined when it is fine. */
export function roomProblem(room: string): string | undefined {
  if (room.length === 0) return 'the room name is empty';
  if (room.length > MAX_ROOM_LENGTH) return `the room name is longer than ${MAX_ROOM_LENGTH} characters`;
  if (!/^[A-Za-z0-9._-]+$/.test(room)) return 'the room name may use only letters, digits, ".", "_" and "-"';
  return undefined;
}
