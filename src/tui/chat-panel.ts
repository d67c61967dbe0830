import blessed from 'blessed';
import type { ChatEntry } from '../protocol/index.js';
import { parseLineByLine } from './chat-log-parse.js';
import { clock, dayOf, dayText } from './chat-time.js';
import { CLOCK_COLUMNS, hangFor } from './chat-wrap.js';
import { closedLineHint } from './closed-line-hint.js';
import type { Rect } from './layout.js';
import { LineEditor, MAX_CHAT_INPUT, type EditResult, type KeyInfo } from './line-editor.js';
import { escapeTags } from './pane-view.js';
import { colorsDropped } from './screen-colors.js';
import { textColumns } from './text-width.js';

/**
 * The chat: a scrollable log (1,000 lines, mouse wheel) with system notices, and the input line under it. While
 * typing, every key goes to the line editor, so no call key fires mid-sentence.
 */
export class ChatPanel {
  private readonly log: blessed.Widgets.Log;
  private readonly input: blessed.Widgets.BoxElement;
  private readonly editor: LineEditor;
  private typingNow = false;
  /** The last pasted character was a line break (the next one is the same break, or a blank line). */
  private afterPastedBreak = false;
  /** The line being typed was told it is full (sayIfFull). */
  private saidFull = false;
  /** Every line shown, as tagged source (user text escaped), oldest first. */
  private readonly lines: string[] = [];
  /** Columns before each line's text ("09:41 alice: "), for the indent of its later rows (chat-wrap.ts). */
  private readonly prefixes: number[] = [];
  /** Whether the newest line is in view; false while the user has scrolled up (keys or mouse wheel). */
  private atNewest = true;
  /** The message on the top row, kept from the last scroll: blessed's own render at the old size may re-wrap first. */
  private topMessage = 0;
  /** Which of that message's rows is the top row: a line arriving while you read back leaves the view row for row. */
  private topRowInMessage = 0;
  /** Lines added while scrolled up: the marker at the chat's foot counts them (weechat's -MORE(n)-). */
  private unread = 0;
  /** On the chat's bottom border while scrolled up: "▼ 3 new — End". */
  private readonly more: blessed.Widgets.BoxElement;
  private visible = true;
  /** The closed line's text while something else takes the keys (holdInput). */
  private held: string | undefined;
  private rect: Rect | undefined;
  /** NO_COLOR: a line that names you is told by bold instead of colour. */
  private readonly noColor: boolean;
  /** The day of the last line shown (chat-time.ts): a line of a later day gets the day's line above it. */
  private shownDay = dayOf(Date.now());

  /** @param names the others in the call, for Tab to complete to. */
  constructor(screen: blessed.Widgets.Screen, names: () => readonly string[] = () => []) {
    this.editor = new LineEditor(names);
    this.noColor = colorsDropped(screen);
    this.log = blessed.log({
      parent: screen, label: ' chat ', border: { type: 'line' }, tags: true, scrollable: true, alwaysScroll: true,
      mouse: true, keys: false, style: { border: { fg: 'grey' } },
    });
    parseLineByLine(this.log, (line, width) => hangFor(this.prefixes[line] ?? CLOCK_COLUMNS, width));
    // Every scroll (PageUp/PageDown, the wheel, a new line) comes through here. blessed's Log keeps a similar flag,
    // but `scrollable: true` replaces its scroll() with the plain one that never sets it.
    this.log.on('scroll', () => {
      const log = this.log as unknown as LogScrollState;
      this.atNewest = this.showsNewest();
      this.topMessage = log._clines?.rtof[log.childBase] ?? 0;
      this.topRowInMessage = log.childBase - (log._clines?.ftor[this.topMessage]?.[0] ?? log.childBase);
      if (this.atNewest) this.unread = 0;
    });
    this.more = blessed.box({ parent: screen, height: 1, width: 1, tags: true, hidden: true, style: { bg: 'default' } });
    // Just before the log draws, which is after any change to what shows: scrolling, a new line, typing starting (End
    // then moves in the chat line instead).
    this.log.on('prerender', () => this.showMore());
    this.input = blessed.box({ parent: screen, height: 1, tags: true, wrap: false, clickable: true } as blessed.Widgets.BoxOptions);
    this.showInput();
  }

  /** Calls `listener` when the input line is clicked ("› press c or Enter to chat" invites it). */
  onInputClick(listener: () => void): void {
    this.input.on('click', listener);
  }

