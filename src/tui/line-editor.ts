import { isUnprintableInChat } from '../protocol/index.js';
import { graphemes } from '../util/graphemes.js';
import { fitColumns, textColumns } from './text-width.js';

/**
 * The chat line's editing, pure: keys in, text out. Our own rather than blessed's textbox, which starts listening
 * one tick after it is focused and so loses the first keys of a fast typist (or of a pasted line).
 */
export type EditResult =
  // `full`: text was left out, the line holding MAX_CHAT_INPUT characters already.
  | { type: 'edit'; full?: true }
  | { type: 'submit'; text: string }
  | { type: 'cancel' }
  | { type: 'ignored' };

export interface KeyInfo {
  name?: string;
  ctrl?: boolean;
  meta?: boolean;
  full?: string;
}

/** The Alt keys the line edits with (readline's word keys); the key router leaves them to it (key-router.ts). */
export const ALT_WORD_KEYS: ReadonlySet<string> = new Set(['b', 'f', 'd', 'backspace', 'left', 'right']);

/** What the chat line holds: a long paste, sent as messages of MAX_CHAT_LENGTH each (call-chat.ts splits it). */
export const MAX_CHAT_INPUT = 10_000;
/** Lines sent that ↑ brings back. */
const HISTORY_LINES = 100;

export class LineEditor {
  /**
   * The line as grapheme clusters, what a reader sees as one character (👩‍💻, 🇫🇷, e and its accent): the cursor,
   * ← / → and Backspace step over whole ones, never leaving a joiner or half a flag behind.
   */
  private clusters: string[] = [];
  /** Code points in the line: what MAX_CHAT_INPUT counts. */
  private codePoints = 0;
  /** In clusters from the start. */
  private cursorIndex = 0;
  /** Lines submitted, oldest first; ↑ and ↓ walk them, the line being typed kept aside as `draft`. */
  private readonly history: string[] = [];
  private historyIndex: number | undefined;
  private draft = '';
  /** The sent line ↑ / ↓ last brought back, while it is in the line as it was sent (`recalledAsSent`), and where. */
  private recalled: string | undefined;
  private recalledIndex = 0;
  /** Tab pressed again right after a completion: the next name that fits the same start. */
  private completion: { start: number; prefix: string; index: number } | undefined;
  /**
   * The first half of a surrogate pair, typed last: blessed hands an emoji on a UTF-16 unit at a time. Held until its
   * second half comes, as in the line alone it would take an accent after the cursor into its cluster, splitting the
   * pair.
   */
  private highSurrogate = '';

  /**
   * @param names who Tab completes to (the others in the call), asked at each Tab.
   */
  constructor(private readonly names: () => readonly string[] = () => []) {}

  get value(): string {
    return this.clusters.join('');
  }

  /** The line holds all it can (MAX_CHAT_INPUT code points). */
  get isFull(): boolean {
    return this.codePoints >= MAX_CHAT_INPUT;
  }

  /** The line holds a line already sent, brought back by ↑ and not changed: nothing of it is unsent. */
  get recalledAsSent(): boolean {
    return this.recalled !== undefined && this.recalled === this.value;
  }

  /** The cursor is after the last character (End there goes on to the chat's newest line). */
  get atEnd(): boolean {
    return this.cursorIndex === this.clusters.length;
  }

  get cursor(): number {
    return this.cursorIndex;
  }

  clear(): void {
    this.clusters = [];
    this.codePoints = 0;
    this.cursorIndex = 0;
  }

