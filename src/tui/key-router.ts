import type blessed from 'blessed';
import type { ChatPanel } from './chat-panel.js';
import { ALT_WORD_KEYS, type KeyInfo } from './line-editor.js';
import { overlayKeyAction, type Overlay } from './overlays.js';
import { PASTE_END, PASTE_START } from './terminal.js';

/** What the call screen does with the keys the router hands on. */
export interface KeyRouterActions {
  /**
   * A call key (`m`, `v`, `tab`, …: blessed's `key.full`), with no chat line open and no overlay taking it; and
   * `pageup` / `pagedown`, which scroll the chat, with the chat line open too, as `end` does at the line's end.
   * `afterEsc`: it came in one read after an Esc, as Alt and it, or Esc and it typed within tmux's escape-time.
   */
  callKey(full: string, afterEsc?: boolean): void;
  /** Ctrl-C, or `y` to the leave question: leave without asking. */
  leaveNow(): void;
  /** An overlay is closed by its key. */
  closeOverlay(): void;
  /** A key, or a character of a paste (`pasted`), for the password line, which takes them all while it shows. */
  passwordKey(ch: string | undefined, key: KeyInfo, pasted: boolean): void;
  /** A chat line was sent (Enter in the chat line, which stays open for the next). */
  sendChat(text: string): void;
  /** Something on screen changed: render soon. */
  changed(): void;
  /**
   * Whether the chat line can show: not in a terminal too small for the call, whose notice says q leaves. Until it
   * can, nothing opens it (q typed into a hidden line left nobody), and pasted text waits in its draft.
   */
  chatShown(): boolean;
}

/** `typedAhead`: held until the server answered, routed now (releaseKeys). */
type KeyEvent = KeyInfo & { full: string; sequence?: string; afterEsc?: boolean; typedAhead?: boolean };

/**
 * One read from the terminal: a Ctrl-C alone in one is pressed, not pasted. `burst`: text pasted without
 * bracketed-paste marks (isTextBurst), whose line breaks with more of it after them (`breaks`) are spaces, as in a
 * bracketed paste (one message); `printable`: its printable characters (a short one may be keys typed over a slow link).
 */
interface ReadTurn {
  read: string;
  burst: boolean;
  breaks: number;
  printable: number;
}

/**
 * Where each key of the call screen goes, in order: the password line, while it shows, takes every key and paste
 * (Ctrl-C there gives up on the password); Ctrl-C leaves; pasted text is chat, whatever it holds; an open
 * chat line takes every key but PgUp/PgDn, which scroll the chat; an overlay takes its own keys; the rest are call
 * keys. Pure routing: what a call key does is the screen's.
 */
export class KeyRouter {
  /** Between PASTE_START and PASTE_END: every key is pasted text. */
  private pasting = false;
  /** The read whose keys are being routed, and what it was (ReadTurn). */
  private turn: ReadTurn = { read: '', burst: false, breaks: 0, printable: 0 };
  /**
   * Keys held until the server first answers (holdKeys): undefined when they go where they go. Each with how it came
   * (pasted, the read it was part of), for when it is routed after all.
   */
  private held: Array<{ ch: string | undefined; key: KeyEvent; pasting: boolean; turn: ReadTurn }> | undefined;

  constructor(
    private readonly screen: blessed.Widgets.Screen,
    private readonly chat: ChatPanel,
    private readonly overlay: Overlay,
    private readonly actions: KeyRouterActions,
  ) {}

