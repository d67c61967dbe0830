import blessed from 'blessed';
import type { Rect } from './layout.js';
import { LineEditor, type KeyInfo } from './line-editor.js';
import { escapeTags } from './pane-view.js';

/**
 * The chat: a scrollable log (1,000 lines, mouse wheel) with system notices, and the input line under it. While
 * typing, every key goes to the line editor, so no call key fires mid-sentence.
 */
export class ChatPanel {
  private readonly log: blessed.Widgets.Log;
  private readonly input: blessed.Widgets.BoxElement;
  private readonly editor = new LineEditor();
  private typingNow = false;

  constructor(screen: blessed.Widgets.Screen) {
    this.log = blessed.log({
      parent: screen, label: ' chat ', border: { type: 'line' }, tags: true, scrollable: true, alwaysScroll: true,
      scrollback: 1000, mouse: true, keys: false, style: { border: { fg: 'grey' } },
    });
    this.input = blessed.box({ parent: screen, height: 1, tags: true, wrap: false } as blessed.Widgets.BoxOptions);
    this.showInput();
  }

  get typing(): boolean {
    return this.typingNow;
  }

  place(rect: Rect): void {
    this.log.left = rect.x;
    this.log.top = rect.y;
    this.log.width = rect.width;
    this.log.height = rect.height - 1;
    this.input.left = rect.x + 1;
    this.input.top = rect.y + rect.height - 1;
    this.input.width = rect.width - 2;
    this.showInput();
  }

  /** A line from the program itself (joins, notices), tags allowed. */
  system(text: string, ts = Date.now()): void {
    this.log.log(`{grey-fg}${clock(ts)}{/grey-fg} ${text}`);
  }

  message(from: string, text: string, ts: number): void {
    this.log.log(`{grey-fg}${clock(ts)}{/grey-fg} {bold}${escapeTags(from)}{/bold}: ${escapeTags(text)}`);
  }

  scroll(lines: number): void {
    this.log.scroll(lines);
  }

  startTyping(): void {
    this.typingNow = true;
    this.showInput();
  }

  /** A key while typing. Returns the text to send when Enter submitted a non-empty line. */
  typingKey(ch: string | undefined, key: KeyInfo): string | undefined {
    const result = this.editor.handle(ch, key);
    let sent: string | undefined;
    if (result.type === 'submit' || result.type === 'cancel') {
      this.typingNow = false;
      if (result.type === 'submit' && result.text.trim()) sent = result.text.trim();
    }
    this.showInput();
    return sent;
  }

  private showInput(): void {
    if (!this.typingNow) {
      this.input.style.bg = 'black';
      this.input.setContent('{grey-fg}› press c or Enter to chat{/grey-fg}');
      return;
    }
    const width = Math.max(1, (this.input.width as number) - 3);
    const { text, cursor } = this.editor.view(width);
    const before = escapeTags(text.slice(0, cursor));
    const at = escapeTags(text.slice(cursor, cursor + 1) || ' ');
    const after = escapeTags(text.slice(cursor + 1));
    this.input.style.bg = 'white';
    this.input.style.fg = 'black';
    this.input.setContent(`{black-fg}› ${before}{inverse}${at}{/inverse}${after}{/black-fg}`);
  }
}

function clock(ts: number): string {
  const d = new Date(ts);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