  handle(ch: string | undefined, key: KeyInfo): EditResult {
    if (key.name !== 'tab') this.completion = undefined;
    if (key.name !== 'up' && key.name !== 'down') this.historyIndex = undefined;
    // Held for one key only: text typed next (its second half) goes in after it, any other key drops it (alone it is no
    // character).
    const held = this.highSurrogate;
    this.highSurrogate = '';
    switch (key.name) {
      // blessed reports Enter (\r) twice, as 'enter' then 'return': act on 'enter' only, or one key would submit
      // the line and then start a new one.
      case 'return':
        return { type: 'ignored' };
      case 'enter':
      case 'linefeed': {
        const text = this.value;
        this.clear();
        this.recalled = undefined;
        if (text.trim() && text !== this.history.at(-1)) this.history.push(text);
        if (this.history.length > HISTORY_LINES) this.history.shift();
        return { type: 'submit', text };
      }
      case 'up':
      case 'down':
        return this.recall(key.name === 'up' ? -1 : 1);
      case 'tab':
        return this.complete();
      case 'escape':
        // Closing on a sent line brought back and not changed: it is no draft to keep (leaving printed it as "not
        // sent"); what was being typed before ↑ comes back instead.
        if (this.recalledAsSent) this.setValue(this.draft);
        this.recalled = undefined;
        return { type: 'cancel' };
      case 'backspace':
        // Alt-Backspace takes the word before the cursor, as Ctrl-W does.
        if (key.meta) this.replace(this.wordStart(), this.cursorIndex, '');
        else if (this.cursorIndex > 0) this.replace(this.cursorIndex - 1, this.cursorIndex, '');
        return { type: 'edit' };
      case 'delete':
        if (this.cursorIndex < this.clusters.length) this.replace(this.cursorIndex, this.cursorIndex + 1, '');
        return { type: 'edit' };
      case 'left':
        // Ctrl-← or Alt-← (Option-← in macOS terminals) a word, as in readline and most editors.
        this.cursorIndex = key.ctrl || key.meta ? this.wordStart() : Math.max(0, this.cursorIndex - 1);
        return { type: 'edit' };
      case 'right':
        this.cursorIndex = key.ctrl || key.meta ? this.wordEnd() : Math.min(this.clusters.length, this.cursorIndex + 1);
        return { type: 'edit' };
      case 'home':
        this.cursorIndex = 0;
        return { type: 'edit' };
      case 'end':
        this.cursorIndex = this.clusters.length;
        return { type: 'edit' };
      default:
        break;
    }
    if (key.ctrl && key.name === 'u') {
      this.clear();
      return { type: 'edit' };
    }
    // As in readline (bash, psql): Ctrl-A / Ctrl-E to the start / end, Ctrl-K cuts the rest of the line.
    if (key.ctrl && (key.name === 'a' || key.name === 'e')) {
      this.cursorIndex = key.name === 'a' ? 0 : this.clusters.length;
      return { type: 'edit' };
    }
    if (key.ctrl && key.name === 'k') {
      this.replace(this.cursorIndex, this.clusters.length, '');
      return { type: 'edit' };
    }
    if (key.ctrl && key.name === 'w') {
      this.replace(this.wordStart(), this.cursorIndex, '');
      return { type: 'edit' };
    }
    // readline's Alt-b / Alt-f move a word, Alt-d cuts the word after the cursor.
    if (key.meta && (key.name === 'b' || key.name === 'f')) {
      this.cursorIndex = key.name === 'b' ? this.wordStart() : this.wordEnd();
      return { type: 'edit' };
    }
    if (key.meta && key.name === 'd') {
      this.replace(this.cursorIndex, this.wordEnd(), '');
      return { type: 'edit' };
    }
    // Printable text only, by the rule chat is relayed by: control characters would reach other people's terminals.
    // (Format characters stay: a zero-width joiner is half of 👩‍💻, a non-joiner part of a Persian word.) A tab in
    // pasted text (the Tab key completes, above) is a space, as that rule makes it: taken out, `col1\tcol2` ran
    // together.
    let text = ch?.replace(/\t/g, ' ');
    if (text && !key.ctrl && !key.meta && !/\p{Cc}/u.test(text)) {
      text = held + text;
      if (/[\ud800-\udbff]$/.test(text)) {
        this.highSurrogate = text.slice(-1);
        text = text.slice(0, -1);
        if (text === '') return { type: 'edit' };
      }
      const printable = [...text].filter((c) => !isUnprintableInChat(c));
      const added = printable.slice(0, MAX_CHAT_INPUT - this.codePoints);
      this.replace(this.cursorIndex, this.cursorIndex, added.join(''));
      return added.length < printable.length ? { type: 'edit', full: true } : { type: 'edit' };
    }
    return { type: 'ignored' };
  }