  get typing(): boolean {
    return this.typingNow;
  }

  /**
   * What is typed on the chat line and not sent yet ('' when nothing), with the line open or closed by Esc, which
   * keeps it: leaving with it still there prints it, whichever key leaves.
   */
  get unsent(): string {
    // A sent line brought back by ↑ and left as it was is not unsent (Ctrl-C with it in the line).
    return this.editor.recalledAsSent ? '' : this.editor.value.trim();
  }

  /** The chat line's cursor is at its end: End there goes to the newest chat line, as with the line closed. */
  get cursorAtEnd(): boolean {
    return this.editor.atEnd;
  }

  place(rect: Rect): void {
    const resized = this.log.width !== rect.width || this.log.height !== rect.height - 1;
    this.log.left = rect.x;
    this.log.top = rect.y;
    this.log.width = rect.width;
    this.log.height = rect.height - 1;
    this.input.left = rect.x + 1;
    this.input.top = rect.y + rect.height - 1;
    this.input.width = rect.width - 2;
    this.rect = rect;
    if (resized) this.keepPlace();
    this.showInput();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    for (const element of [this.log, this.input]) {
      if (visible) element.show();
      else element.hide();
    }
    this.showMore();
  }

  /** A line from the program itself (joins, notices), tags allowed. */
  system(text: string, ts = Date.now()): void {
    this.dated(ts);
    this.append(`{grey-fg}${clock(ts)}{/grey-fg} ${text}`);
  }

  /**
   * A chat message. `own`: one you sent, which brings the view back to the newest line as irssi and Slack do.
   * `mention`: it names you (mentions.ts), and stands out: yellow, or bold under NO_COLOR.
   */
  message(from: string, text: string, ts: number, options: { own?: boolean; mention?: boolean } = {}): void {
    const name = escapeTags(from);
    const said = escapeTags(text);
    const body = !options.mention
      ? `{bold}${name}{/bold}: ${said}`
      : this.noColor ? `{bold}${name}: ${said}{/bold}` : `{yellow-fg}{bold}${name}{/bold}: ${said}{/yellow-fg}`;
    this.dated(ts);
    this.append(`{grey-fg}${clock(ts)}{/grey-fg} ${body}`, CLOCK_COLUMNS + textColumns(`${from}: `));
    if (options.own) this.scrollToNewest();
  }

  /**
   * The room's recent chat from the first WELCOME: what was said before we came, under a divider, each day other
   * than today under its date (the call screen says "joined as" after it). After a rejoin the call passes on what was
   * missed as chat events.
   */
  history(entries: readonly ChatEntry[], mention: (entry: ChatEntry) => boolean = () => false): void {
    if (entries.length === 0) return;
    this.append(`{grey-fg}${DIVIDER}{/grey-fg}`, 0);
    // Older than the lines above it: each day's first line is dated, today's too when the history reaches back before
    // it (the time alone would read as today's).
    this.shownDay = dayOf(Date.now());
    for (const entry of entries) {
      const day = dayOf(entry.ts);
      if (day !== this.shownDay) this.append(`{grey-fg}— ${dayText(entry.ts)} —{/grey-fg}`, 0);
      this.shownDay = day;
      this.message(entry.from, entry.text, entry.ts, { mention: mention(entry) });
    }
  }

  /**
   * A line of a later day than the last one shown gets the day's line above it: a call over midnight, or the first
   * line after a history of other days. Never for an earlier day: your own lines are stamped by your clock, the
   * others' by the server's, and a second's difference at midnight would date every other line.
   */
  private dated(ts: number): void {
    const day = dayOf(ts);
    if (day <= this.shownDay) return;
    this.shownDay = day;
    this.append(`{grey-fg}— ${dayText(ts)} —{/grey-fg}`, 0);
  }

