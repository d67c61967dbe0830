/**
 * Sorts what arrives from the terminal into what the user typed and what the terminal reports, before blessed reads
 * it: blessed does not know the reports and would turn each into a string of keys (`ESC [ 32 ; 1 : 3 u`, Space let
 * go, would type "32;1:3u"; DA1's answer ends in "c", the chat key).
 *
 * - Key events of the kitty keyboard protocol (kitty, foot, ghostty, Alacritty 0.13+, WezTerm when enabled).
 *   Push-to-talk asks for flags 2 (report event types) + 8 (report all keys as escape codes) + 16 (with their
 *   text) (src/tui/terminal.ts): 8 because with 2 alone kitty sends the release of Enter, Tab, Backspace and Esc
 *   as a second press, the same bytes. Every key then comes as `CSI key[:alternates] ; mods[:event] ; text u`
 *   (or, for arrows and function keys, their legacy final byte with the event type added). Releases are
 *   reported; presses and repeats go on to blessed as the legacy protocol would have sent them (the text, Ctrl-C
 *   as 0x03, Enter as CR, arrows as `CSI A`…).
 * - The same keys in xterm's modifyOtherKeys form (`CSI 27 ; mods ; code ~`, also tmux's extended keys), which
 *   some terminals send for modified keys unasked: handed on in the legacy form too.
 * - The terminal's answer to the keyboard-protocol query (`CSI ? flags u`), and to the status question asked after
 *   each video frame (`CSI 0 n`, terminal-pacer.ts).
 * - Late answers to the colour question (terminal-query.ts): DA1 (`CSI ? … c`) and DCS strings (`ESC P … ESC \`).
 * A user's typing cannot produce any of these.
 */

export type TerminalReport =
  | { kind: 'key-release'; /** Unicode code point for `u` keys (32 = Space); undefined for legacy keys (arrows, F-keys). */ code: number | undefined }
  | { kind: 'keyboard-flags'; flags: number }
  /** The answer to a status question (DSR 5, terminal-pacer.ts): everything written before it has been read. */
  | { kind: 'status' }
  | { kind: 'answer' };

export interface SortedInput {
  /** What goes on to the key parser, as if the terminal spoke only the legacy protocol. */
  typed: string;
  reports: TerminalReport[];
  /** An unfinished sequence at the end, to be read again with what comes next. */
  rest: string;
  /**
   * Offsets in `typed` where what blessed reads must be cut: after the Esc key of the kitty protocol. Sent in the
   * legacy form with the next key in one read, ESC and m are Alt-m to blessed (a legacy terminal sends the Esc key
   * alone, and TerminalInput keeps such a read apart).
   */
  cuts: number[];
}