  /** ↑ / ↓: an earlier line sent, or back towards the line being typed. */
  private recall(step: -1 | 1): EditResult {
    if (this.history.length === 0) return { type: 'ignored' };
    if (this.historyIndex === undefined) {
      if (this.recalledAsSent) {
        // Only the cursor moved since: the walk goes on. Begun afresh, it took the sent line for the draft, and what
        // was being typed before ↑ was lost.
        this.historyIndex = this.recalledIndex;
      } else {
        if (step === 1) return { type: 'ignored' };
        this.draft = this.value;
        this.historyIndex = this.history.length;
      }
    }
    this.historyIndex = Math.min(this.history.length, Math.max(0, this.historyIndex + step));
    this.setValue(this.history[this.historyIndex] ?? this.draft);
    this.recalled = this.history[this.historyIndex];
    this.recalledIndex = this.historyIndex;
    if (this.historyIndex === this.history.length) this.historyIndex = undefined;
    return { type: 'edit' };
  }

  /**
   * Tab: the word before the cursor completed to the first name that starts with it (case aside), as IRC clients
   * do; ": " after it at the start of the line, a space elsewhere. Tab again: the next name that fits.
   */
  private complete(): EditResult {
    const state =
      this.completion ??
      (() => {
        let start = this.cursorIndex;
        while (start > 0 && this.clusters[start - 1] !== ' ') start--;
        return { start, prefix: this.clusters.slice(start, this.cursorIndex).join(''), index: -1 };
      })();
    const fits = this.names().filter((name) => name.toLowerCase().startsWith(state.prefix.toLowerCase()));
    if (fits.length === 0 || state.prefix === '') return { type: 'ignored' };
    state.index = (state.index + 1) % fits.length;
    this.replace(state.start, this.cursorIndex, fits[state.index]! + (state.start === 0 ? ': ' : ' '));
    this.completion = state;
    return { type: 'edit' };
  }

  private setValue(text: string): void {
    this.clear();
    this.replace(0, 0, text);
  }

  /** Where the word before the cursor starts (blanks before the cursor skipped first), as readline's words go. */
  private wordStart(): number {
    let start = this.cursorIndex;
    while (start > 0 && this.clusters[start - 1] === ' ') start--;
    while (start > 0 && this.clusters[start - 1] !== ' ') start--;
    return start;
  }

  /** Where the word after the cursor ends (blanks after the cursor skipped first). */
  private wordEnd(): number {
    let end = this.cursorIndex;
    while (end < this.clusters.length && this.clusters[end] === ' ') end++;
    while (end < this.clusters.length && this.clusters[end] !== ' ') end++;
    return end;
  }

  /**
   * Replaces clusters [start, end) with `text`, the cursor after it. The text is segmented with the cluster before
   * it: a joiner, an accent, or the second half of a flag joins that one, as the terminal draws them. It joins the
   * cluster after it only when that one cannot stand alone (see `joinsNext`).
   */
  private replace(start: number, end: number, text: string): void {
    // Plain ASCII between plain ASCII joins nothing: no segmenting for it (a long paste comes a character at a time).
    if (PLAIN.test(text) && PLAIN.test(this.clusters[start - 1] ?? ' ') && PLAIN.test(this.clusters[end] ?? ' ')) {
      const removed = this.clusters.splice(start, end - start, ...text);
      this.codePoints += text.length - codePointsIn(removed);
      this.cursorIndex = start + text.length;
      return;
    }
    const from = Math.max(0, start - 1);
    const before = this.clusters.slice(from, start).join('');
    let joined = graphemes(before + text);
    let to = end;
    const next = this.clusters[end];
    if (next !== undefined && joinsNext(text, joined, next)) {
      joined = graphemes(before + text + next);
      to = end + 1;
    }
    const removed = this.clusters.splice(from, to - from, ...joined);
    this.codePoints += codePointsIn(joined) - codePointsIn(removed);
    // Past every cluster that starts before the text's end (one the text joined goes before the cursor).
    const textEnd = before.length + text.length;
    let offset = 0;
    let index = 0;
    while (index < joined.length && offset < textEnd) offset += joined[index++]!.length;
    this.cursorIndex = from + index;
  }