  /** Starts routing the screen's keys; returns what stops it. */
  bind(): () => void {
    // blessed drops the sequences it does not know before its own key events, the paste marks among them: watch for
    // them on the input itself, whose key events come first (pasted text then opens the chat line).
    const input = this.screen.program.input;
    const onPasteMark = (_ch: unknown, key: { sequence?: string } | undefined): void => {
      if (key?.sequence !== PASTE_START && key?.sequence !== PASTE_END) return;
      this.pasting = key.sequence === PASTE_START;
      // Where the line cannot open (the leave question), the pasted text waits in its draft (route()). Held keys
      // open it when they are routed (releaseKeys).
      if (this.pasting && !this.chat.typing && !this.held) this.open();
      this.actions.changed();
    };
    // Seen before blessed turns the read into keys (prepended), so the keys of a burst are known for what they are.
    const onData = (data: Buffer | string): void => {
      const read = data.toString();
      const turn: ReadTurn = { read, burst: false, breaks: 0, printable: 0 };
      this.turn = turn;
      // Esc and a key blessed has no Alt name for (Esc, then ?): blessed drops the pair, so it is seen here.
      const escThen = ESC_THEN_UNNAMED.exec(read);
      if (escThen && !this.pasting && this.overlay.kind !== 'password') {
        this.escapeThen(() => this.route(escThen[1], { full: escThen[1]!, sequence: escThen[1], afterEsc: true }));
        return;
      }
      if (this.pasting || !isTextBurst(read)) return;
      turn.burst = true;
      // A break at the end still sends: "c", a line and Enter in one read (a slow link, tmux send-keys) is typed. So
      // does one after an Enter that opened the line (Enter, text, Enter): that first break is the opener, not text.
      const opener = !this.chat.typing && /^[\r\n]/.test(read) ? 1 : 0;
      turn.breaks = Math.max(0, (/^[^]*\P{Cc}/u.exec(read)?.[0].match(/[\r\n]/g) ?? []).length - opener);
      turn.printable = [...read.replace(/\p{Cc}/gu, '')].length;
      // Its keys are routed in this turn (unless held: they keep it). A read after it is another turn.
      setImmediate(() => {
        if (this.turn === turn) this.turn = { read, burst: false, breaks: 0, printable: 0 };
      });
    };
    const onKey = (ch: string | undefined, key: KeyEvent): void => this.route(ch, key);
    input.prependListener('data', onData);
    input.on('keypress', onPasteMark);
    this.screen.on('keypress', onKey);
    return () => {
      input.off('data', onData);
      input.off('keypress', onPasteMark);
      this.screen.off('keypress', onKey);
    };
  }

  /**
   * Holds every key but Ctrl-C (which leaves) until releaseKeys: while the server has not answered, a key may be the
   * first of a password typed ahead for the box it will ask with, as into ssh's prompt (its q left the call, and its
   * c and Enter sent the password as chat).
   */
  holdKeys(): void {
    this.held ??= [];
  }

