/**
 * The call screen's password box, for a server that wants a password none was given for: typed without showing it
 * (a dot per character, so the typing is seen), Enter joins with it, Esc or Ctrl-C gives up. In the call screen, not
 * on the plain terminal before it: the screen stays up while it is asked for, again after a wrong one. What is typed
 * (PasswordEntry, passwordText) is pure; PasswordBox shows it and hands the answer to the call.
 */
import type { PasswordAskReason } from '../client/password-asks.js';
import { graphemes } from '../util/graphemes.js';
import type { ChatPanel } from './chat-panel.js';
import type { KeyInfo } from './line-editor.js';
import { wrapLine } from './overlays.js';
import { escapeTags } from './pane-view.js';

/** Longest password taken: more is a paste of something else. */
const MAX_PASSWORD_LENGTH = 1024;

export type PasswordKeyResult = { type: 'submit'; password: string } | { type: 'cancel' } | { type: 'leave' } | undefined;

/** What is typed into the password line, pure. */
export class PasswordEntry {
  private text = '';
  /** Submitted, and the server has not answered yet: keys are held off (key()). */
  private checkingNow = false;

  /**
   * Why it is asked for: none was given, the server refused the one typed, or the one the call joined with.
   * `lastTry`: a refusal of this one ends the call.
   */
  constructor(
    readonly why: PasswordAskReason,
    readonly lastTry = false,
  ) {}

  /** Characters typed, for the dots. */
  get length(): number {
    return graphemes(this.text).length;
  }

  get checking(): boolean {
    return this.checkingNow;
  }

  /**
   * A key: Enter submits a line with something in it (the line then waits for the server), Esc, Ctrl-C or Ctrl-D (on
   * an empty line, as a shell's EOF) give up, Backspace takes one character back, Ctrl-U clears the line, a printable
   * character is typed. `pasted`: part of a paste, whose line breaks are not Enter (a password manager's trailing
   * newline would join unseen). While the server checks the password, every key is dropped but Ctrl-C, which leaves:
   * typed on after Enter, a password went to the call keys and the chat when the box closed at once.
   */
  key(ch: string | undefined, key: KeyInfo, pasted = false): PasswordKeyResult {
    const name = key.full ?? key.name;
    if (this.checkingNow) return name === 'C-c' ? { type: 'leave' } : undefined;
    if (pasted) {
      if (ch !== undefined && !/\p{Cc}/u.test(ch)) this.type(ch);
      return undefined;
    }
    if (name === 'escape' || name === 'C-c' || (name === 'C-d' && this.text === '')) return { type: 'cancel' };
    // blessed reports Enter as 'enter' and then 'return': the twin is a control character, dropped below.
    if (name === 'enter' || name === 'linefeed') {
      if (this.text === '') return undefined;
      this.checkingNow = true;
      return { type: 'submit', password: this.text };
    }
    if (name === 'backspace') this.text = graphemes(this.text).slice(0, -1).join('');
    else if (name === 'C-u') this.text = '';
    else if (ch !== undefined && !key.ctrl && !key.meta && !/\p{Cc}/u.test(ch)) this.type(ch);
    return undefined;
  }

  private type(ch: string): void {
    if (this.text.length + ch.length <= MAX_PASSWORD_LENGTH) this.text += ch;
  }
}

/** Why the box asks again, under what it asks. */
const ASKED_AGAIN: Record<PasswordAskReason, string | undefined> = {
  needed: undefined,
  wrong: '{yellow-fg}The server refused that password: try again.{/yellow-fg}',
  changed: '{yellow-fg}The server refuses the password you joined with: it wants another now.{/yellow-fg}',
};

/** The same, in a box a few rows high. */
const ASKED_AGAIN_SHORT: Record<PasswordAskReason, string | undefined> = {
  needed: undefined,
  wrong: '{yellow-fg}Refused: try again.{/yellow-fg}',
  changed: '{yellow-fg}It wants another now.{/yellow-fg}',
};

/**
 * The password box's text (blessed tags) for a box `width` columns wide with `rows` rows inside: what is asked, the
 * dots, the keys; in a short terminal the fullest that fits, the dots line kept last to go (it is where typing shows).
 */