  /**
   * Adds a line and sets the whole log from our own tagged lines. Not blessed's log(): it re-sets the content from
   * lines it already parsed, where an escaped `{red-fg}` in someone's name or message has become plain text that the
   * next parse turns into a tag: anyone could restyle everyone's chat.
   */
  private append(line: string, prefix = CLOCK_COLUMNS): void {
    // One line each: a line break inside one (a folder's name in a notice, a foreign server's refusal) made two, and
    // every later line's indent belonged to the one before it.
    this.lines.push(line.replace(/[\r\n]+/g, ' '));
    this.prefixes.push(prefix);
    const dropped = Math.max(0, this.lines.length - SCROLLBACK_LINES);
    if (dropped > 0) {
      this.lines.splice(0, dropped);
      this.prefixes.splice(0, dropped);
    }
    // blessed's Log scrolls to the newest line, on the next tick, when its content is set, unless told the user
    // scrolled: scrolled up to read, a new line must not pull the view away from what is being read.
    const log = this.log as unknown as LogScrollState;
    log._userScrolled = !this.atNewest;
    if (!this.atNewest) this.unread += 1;
    this.log.setContent(this.lines.join('\n'));
    if (log._userScrolled) {
      // The top message scrolled away for good: the oldest row left is the top one.
      if (this.topMessage < dropped) this.topRowInMessage = 0;
      this.topMessage = Math.max(0, this.topMessage - dropped);
      this.keepPlace();
    }
  }

  scroll(lines: number): void {
    this.log.scroll(lines);
  }

  /** Back to the newest line (End). */
  scrollToNewest(): void {
    // Past the end: blessed stops at the last row and says so ('scroll'), which clears the count of new lines.
    this.log.scroll(Math.max(1, (this.log as unknown as LogScrollState)._clines?.length ?? 1));
  }

  /**
   * Rows PgUp/PgDn move: the rows in view less one, which stays in view as the overlap (as less, irssi and weechat
   * page). A fixed 5 skipped lines unseen in the 3 rows of an 80×24 chat and crawled through a tall one.
   */
  get pageRows(): number {
    return Math.max(1, this.visibleRows() - 1);
  }

  startTyping(): void {
    this.typingNow = true;
    this.afterPastedBreak = false;
    this.showInput();
  }

  /** Closes the chat line as Esc does, keeping what is typed (a terminal too small to show it). */
  stopTyping(): void {
    this.typingNow = false;
    this.showInput();
  }

  /**
   * A character of pasted text (bracketed paste): into the line as typed, line breaks as one space (a chat message
   * is one line; blessed reports a CR both as 'return' and as 'enter', and CR LF is two characters).
   */
  pasted(ch: string | undefined): void {
    const lineBreak = ch === '\r' || ch === '\n';
    if (lineBreak && this.afterPastedBreak) return;
    this.afterPastedBreak = lineBreak;
    this.sayIfFull(this.editor.handle(lineBreak ? ' ' : ch, {}));
    this.showInput();
  }

  /**
   * Once per filling of the line: text was left out of it (a paste longer than the line holds), not silently. Said
   * again once the line has had room (Ctrl-U, Backspace) and fills again: that paste lost text too.
   */
  private sayIfFull(result: EditResult): void {
    if (this.saidFull && !this.editor.isFull) this.saidFull = false;
    if (result.type !== 'edit' || !result.full || this.saidFull) return;
    this.saidFull = true;
    this.system(`{yellow-fg}the chat line holds ${MAX_CHAT_INPUT.toLocaleString('en')} characters: the rest of what you pasted was left out{/yellow-fg}`);
  }

  /**
   * A key while typing. Returns the text to send when Enter submitted a non-empty line. The line stays open after a
   * send, as in irssi or Slack: closed, the letters of the next message ran as call keys (its q left the call). Esc,
   * or Enter on an empty line, closes it.
   */
  typingKey(ch: string | undefined, key: KeyInfo): string | undefined {
    // Text typed (or pasted without bracketed paste, between its line breaks) ends a run of pasted breaks.
    this.afterPastedBreak = false;
    const result = this.editor.handle(ch, key);
    this.sayIfFull(result);
    let sent: string | undefined;
    if (result.type === 'submit') {
      this.saidFull = false;
      sent = result.text.trim() || undefined;
      if (sent === undefined) this.typingNow = false;
    }
    if (result.type === 'cancel') this.typingNow = false;
    this.showInput();
    return sent;
  }

