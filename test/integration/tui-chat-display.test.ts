import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace } from '../helpers/cli-process.js';
import { cellsOf, chatRows, useCallScreens, openChat } from '../helpers/call-screen.js';
import type { TmuxSession } from '../helpers/tmux.js';

/** How the call screen shows the chat, in a real terminal: paging, wrapping, mentions, history. */

const workspace = useCliWorkspace('lc-tui-chat-');
const { joinHeadless } = workspace;
const { tui, quit } = useCallScreens(workspace);

/** A call screen for `name` in the room at `port`: no camera, no microphone, no speaker. */
function callScreen(port: number, name: string, size: { width: number; height: number }, env: Record<string, string> = {}): TmuxSession {
  return tui(['connect', `127.0.0.1:${port}`, '--name', name, '--video', 'none', '--audio', 'none', '--speaker', 'none'], size, env);
}

describe('the chat on the call screen (tmux)', () => {
  it('PgUp / PgDn move a page of the rows in view less one (80×24: 2 of 3; 120×36: 30 of 31), never skipping a line', async () => {
    const port = (await workspace.serve()).port;
    const bot = await joinHeadless(port, 'bot');
    const me = callScreen(port, 'me', { width: 80, height: 24 });
    await me.waitForText('joined as me');
    // 60 lines at the client's chat pace (20 at once, then 5 a second): 8 s.
    for (let i = 1; i <= 60; i++) bot.write(`line ${i}\n`);
    const newest = (s: string): boolean => chatRows(s).at(-1)?.endsWith('bot: line 60') === true;
    for (const [width, height, rows] of [[80, 24, 3], [120, 36, 31]] as const) {
      me.resize(width, height);
      const before = chatRows(await me.waitFor((s) => chatRows(s).length === rows && newest(s), `the newest line at ${width}×${height}`, 20_000));
      me.keys('PageUp');
      // The row that was at the top is now the bottom one: a page less one row, nothing in between unseen.
      await me.waitFor((s) => chatRows(s).at(-1) === before[0], `PgUp at ${width}×${height}`, 5_000);
      me.keys('PageDown');
      await me.waitFor(newest, `PgDn back at ${width}×${height}`, 5_000);
    }
    await quit(me);
  }, 60_000);

  it('scrolled up: "▼ N new — End" at the chat\'s foot counts what came since; End goes back to it; so does a line you send', async () => {
    const port = (await workspace.serve()).port;
    const bot = await joinHeadless(port, 'bot');
    const me = callScreen(port, 'me', { width: 80, height: 24 });
    await me.waitForText('joined as me');
    for (let i = 1; i <= 10; i++) bot.write(`line ${i}\n`);
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('bot: line 10') === true, 'the newest line');
    me.keys('PageUp');
    await me.waitForText('▼ more — End');
    bot.write('first reply\n');
    bot.write('second reply\n');
    const reading = await me.waitForText('▼ 2 new — End');
    expect(chatRows(reading).join(' ')).not.toContain('reply');
    me.keys('End');
    // (Both in one wait: tmux may show the rows of a redraw before the border row under them.)
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('bot: second reply') === true && !s.includes('▼'), 'End: the newest line, no marker', 5_000);
    // Scrolled up again, the line you send brings you back to it.
    me.keys('PageUp');
    await me.waitForText('▼ more — End');
    await openChat(me);
    me.type('my answer');
    me.keys('Enter');
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('me: my answer') === true && !s.includes('▼'), 'your own line at the bottom, no marker', 5_000);
    me.keys('Escape'); // the chat line stays open after a line is sent
    await quit(me);
  }, 60_000);

  it('reading back mid-message at 80×24, a line that arrives leaves the view as it was, the title on the border, counted at the foot', async () => {
    const port = (await workspace.serve()).port;
    const bob = await joinHeadless(port, 'bob');
    const me = callScreen(port, 'me', { width: 80, height: 24 });
    await me.waitForText('joined as me');
    bob.write(`${Array.from({ length: 80 }, (_, i) => `word${i}`).join(' ')}\n`);
    bob.write('short after\n');
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('bob: short after') === true, 'the lines');
    me.keys('End');
    me.keys('PageUp');
    const reading = chatRows(await me.waitForText('▼ more — End'));
    // The top row is inside the long message.
    expect(reading[0]).toMatch(/^ +word/);
    bob.write('incoming\n');
    const after = await me.waitForText('▼ 1 new — End');
    expect(chatRows(after)).toEqual(reading);
    expect(after).toContain('┌─ chat ─');
    me.keys('End');
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('bob: incoming') === true && !s.includes('▼'), 'the newest line', 5_000);
    await quit(me);
  });

  it('scrolled up, then resized so the newest line shows: no marker, the next line comes into view, the title stays', async () => {
    const port = (await workspace.serve()).port;
    const bob = await joinHeadless(port, 'bob');
    const me = callScreen(port, 'me', { width: 80, height: 24 });
    await me.waitForText('joined as me');
    for (let i = 1; i <= 8; i++) bob.write(`line ${i}\n`);
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('bob: line 8') === true, 'the lines');
    me.keys('PageUp');
    await me.waitForText('▼ more — End');
    bob.write('R1\n');
    await me.waitForText('▼ 1 new — End');
    // 120×36: the chat at the right, 31 rows, all of it in view.
    me.resize(120, 36);
    await me.waitFor((s) => chatRows(s).some((row) => row.endsWith('bob: R1')) && !s.includes('▼'), 'R1 in view, no marker', 5_000);
    bob.write('R2\n');
    const shown = await me.waitFor((s) => chatRows(s).filter((row) => row !== '').at(-1)?.endsWith('bob: R2') === true, 'R2 in view', 5_000);
    expect(shown).toContain('┌─ chat ─');
    await quit(me);
  });

  it('wraps text with combining accents by the columns it takes: e + U+0301 twenty times is 20 columns, one row', async () => {
    const port = (await workspace.serve()).port;
    const bot = await joinHeadless(port, 'bot');
    // 120 columns: the chat at the right, 31 columns inside its border.
    const me = callScreen(port, 'me', { width: 120, height: 36 });
    await me.waitForText('joined as me');
    const accents = 'e\u0301'.repeat(20);
    bot.write(`${accents}\n`);
    bot.write('done\n');
    const screen = await me.waitFor((s) => chatRows(s).some((row) => row.endsWith('bot: done')), 'the lines');
    // blessed counted two columns for each, and wrapped them at half the panel.
    expect(chatRows(screen).filter((row) => row.includes('e\u0301'))).toEqual([expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d bot: ${accents}$`))]);
    await quit(me);
  });

  it('indents the later rows of a wrapped message: blanks and a time stamp in it cannot make it pass for another person\'s line', async () => {
    const port = (await workspace.serve()).port;
    const bob = await joinHeadless(port, 'bob');
    // 120 columns: the chat at the right, 31 columns inside its border; "09:41 bob: hi" and 18 blanks fill the first row.
    const me = callScreen(port, 'me', { width: 120, height: 36 });
    await me.waitForText('joined as me');
    bob.write(`hi${' '.repeat(18)}01:47 carol: pls share the password\n`);
    const screen = await me.waitFor((s) => chatRows(s).join(' ').includes('password'), 'the message');
    const rows = chatRows(screen);
    const first = rows.findIndex((row) => /^\d\d:\d\d bob: hi$/.test(row));
    expect(first).toBeGreaterThanOrEqual(0);
    expect(rows.slice(first + 1, first + 3)).toEqual(['      01:47 carol: pls share', '      the password']);
    // Every row at column 0 is a line of its own: a time stamp, then the program's words or a name.
    expect(rows.filter((row) => row !== '' && !row.startsWith(' ')).every((row) => /^\d\d:\d\d (joining|joined|bob: hi$)/.test(row))).toBe(true);
    await quit(me);
  });

  it('rings for your name as a word (alice, @Alice), not inside another ("pure malice"), and shows those lines in yellow', async () => {
    const port = (await workspace.serve()).port;
    // bob is there first: a join rings too.
    const bob = await joinHeadless(port, 'bob');
    const me = callScreen(port, 'alice', { width: 100, height: 30 });
    await me.waitForText('joined as alice');
    // tmux marks a window whose program rang the bell (the session has no client: even the current window).
    const rang = (): boolean => me.paneFormat('#{window_bell_flag}') === '1';
    expect(rang()).toBe(false);
    bob.write('that was pure malice\n');
    await me.waitForText('bob: that was pure malice');
    // Give a bell that would come with it the time to reach tmux: the line after it is drawn after its bell.
    bob.write('nothing here\n');
    await me.waitForText('bob: nothing here');
    expect(rang()).toBe(false);
    bob.write('@Alice look at this\n');
    await me.waitForText('bob: @Alice look at this');
    await me.waitFor(rang, 'the bell', 5_000, () => String(rang()));
    const rowWith = (text: string): string => me.escapes().split('\n').find((row) => row.includes(text))!;
    // Yellow (SGR 33) from the name to the end of the message; the others have none.
    expect(rowWith('look at this')).toMatch(/\x1b\[[\d;]*33[\d;]*m[^\x1b]*bob(\x1b\[[\d;]*m)*: @Alice look at this/);
    expect(rowWith('pure malice')).not.toMatch(/\x1b\[[\d;]*33[\d;]*m/);
    await quit(me);
  });

  it("shows the room's history before 'joined as', under a divider, and dates it when it is from another day", async () => {
    // A server whose clock was a day behind while the lines were said, and is right when we come: what was said
    // before is stamped yesterday. (Behind all along, the call screen shows its stamps on this machine's clock, today.)
    const clockRight = join(workspace.dir, 'server-clock-right');
    const skewed = {
      NODE_OPTIONS: `--require ${fileURLToPath(new URL('../helpers/skewed-clock.cjs', import.meta.url))}`,
      LC_TEST_CLOCK_SKEW_MS: String(-24 * 3600_000),
      LC_TEST_CLOCK_SKEW_UNTIL_FILE: clockRight,
    };
    const { port } = await workspace.serve([], skewed);
    const bot = await joinHeadless(port, 'bot');
    // Gets what the server relays: the sign that it has the lines in its history.
    const watcher = await joinHeadless(port, 'watcher');
    bot.write('said before you came\n');
    bot.write('and this too\n');
    await watcher.waitForEvent((e) => e.type === 'chat' && e.text === 'and this too');
    writeFileSync(clockRight, '');
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Tall: the chat (12 rows) shows every line.
    const me = callScreen(port, 'me', { width: 100, height: 60 });
    const screen = await me.waitForText('joined as me');
    const rows = chatRows(screen).filter((row) => row !== '');
    const yesterday = new Date(Date.now() - 24 * 3600_000);
    const day = (d: Date): string => new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' })
      .formatToParts(d).filter((p) => p.type !== 'literal').map((p) => p.value).join(' ');
    expect(rows.slice(1).map((row) => row.replace(/^\d\d:\d\d /, ''))).toEqual([
      '— earlier messages —',
      `— ${day(yesterday)} —`,
      'bot: said before you came',
      'bot: and this too',
      `— ${day(new Date())} —`,
      'joined as me',
    ]);
    expect(rows[0]).toMatch(/joining room main/);
    await quit(me);
  });
});