  /**
   * The visible part of the line for a field `width` columns wide, with the cursor kept in view: the text before the
   * cursor, the character under it (a space at the end) and the text after. Counts terminal columns, so a line of
   * emoji or CJK (two columns each) does not run past the field.
   */
  view(width: number): { before: string; at: string; after: string } {
    const { before, at, after } = this.window(width);
    return { before: before.join(''), at, after: after.join('') };
  }

  /**
   * `view`, with `…` at a side where the line goes on out of the field (as readline's `<` and `>` do): a long line
   * cut at the field's edge otherwise looked like the whole message. The marks take columns of the field.
   */
  markedView(width: number): { before: string; at: string; after: string } {
    let cuts = { start: false, end: false };
    // Each mark narrows the text, which can hide more of it: two rounds settle both sides.
    for (let round = 0; round < 2; round++) {
      const text = this.window(Math.max(1, width - Number(cuts.start) - Number(cuts.end)));
      cuts = {
        start: cuts.start || text.before.length < this.cursorIndex,
        end: cuts.end || this.cursorIndex + 1 + text.after.length < this.clusters.length,
      };
    }
    const { before, at, after } = this.window(Math.max(1, width - Number(cuts.start) - Number(cuts.end)));
    return { before: (cuts.start ? '…' : '') + before.join(''), at, after: after.join('') + (cuts.end ? '…' : '') };
  }

  /** The clusters in view around the cursor, for a field `width` columns wide. */
  private window(width: number): { before: string[]; at: string; after: string[] } {
    const at = this.clusters[this.cursorIndex] ?? ' ';
    // Walk back from the cursor while the characters fit beside the one under it.
    let used = textColumns(at);
    let start = this.cursorIndex;
    while (start > 0 && used + textColumns(this.clusters[start - 1]!) <= width) used += textColumns(this.clusters[--start]!);
    const after = fitColumns(this.clusters.slice(this.cursorIndex + 1), width - used);
    return { before: this.clusters.slice(start, this.cursorIndex), at, after };
  }
}

/** Printable ASCII (or nothing): each character a cluster of its own. */
const PLAIN = /^[\x20-\x7e]*$/;

/**
 * Starts a cluster that leans on the one before it: an accent or other mark, a joiner, a variation selector, a skin
 * tone.
 */
const LEANS_BACK = /^[\p{M}\p{Emoji_Modifier}\u200c\u200d]/u;
const LONE_REGIONAL_INDICATOR = /^\p{Regional_Indicator}$/u;

/**
 * Whether `text`, segmented with the cluster before it as `joined`, is segmented with the cluster after it too. Text
 * typed is often the start of a cluster still coming (half a flag, 👩 and a joiner): joined with the next cluster it
 * took that in, the cursor went past it, and the rest went in after it (🇫🇷 typed before 🇩🇪 gave 🇫🇩 🇷🇪). So it
 * joins only a next cluster that leans back, never as a lone regional indicator (its partner comes next); what is
 * left after a deletion joins as Unicode says.
 */
function joinsNext(text: string, joined: readonly string[], next: string): boolean {
  if (text === '') return true;
  return LEANS_BACK.test(next) && !LONE_REGIONAL_INDICATOR.test(joined.at(-1) ?? '');
}

function codePointsIn(clusters: readonly string[]): number {
  let count = 0;
  for (const cluster of clusters) for (const _ of cluster) count++;
  return count;
}