  /** Whether keys are held (holdKeys): only Ctrl-C acts. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /**
   * Routes the held keys as they came (pasted or not, in the reads they came in): into the password box when it
   * shows now, else to the chat line or the call; and every key from here on as it comes.
   */
  releaseKeys(): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    const now = { pasting: this.pasting, turn: this.turn };
    // Into the password box, a key typed ahead is never the one that gives up on it: an Esc (pressed at the screen,
    // say after a ? that showed nothing) meant the keys before it, not a box not up yet, where it ended the call.
    // Those keys go with it, as Esc closes a line without sending it.
    const from = this.overlay.kind === 'password' ? lastIndexWhere(held, (k) => !k.pasting && k.key.full === 'escape') + 1 : 0;
    for (const { ch, key, pasting, turn } of held.slice(from)) {
      this.pasting = pasting;
      this.turn = turn;
      if (pasting && !this.chat.typing) this.open();
      this.route(ch, { ...key, typedAhead: true });
    }
    ({ pasting: this.pasting, turn: this.turn } = now);
    this.actions.changed();
  }

  /** Opens the chat line (`c`, Enter, a click on it). */
  startTyping(): void {
    if (this.open()) this.actions.changed();
  }

  /**
   * Opens the chat line in front of everything: help or stats close first (a line opened under them was typed into
   * blind, and their keys no longer closed them). Never while the leave question shows, which y or n answers first
   * (a paste opened the line under it and its y went into the chat), nor the password line, nor where the line
   * cannot show.
   */
  private open(): boolean {
    if (!this.actions.chatShown() || this.overlay.kind === 'confirm-leave' || this.overlay.kind === 'password') return false;
    if (this.overlay.kind) this.actions.closeOverlay();
    if (!this.chat.typing) this.chat.startTyping();
    return true;
  }

  private route(ch: string | undefined, key: KeyEvent): void {
    if (this.overlay.kind === 'password') return this.actions.passwordKey(ch, key, this.pasting);
    // Ctrl-C in pasted text is a byte of it (README: none of a paste is a call key; a host's ended the call for
    // everyone). Pressed, it comes in a read of its own: then it leaves, even in a paste whose end mark never came.
    if (key.full === 'C-c' && (!this.pasting || this.turn.read === '\x03')) return this.actions.leaveNow();
    if (this.held) {
      this.held.push({ ch, key, pasting: this.pasting, turn: this.turn });
      return;
    }
    if (this.pasting) {
      this.chat.pasted(ch);
      return this.actions.changed();
    }
    // blessed reports Enter (CR) as 'enter' then 'return': the twin is part of the Enter just handled, never a key of
    // its own (before the burst rule, which would open the line again behind the Enter on an empty line that closed it).
    if (key.name === 'return' && key.sequence === '\r') return;
    // Pasted by a terminal without bracketed paste: text, for the chat line, never call keys (its q would leave), nor
    // an overlay's (the stats pass m, v, i… on to the call; y answers the leave question). Over help or stats it
    // opens the line as a bracketed paste does; under the leave question it waits in the draft.
    if (this.turn.burst && !this.chat.typing) {
      const under = this.overlay.kind;
      if (!this.open()) {
        this.chat.pasted(ch);
        return this.actions.changed();
      }
      // Unless it starts with the key that opens the line: Enter, or "c" and a few letters after it in one read over a
      // slow link (that c opened the line; it is not text). A longer text starting with c is pasted ("can you hear
      // me?"), and keeps its c.
      const typedOpener = key.full === 'enter' || (key.full === 'c' && this.turn.printable <= TYPED_BURST_MAX);
      if (!under && typedOpener) return this.actions.changed();
    }
    // Esc and then a key, in one read, is Alt and that key to blessed: tmux's escape-time (500 ms nested, tmux 3.3's
    // default) or an SSH link joins them. The chat line's only Alt keys are readline's word keys (Alt-b, Alt-f, Alt-d,
    // Alt-Backspace, Alt-←/→: macOS terminals send Option-← as Alt-b), typed there far more often than Esc and then
    // b (the bell) or f (spotlight) at once; any other is the two keys: Esc closes the line (its draft kept) and the
    // key is a call key (its q leaves), as if they had come apart.
    if (this.chat.typing && key.meta && key.name !== undefined && !ALT_WORD_KEYS.has(key.name)) {
      const rest = key.sequence?.slice(1);
      const plain: KeyEvent = { ...key, meta: false, full: key.full.replace(/^(C-)?M-/, '$1'), sequence: rest, afterEsc: true };
      return this.closeThen(() => this.route(rest?.length === 1 ? rest : undefined, plain));
    }
    // With the line closed there are no Alt keys at all: Esc and a key in one read are the two keys there too (Esc
    // closes help or stats, the key acts). As Alt-q, Esc to close the stats and q to leave did neither. Alt-q is
    // those bytes too, pressed by mistake: q after an Esc asks before it leaves (callKey's `afterEsc`).
    if (!this.chat.typing && key.meta && key.name !== undefined && key.sequence?.length === 2 && key.sequence[0] === '\x1b') {
      const rest = key.sequence.slice(1);
      const plain: KeyEvent = { ...key, meta: false, full: key.full.replace(/^(C-)?M-/, '$1'), sequence: rest, afterEsc: true };
      return this.escapeThen(() => this.route(rest, plain));
    }
    if (this.chat.typing) {
      // PgUp/PgDn scroll the chat as they do with the line closed: reading back while answering (the editor has no
      // use for them).
      if (key.full === 'pageup' || key.full === 'pagedown') return this.actions.callKey(key.full);
      // End moves to the line's end; already there, it goes to the newest chat line as with the line closed.
      if (key.full === 'end' && this.chat.cursorAtEnd) return this.actions.callKey('end');
      // A tab in text pasted without bracketed paste is text (a space), not the Tab key's name completion; a line
      // break inside it a space too, not Enter: tmux's paste-buffer of three lines sent two and left the third.
      const breakInText = (key.name === 'enter' || key.name === 'linefeed') && this.turn.breaks > 0;
      if (breakInText) this.turn.breaks--;
      if (this.turn.burst && (key.full === 'tab' || breakInText)) {
        this.chat.pasted(ch);
        return this.actions.changed();
      }
      return this.typingKey(ch, key);
    }
    const overlayAction = this.overlay.kind ? overlayKeyAction(this.overlay.kind, ch, key.name) : 'pass';
    if (overlayAction === 'leave') return this.actions.leaveNow();
    if (overlayAction === 'close') return this.actions.closeOverlay();
    if (overlayAction === 'close-and-pass') this.actions.closeOverlay();
    if (overlayAction === 'scroll-up' || overlayAction === 'scroll-down') {
      this.overlay.scroll(overlayAction === 'scroll-up' ? -this.overlay.pageRows : this.overlay.pageRows);
      return this.actions.changed();
    }
    // Space is push-to-talk's, which talks while it is down: typed ahead, it was let go long ago, and a terminal that
    // reports releases had reported that one already (the microphone stayed open until Space was pressed again).
    if (key.typedAhead && key.full === 'space') return;
    this.actions.callKey(key.full, key.afterEsc === true);
  }

  /** Esc, then `next`: in the chat line Esc closes it (closeThen); elsewhere it goes where an Esc key goes. */
  private escapeThen(next: () => void): void {
    if (this.chat.typing) return this.closeThen(next);
    this.route(undefined, { name: 'escape', full: 'escape', sequence: '\x1b' });
    next();
  }

  /** Esc in the chat line (it closes, keeping the draft), then `next`. */
  private closeThen(next: () => void): void {
    this.typingKey('\x1b', { name: 'escape', full: 'escape' });
    next();
  }

  private typingKey(ch: string | undefined, key: KeyInfo): void {
    const text = this.chat.typingKey(ch, key);
    if (text) this.actions.sendChat(text);
    this.actions.changed();
  }
}