export function passwordText(entry: PasswordEntry, room: string, address: string, width: number, rows = Number.POSITIVE_INFINITY): string {
  const asked = wrapLine(`{bold}Room ${escapeTags(room)} at ${escapeTags(address)} needs a password.{/bold}`, width, 0);
  const last = entry.lastTry ? ' {bold}Last try.{/bold}' : '';
  const again = ASKED_AGAIN[entry.why]?.replace('{/yellow-fg}', `${last}{/yellow-fg}`);
  const againLines = again ? wrapLine(again, width, 0) : [];
  // The last dots when there are more than fit: the cursor end, where typing shows.
  const dots = '•'.repeat(Math.min(entry.length, Math.max(0, width - 3)));
  const line = entry.checking ? `› ${dots}` : `› ${dots}{inverse} {/inverse}`;
  const keys = wrapLine(entry.checking ? '{grey-fg}checking the password…{/grey-fg}' : '{grey-fg}Enter join  Esc give up{/grey-fg}', width, 0);
  const short = wrapLine(`{bold}Password for ${escapeTags(room)}:{/bold}`, width, 0);
  const againShort = ASKED_AGAIN_SHORT[entry.why]?.replace('{/yellow-fg}', `${last}{/yellow-fg}`);
  const againShortLines = againShort ? wrapLine(againShort, width, 0) : [];
  const candidates = [
    [...asked, ...againLines, '', line, '', ...keys],
    [...asked, ...againLines, line, ...keys],
    [...short, ...againShortLines, line, ...keys],
    // The news (refused, changed) over the question when only one line is left for them.
    [...(againShort ? againShortLines : short), line, ...keys],
    [line, ...keys],
  ];
  return (candidates.find((lines) => lines.length <= rows) ?? [line]).join('\n');
}

/** What the password box needs of the call screen. */
export interface PasswordBoxScreen {
  readonly chat: Pick<ChatPanel, 'typing' | 'stopTyping' | 'holdInput'>;
  /** Shows the box in front of the call (again, after a key), or takes it away. */
  show(): void;
  hide(): void;
  answer(password: string | undefined): void;
  leave(): void;
}

/**
 * The call screen's password box while the server wants a password (Call's `password-needed`): it takes every key
 * (key-router.ts), and after Enter stays, holding them off, until the server answers (the call joins, asks again, or
 * retries a lost connection: `close()`).
 */
export class PasswordBox {
  private entry: PasswordEntry | undefined;

  constructor(private readonly screen: PasswordBoxScreen) {}

  get open(): boolean {
    return this.entry !== undefined;
  }

  /** `lastTry`: a refusal of this one ends the call (the box says so). */
  ask(why: PasswordAskReason, lastTry = false): void {
    // Every key is the password's now: a chat line being typed closes, its draft kept.
    if (this.screen.chat.typing) this.screen.chat.stopTyping();
    this.entry = new PasswordEntry(why, lastTry);
    this.screen.chat.holdInput('the password box takes the keys');
    this.screen.show();
  }

  /** A key or a pasted character: Enter tries the password, Esc gives up (the call ends with the server's refusal). */
  key(ch: string | undefined, key: KeyInfo, pasted: boolean): void {
    const result = this.entry?.key(ch, key, pasted);
    if (result?.type === 'leave') return this.screen.leave();
    if (result?.type === 'cancel') {
      this.close();
      return this.screen.answer(undefined);
    }
    this.screen.show();
    if (result?.type === 'submit') this.screen.answer(result.password);
  }

  close(): void {
    if (!this.entry) return;
    this.entry = undefined;
    this.screen.chat.holdInput(undefined);
    this.screen.hide();
  }

  /** The box's text for `width` columns and `rows` rows inside the box (passwordText). */
  text(room: string, address: string, width: number, rows?: number): string {
    return this.entry ? passwordText(this.entry, room, address, width, rows) : '';
  }

  /** What the status bar adds to "● connecting…" while it shows. */
  status(): { long: string; short: string } | undefined {
    if (!this.entry) return undefined;
    return this.entry.checking ? { long: 'checking the password', short: 'checking' } : { long: 'waiting for the password', short: 'password?' };
  }
}
