import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { CallKeys, type CallKeyScreen } from '../../src/tui/call-keys.js';
import { ChatPanel } from '../../src/tui/chat-panel.js';
import { clock, dayText } from '../../src/tui/chat-time.js';
import type { Rect } from '../../src/tui/layout.js';
import { dropColors } from '../../src/tui/screen-colors.js';
import { teachBlessedWideCharacters } from '../../src/tui/wide-chars.js';

const screens: blessed.Widgets.Screen[] = [];
afterEach(() => {
  for (const s of screens.splice(0)) s.destroy();
});

/** A chat panel on a blessed screen of `cols`×`rows` that draws into memory (the tmux tests use a real terminal). */
function panelOn(cols: number, rows: number, rect: Rect, options: { noColor?: boolean } = {}) {
  teachBlessedWideCharacters();
  const output = Object.assign(new PassThrough(), { columns: cols, rows, isTTY: true });
  output.resume();
  const screen = blessed.screen({ input: new PassThrough() as never, output: output as never, fullUnicode: true, warnings: false, smartCSR: false });
  screens.push(screen);
  if (options.noColor) dropColors(screen);
  const chat = new ChatPanel(screen);
  chat.place(rect);
  return { screen, chat, rect };
}

/** Lets blessed's Log scroll to the newest line (it does so on the next turn), then draws. */
async function drawn(screen: blessed.Widgets.Screen): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  screen.render();
}

/** The chat's rows as drawn: the cells inside its border, right-trimmed. */
function chatRows(screen: blessed.Widgets.Screen, rect: Rect): string[] {
  const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  const rows: string[] = [];
  // Inside the border: one row down from the top, up to the row above the bottom border (the input line is below it).
  for (let y = rect.y + 1; y < rect.y + rect.height - 2; y++) {
    // A wide character's second cell holds blessed's placeholder.
    rows.push(lines[y]!.slice(rect.x + 1, rect.x + rect.width - 1).map((cell) => cell[1]).join('').replace(/\x03/g, '').trimEnd());
  }
  return rows;
}

/** How the cells of the chat row showing `text` are drawn: foreground colour (blessed's number; 0x1ff the default) and bold. */
function looksOf(screen: blessed.Widgets.Screen, rect: Rect, text: string): { fg: Set<number>; bold: Set<boolean> } {
  const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  const y = rect.y + 1 + chatRows(screen, rect).findIndex((row) => row.includes(text));
  const cells = lines[y]!.slice(rect.x + 1, rect.x + rect.width - 1);
  const start = cells.map((cell) => cell[1]).join('').indexOf(text);
  const drawn = cells.slice(start, start + text.length);
  return { fg: new Set(drawn.map(([attr]) => (attr >> 9) & 0x1ff)), bold: new Set(drawn.map(([attr]) => ((attr >> 18) & 1) === 1)) };
}

/** The row of the chat's bottom border, as drawn. */
function footRow(screen: blessed.Widgets.Screen, rect: Rect): string {
  const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  return lines[rect.y + rect.height - 2]!.slice(rect.x, rect.x + rect.width).map((cell) => cell[1]).join('');
}

/** The row of the chat's top border, as drawn (its title " chat " is on it). */
function topRow(screen: blessed.Widgets.Screen, rect: Rect): string {
  const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  return lines[rect.y]!.slice(rect.x, rect.x + rect.width).map((cell) => cell[1]).join('');
}

/** The chat line's row under the chat, as drawn, right-trimmed. */
function inputRow(screen: blessed.Widgets.Screen, rect: Rect): string {
  const lines = (screen as unknown as { lines: Array<Array<[number, string]>> }).lines;
  return lines[rect.y + rect.height - 1]!.slice(rect.x, rect.x + rect.width).map((cell) => cell[1]).join('').trimEnd();
}

/** Types `text` into the open chat line a key at a time. */
function typeInto(chat: ChatPanel, text: string): void {
  for (const ch of text) chat.typingKey(ch, { name: ch, full: ch });
}

/** The call keys with just the chat behind them. */
function keysFor(chat: ChatPanel): CallKeys {
  return new CallKeys({ chat, renderSoon: () => {} } as unknown as CallKeyScreen);
}