/** The index of the last of `items` that `test` holds for, or -1 (Array.prototype.findLastIndex is ES2023). */
function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

/**
 * Esc and one printable character blessed gives no key for after it (`?`, `+`, `é`): not an ASCII letter or digit or
 * a space, which it reports as Alt and the key; not `[` or `O`, which start a sequence.
 */
const ESC_THEN_UNNAMED = /^\x1b([^a-zA-Z0-9\p{Cc} [O])$/u;

/** Printable characters in one read that may still be keys typed over a slow link: "c" and what followed it. */
const TYPED_BURST_MAX = 6;

/** Printable characters in one read from which it is taken for pasted text: a person types one key at a time. */
const TEXT_BURST_CHARS = 4;

/**
 * Whether one read from the terminal is text pasted without bracketed-paste marks: at least TEXT_BURST_CHARS
 * printable characters and no escape sequence (keys typed fast over SSH may share a read, two or three of them).
 * A run of one character is a key held down, its repeats arriving together (push-to-talk's Space, a volume key's +
 * over a slow link): keys, not a paste.
 */
export function isTextBurst(read: string): boolean {
  if (read.includes('\x1b')) return false;
  let printable = 0;
  let first: string | undefined;
  let mixed = false;
  for (const c of read) {
    if (/\p{Cc}/u.test(c)) continue;
    printable++;
    first ??= c;
    mixed ||= c !== first;
    if (mixed && printable >= TEXT_BURST_CHARS) return true;
  }
  return false;
}