/** A key in the kitty protocol's form, or a legacy one it extends: `ESC [ key ; mods[:event] ; text final`. */
const KEY_EVENT = /^\x1b\[([0-9:]*)(?:;(\d*)(?::([123]))?)?(?:;([0-9:]*))?([u~A-DEFHPQRS])/;
const KEYBOARD_FLAGS = /^\x1b\[\?(\d+)u/;
/** DSR 5's answer: `ESC [ 0 n` (ready) or `ESC [ 3 n` (malfunction); an answer all the same. */
const STATUS = /^\x1b\[[03]n/;
const DEVICE_ATTRIBUTES = /^\x1b\[\?[0-9;]*c/;
const DCS_STRING = /^\x1bP[^\x1b]*\x1b\\/;
/** A sequence that could still become one of the above once more bytes come. */
const UNFINISHED = /^(\x1b|\x1b\[[0-9:;?<]*|\x1bP[^\x1b]*\x1b?)$/;
const RELEASE = '3';

export function sortTerminalInput(text: string): SortedInput {
  let typed = '';
  const reports: TerminalReport[] = [];
  const cuts: number[] = [];
  let at = 0;
  while (at < text.length) {
    const escape = text.indexOf('\x1b', at);
    if (escape < 0) {
      typed += text.slice(at);
      break;
    }
    typed += text.slice(at, escape);
    const tail = text.slice(escape);
    const event = KEY_EVENT.exec(tail);
    const flags = event ? null : KEYBOARD_FLAGS.exec(tail);
    const status = event || flags ? null : STATUS.exec(tail);
    const answer = event || flags || status ? null : DEVICE_ATTRIBUTES.exec(tail) ?? DCS_STRING.exec(tail);
    if (event) {
      const [whole, key = '', mods = '', type, keyText, final = ''] = event;
      // xterm's modifyOtherKeys (and tmux's extended keys in that format): `CSI 27 ; mods ; code ~` is the `u` key.
      if (final === '~' && key === '27' && keyText && type === undefined) typed += legacyKey(keyText, mods, undefined, 'u');
      // A legacy sequence (an arrow, a paste mark, a cursor report) goes on untouched.
      else if (final !== 'u' && type === undefined) typed += whole;
      else if (type === RELEASE) reports.push({ kind: 'key-release', code: final === 'u' ? Number(key.split(':')[0]) : undefined });
      else {
        const legacy = legacyKey(key, mods, keyText, final);
        typed += legacy;
        if (legacy === '\x1b') cuts.push(typed.length);
      }
      at = escape + whole.length;
    } else if (status) {
      reports.push({ kind: 'status' });
      at = escape + status[0].length;
    } else if (flags) {
      reports.push({ kind: 'keyboard-flags', flags: Number(flags[1]) });
      at = escape + flags[0].length;
    } else if (answer) {
      reports.push({ kind: 'answer' });
      at = escape + answer[0].length;
    } else if (UNFINISHED.test(tail)) {
      // Waits for its end (a lone ESC too: the read may have split a sequence after it); TerminalInput lets it go
      // on as typed if nothing comes soon (the Esc key, Alt-[).
      return { typed, reports, rest: tail, cuts };
    } else {
      typed += '\x1b';
      at = escape + 1;
    }
  }
  return { typed, reports, rest: '', cuts };
}

/** Modifier bits of the kitty protocol's `mods` (its value less one); Caps Lock and Num Lock (64, 128) are ignored. */
const SHIFT = 1;
const ALT = 2;
const CTRL = 4;
/** Keys the kitty protocol numbers in the Private Use Area (modifiers alone, keypad, media): 57344–63743. */
const FIRST_FUNCTIONAL = 57344;
const LAST_FUNCTIONAL = 63743;
const KEYPAD_ENTER = 57414;
const LEGACY_KEYS: Readonly<Record<number, string>> = { 13: '\r', 9: '\t', 127: '\x7f', 27: '\x1b', [KEYPAD_ENTER]: '\r' };

/** A press or repeat as the legacy protocol sends it ('' for keys it has no bytes for, such as Shift alone). */
export function legacyKey(key: string, mods: string, text: string | undefined, final: string): string {
  const modifiers = mods ? Number(mods) - 1 : 0;
  const code = key.split(':')[0] ?? '';
  if (final !== 'u') {
    // Arrows, Home/End, F-keys: the same sequence without the event type.
    const shortcut = modifiers & (SHIFT | ALT | CTRL);
    if (final === '~') return `\x1b[${code}${shortcut ? `;${shortcut + 1}` : ''}~`;
    return shortcut ? `\x1b[${code || '1'};${shortcut + 1}${final}` : `\x1b[${final}`;
  }
  const alt = modifiers & ALT ? '\x1b' : '';
  if (text) return alt + String.fromCodePoint(...text.split(':').map(Number));
  const point = Number(code);
  if (point === 9 && modifiers & SHIFT) return '\x1b[Z';
  const special = LEGACY_KEYS[point];
  if (special !== undefined) return alt + special;
  if (point >= FIRST_FUNCTIONAL && point <= LAST_FUNCTIONAL) return '';
  // Ctrl with a letter (Ctrl-C), or with Space (NUL).
  if (modifiers & CTRL && point >= 97 && point <= 122) return alt + String.fromCharCode(point - 96);
  if (modifiers & CTRL && point === 32) return alt + '\x00';
  const char = String.fromCodePoint(point);
  return alt + (modifiers & SHIFT ? char.toUpperCase() : char);
}

/**
 * A mouse report: X10 (`ESC [ M` and three characters, which mode 1005 may encode as wider UTF-8), SGR
 * (`ESC [ < b ; x ; y M|m`) or urxvt (`ESC [ b ; x ; y M`).
 */
const MOUSE_REPORT = /\x1b\[M[\s\S]{3}|\x1b\[<\d+;\d+;\d+[Mm]|\x1b\[\d+;\d+;\d+M/g;

/**
 * Cuts typed input so that every mouse report is a piece of its own. blessed reads one mouse report per read and
 * drops the rest of it: a click that arrives in the same read as the motion before it, or a wheel turned twice while
 * the call was busy drawing, would be lost.
 */
export function splitMouseReports(typed: string): string[] {
  const pieces: string[] = [];
  let at = 0;
  for (const match of typed.matchAll(MOUSE_REPORT)) {
    if (match.index > at) pieces.push(typed.slice(at, match.index));
    pieces.push(match[0]);
    at = match.index + match[0].length;
  }
  if (at < typed.length) pieces.push(typed.slice(at));
  return pieces;
}