  /**
   * After a resize the lines wrap anew, but blessed keeps the old scroll offset (counted in wrapped lines) until the
   * next message: the panel showed old lines, or the newest ones over empty rows. Re-wrap now and scroll: to the
   * newest line, or, when the user had scrolled up, to the row they had at the top (the same row of the same message,
   * or its last row when it wraps to fewer now), never past the last line. Also after a line arrives while scrolled
   * up: the rows above stay as they were, so the view does not move at all.
   */
  private keepPlace(): void {
    const log = this.log as unknown as LogScrollState;
    log.parseContent();
    const wrapped = log._clines;
    if (!wrapped) return; // not on a screen (yet)
    const rows = this.visibleRows();
    const lastTop = Math.max(0, wrapped.length - rows);
    const ofTop = wrapped.ftor[this.topMessage] ?? [0];
    const anchored = ofTop[Math.min(this.topRowInMessage, ofTop.length - 1)] ?? 0;
    const top = this.atNewest ? lastTop : Math.min(anchored, lastTop);
    // Set directly, not through scroll(): that would move lines with a scroll region at the panel's old place. The
    // 'scroll' event then does what scroll() would: the label follows childBase (else the border's " chat " went),
    // and whether the newest line shows and the count of new lines are worked out for the new rows.
    log.childBase = top;
    log.childOffset = rows - 1;
    this.log.emit('scroll');
  }

  /** Rows of chat in view: the log's height inside its border. */
  private visibleRows(): number {
    return Math.max(1, (this.log.height as number) - (this.log.iheight as number));
  }

  private showsNewest(): boolean {
    const log = this.log as unknown as LogScrollState;
    const rows = (this.log.height as number) - (this.log.iheight as number);
    return log.childBase >= (log._clines?.length ?? 0) - rows;
  }

  /**
   * The marker at the chat's foot while the newest line is out of view: how many lines came since (or that there is
   * more below) and the key that goes there. Without it a reply arrived unseen while you read back.
   */
  private showMore(): void {
    const rect = this.rect;
    if (!this.visible || this.atNewest || !rect) {
      this.more.hide();
      return;
    }
    const what = this.unread > 0 ? `${this.unread} new` : 'more';
    // While typing, End first goes to the end of the chat line; from there, to the newest chat line.
    const text = ` ▼ ${what}${this.typingNow && !this.editor.atEnd ? '' : ' — End'} `;
    const width = Math.min(text.length, Math.max(1, rect.width - 4));
    this.more.setContent(`{yellow-fg}{bold}${text}{/bold}{/yellow-fg}`);
    this.more.width = width;
    this.more.left = rect.x + rect.width - 2 - width;
    // The log's bottom border: the row above the input line.
    this.more.top = rect.y + rect.height - 2;
    this.more.show();
  }

  /**
   * What the closed line says instead of how to open it, while something else takes the keys (the password box);
   * undefined gives the line back.
   */
  holdInput(text: string | undefined): void {
    this.held = text;
    this.showInput();
  }

  private showInput(): void {
    if (!this.typingNow && this.held !== undefined) {
      this.input.style.bg = 'default';
      this.input.style.fg = 'default';
      this.input.setContent(`{grey-fg}› ${escapeTags(this.held)}{/grey-fg}`);
      return;
    }
    if (!this.typingNow) {
      // The terminal's own background, as the log above has: never a grey hint on a black of ours (with 8-colour
      // terminfo blessed drew that grey as black, an invisible hint).
      this.input.style.bg = 'default';
      this.input.style.fg = 'default';
      this.input.setContent(`{grey-fg}${escapeTags(closedLineHint(this.unsent, this.input.width as number))}{/grey-fg}`);
      return;
    }
    const width = Math.max(1, (this.input.width as number) - 3);
    const view = this.editor.markedView(width);
    const before = escapeTags(view.before);
    const at = escapeTags(view.at);
    const after = escapeTags(view.after);
    this.input.style.bg = 'white';
    this.input.style.fg = 'black';
    this.input.setContent(`{black-fg}› ${before}{inverse}${at}{/inverse}${after}{/black-fg}`);
  }
}

/**
 * The parts of blessed's Log (log.js, scrollablebox.js) that decide which wrapped lines show; blessed does not type
 * them. `childBase` is the first wrapped line shown; `_clines` are the wrapped lines, with `rtof` (wrapped line →
 * message) and `ftor` (message → its wrapped lines).
 */
interface LogScrollState {
  /** Log: when set, setting the content does not scroll to the newest line. */
  _userScrolled: boolean;
  childBase: number;
  childOffset: number;
  _clines: { length: number; rtof: number[]; ftor: number[][] } | undefined;
  parseContent(): boolean;
}

/** Between the join notices and the history of the room. */
const DIVIDER = '— earlier messages —';

/** Lines the chat keeps (the rest scroll away for good). */
const SCROLLBACK_LINES = 1000;