describe('the chat panel', () => {
  it('keeps a notice with a line break in it on one line: the lines after it keep their own indent', async () => {
    const { screen, chat, rect } = panelOn(60, 12, { x: 0, y: 0, width: 60, height: 10 });
    chat.system('recording the others into /tmp/a\nb', Date.UTC(2026, 0, 1, 9, 41));
    chat.message('alice', 'a reply long enough to wrap onto a second row of this narrow chat', Date.UTC(2026, 0, 1, 9, 42));
    await drawn(screen);
    const rows = chatRows(screen, rect).filter((row) => row !== '');
    expect(rows[0]).toMatch(/recording the others into \/tmp\/a b$/);
    // The reply's second row hangs under its text (after "09:42 alice: "), not under the notice's.
    expect(rows[2]).toMatch(/^ {13}\S/);
  });

  it('PgUp / PgDn page by the rows in view less one: the top row before is the bottom row after', async () => {
    // 80×24: the chat below the panes shows 3 rows; 120×36: the chat at the right shows 31 (src/tui/layout.ts).
    for (const [cols, rows, rect] of [[80, 24, { x: 0, y: 16, width: 80, height: 6 }], [120, 36, { x: 87, y: 0, width: 33, height: 34 }]] as const) {
      const { screen, chat } = panelOn(cols, rows, rect);
      for (let i = 1; i <= 80; i++) chat.system(`line ${i}`, 0);
      await drawn(screen);
      const before = chatRows(screen, rect);
      expect(before.at(-1)).toContain('line 80');
      keysFor(chat).handle('pageup');
      await drawn(screen);
      const after = chatRows(screen, rect);
      expect(after.at(-1)).toBe(before[0]);
      keysFor(chat).handle('pagedown');
      await drawn(screen);
      expect(chatRows(screen, rect)).toEqual(before);
    }
  });

  it('scrolled up, counts the lines that came since at its foot; End goes back to the newest, as does a line you send', async () => {
    const rect = { x: 0, y: 16, width: 80, height: 6 };
    const { screen, chat } = panelOn(80, 24, rect);
    const keys = keysFor(chat);
    for (let i = 1; i <= 20; i++) chat.system(`line ${i}`, 0);
    await drawn(screen);
    expect(footRow(screen, rect)).toMatch(/^└─+┘$/);
    keys.handle('pageup');
    await drawn(screen);
    // Scrolled up, nothing new yet: there is more below.
    expect(footRow(screen, rect)).toMatch(/─ ▼ more — End ─┘$/);
    chat.message('bob', 'one', 0);
    chat.message('bob', 'two', 0);
    await drawn(screen);
    const reading = chatRows(screen, rect);
    expect(reading.join(' ')).not.toContain('bob');
    expect(footRow(screen, rect)).toMatch(/─ ▼ 2 new — End ─┘$/);
    keys.handle('end');
    await drawn(screen);
    expect(chatRows(screen, rect).at(-1)).toBe('00:00 bob: two');
    expect(footRow(screen, rect)).toMatch(/^└─+┘$/);
    // Scrolled up again, your own line brings you back to it.
    keys.handle('pageup');
    chat.message('bob', 'three', 0);
    await drawn(screen);
    expect(footRow(screen, rect)).toContain('▼ 1 new');
    chat.message('me', 'mine', 0, { own: true });
    await drawn(screen);
    expect(chatRows(screen, rect).slice(-2)).toEqual(['00:00 bob: three', '00:00 me: mine']);
    expect(footRow(screen, rect)).toMatch(/^└─+┘$/);
  });

  it('reading back mid-message, a line that arrives leaves the view row for row, its title and its count right', async () => {
    const rect = { x: 0, y: 16, width: 80, height: 6 };
    const { screen, chat } = panelOn(80, 24, rect);
    const keys = keysFor(chat);
    for (let i = 1; i <= 5; i++) chat.system(`line ${i}`, 0);
    chat.message('bob', Array.from({ length: 80 }, (_, i) => `word${i}`).join(' '), 0);
    chat.message('bob', 'short after', 0);
    await drawn(screen);
    keys.handle('end');
    keys.handle('pageup');
    await drawn(screen);
    const reading = chatRows(screen, rect);
    // The top row is inside the long message, not its first row.
    expect(reading[0]).toMatch(/^ +word/);
    chat.message('bob', 'incoming', 0);
    await drawn(screen);
    expect(chatRows(screen, rect)).toEqual(reading);
    expect(topRow(screen, rect)).toContain(' chat ');
    expect(footRow(screen, rect)).toContain('▼ 1 new — End');
    keys.handle('end');
    await drawn(screen);
    expect(chatRows(screen, rect).at(-1)).toBe('00:00 bob: incoming');
    expect(topRow(screen, rect)).toContain(' chat ');
  });

  it('after a resize while scrolled up: the marker and the next line follow what shows at the new size', async () => {
    const rect = { x: 0, y: 16, width: 80, height: 6 };
    const { screen, chat } = panelOn(120, 40, rect);
    const keys = keysFor(chat);
    for (let i = 1; i <= 12; i++) chat.system(`line ${i}`, 0);
    await drawn(screen);
    keys.handle('pageup');
    chat.message('bob', 'R1', 0);
    await drawn(screen);
    expect(footRow(screen, rect)).toContain('▼ 1 new — End');
    // Taller: the newest line, R1, is in view now.
    const tall = { x: 0, y: 0, width: 80, height: 22 };
    chat.place(tall);
    await drawn(screen);
    expect(chatRows(screen, tall).filter((row) => row !== '').at(-1)).toBe('00:00 bob: R1');
    expect(footRow(screen, tall)).not.toContain('▼');
    expect(topRow(screen, tall)).toContain(' chat ');
    chat.message('bob', 'R2', 0);
    await drawn(screen);
    expect(chatRows(screen, tall).filter((row) => row !== '').at(-1)).toBe('00:00 bob: R2');
  });

  it('a draft kept by Esc shows in the closed line\'s hint, in a short form where the chat is narrow (120×36: 31 columns)', async () => {
    const narrow = { x: 87, y: 0, width: 33, height: 34 };
    const { screen, chat } = panelOn(120, 36, narrow);
    chat.startTyping();
    typeInto(chat, 'draft of mine that is long');
    chat.typingKey('\x1b', { name: 'escape', full: 'escape' });
    await drawn(screen);
    expect(inputRow(screen, narrow)).toBe(' › c: unsent: draft of mine tha…');
    const wide = { x: 0, y: 16, width: 80, height: 6 };
    const other = panelOn(80, 24, wide);
    other.chat.startTyping();
    typeInto(other.chat, 'draft');
    other.chat.typingKey('\x1b', { name: 'escape', full: 'escape' });
    await drawn(other.screen);
    expect(inputRow(other.screen, wide)).toBe(' › c: back to your unsent line: draft');
  });

  it('the open chat line marks with … where a line longer than it goes on, at either end', async () => {
    const rect = { x: 0, y: 16, width: 80, height: 6 };
    const { screen, chat } = panelOn(80, 24, rect);
    chat.startTyping();
    const words = Array.from({ length: 20 }, (_, i) => `word${i}`).join(' ');
    typeInto(chat, words);
    await drawn(screen);
    // Its start scrolled out of view: the row began with "rd7", a line that seemed to start there.
    expect(inputRow(screen, rect)).toMatch(/^ › …\S.* word19$/);
    chat.typingKey('\x01', { name: 'a', ctrl: true, full: 'C-a' });
    await drawn(screen);
    expect(inputRow(screen, rect)).toMatch(/^ › word0 word1 .*…$/);
    expect(inputRow(screen, rect).length).toBeLessThanOrEqual(80);
  });

  it('wraps by the cells characters take: 20 letters with a combining accent fill 20 of the 31 columns, one row', async () => {
    const rect = { x: 87, y: 0, width: 33, height: 34 };
    const { screen, chat } = panelOn(120, 36, rect);
    const accents = 'e\u0301'.repeat(20);
    chat.message('bob', accents, 0);
    chat.message('bob', `${'e\u0301'.repeat(10)} ${'北京'.repeat(5)}`, 0);
    await drawn(screen);
    const rows = chatRows(screen, rect).filter((row) => row !== '');
    expect(rows).toEqual([`00:00 bob: ${accents}`, `00:00 bob: ${'e\u0301'.repeat(10)}`, `      ${'北京'.repeat(5)}`]);
  });

  it('indents the later rows of a line, so only a real message starts at column 0: a message cannot pass for another', async () => {
    const rect = { x: 87, y: 0, width: 33, height: 34 };
    const { screen, chat } = panelOn(120, 36, rect);
    chat.message('bob', `hi${' '.repeat(18)}01:47 carol: pls share the password`, 0);
    chat.system('a notice long enough to take more than the one row', 0);
    await drawn(screen);
    const rows = chatRows(screen, rect).filter((row) => row !== '');
    expect(rows).toEqual([
      '00:00 bob: hi',
      '      01:47 carol: pls share',
      '      the password',
      '00:00 a notice long enough to',
      '      take more than the one',
      '      row',
    ]);
  });

  it('on a wider panel, indents them under the text, after the name', async () => {
    const rect = { x: 0, y: 16, width: 80, height: 6 };
    const { screen, chat } = panelOn(80, 24, rect);
    chat.message('bob', `${'word '.repeat(16)}end`, 0);
    await drawn(screen);
    expect(chatRows(screen, rect).filter((row) => row !== '')).toEqual([`00:00 bob: ${'word '.repeat(12)}word`, '           word word word end']);
  });

  it('shows a message that names you in yellow, or in bold under NO_COLOR; others as they are', async () => {
    const YELLOW = 3;
    const rect = { x: 0, y: 16, width: 80, height: 6 };
    const { screen, chat } = panelOn(80, 24, rect);
    chat.message('bob', 'that was pure malice', 0);
    chat.message('bob', 'over to you alice', 0, { mention: true });
    await drawn(screen);
    expect(looksOf(screen, rect, 'over to you alice').fg).toEqual(new Set([YELLOW]));
    expect(looksOf(screen, rect, 'that was pure malice').fg).not.toContain(YELLOW);
    const plain = panelOn(80, 24, rect, { noColor: true });
    plain.chat.message('bob', 'that was pure malice', 0);
    plain.chat.message('bob', 'over to you alice', 0, { mention: true });
    await drawn(plain.screen);
    expect(looksOf(plain.screen, rect, 'over to you alice').bold).toEqual(new Set([true]));
    expect(looksOf(plain.screen, rect, 'that was pure malice').bold).toEqual(new Set([false]));
  });

  it("shows the room's history under a divider, each other day under its date, and today's date after it", async () => {
    const rect = { x: 0, y: 0, width: 100, height: 30 };
    const { screen, chat } = panelOn(100, 30, rect);
    const now = Date.now();
    const yesterday = now - 24 * 3600_000;
    const entry = (text: string, ts: number) => ({ fromId: 2, from: 'bob', text, ts });
    chat.history([entry('from yesterday', yesterday), entry('and today', now)]);
    chat.system('joined as me', now);
    await drawn(screen);
    expect(chatRows(screen, rect).filter((row) => row !== '')).toEqual([
      '— earlier messages —',
      `— ${dayText(yesterday)} —`,
      `${clock(yesterday)} bob: from yesterday`,
      `— ${dayText(now)} —`,
      `${clock(now)} bob: and today`,
      `${clock(now)} joined as me`,
    ]);
  });

  it("dates no line of today's history, and a live line only when its day is later than the last one's", async () => {
    const rect = { x: 0, y: 0, width: 100, height: 30 };
    const { screen, chat } = panelOn(100, 30, rect);
    const now = Date.now();
    chat.history([{ fromId: 2, from: 'bob', text: 'earlier today', ts: now }]);
    chat.system('joined as me', now);
    // A server clock a little behind yours at midnight: no day line for it.
    chat.message('bob', 'a second behind', now - 24 * 3600_000);
    chat.message('bob', 'after midnight', now + 24 * 3600_000);
    await drawn(screen);
    expect(chatRows(screen, rect).filter((row) => row !== '').map((row) => row.replace(/^\d\d:\d\d /, ''))).toEqual([
      '— earlier messages —',
      'bob: earlier today',
      'joined as me',
      'bob: a second behind',
      `— ${dayText(now + 24 * 3600_000)} —`,
      'bob: after midnight',
    ]);
  });
});
