import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace, type CliProcess } from '../helpers/cli-process.js';
import { freePort } from '../helpers/ports.js';
import { chatRows, useCallScreens, openChat } from '../helpers/call-screen.js';
import type { TmuxSession } from '../helpers/tmux.js';

/**
 * The chat line's keys in a real terminal (tmux): what is typed, what is sent, and which keys stay call keys. No audio
 * devices: `--audio none|tone --speaker none` throughout.
 */
const workspace = useCliWorkspace('lc-tui-chat-');
const { joinHeadless } = workspace;
const { tui, quit } = useCallScreens(workspace);

/** A guest `me` in a call on a fresh server with a headless `alice`, both in; `extra` flags for me. */
async function callWithAlice(extra: string[] = [], size = { width: 100, height: 30 }): Promise<{ me: TmuxSession; alice: CliProcess }> {
  const { port } = await workspace.serve();
  const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none', ...extra], size);
  await me.waitForText('joined as me');
  const alice = await joinHeadless(port, 'alice');
  await me.waitForText('alice joined');
  return { me, alice };
}

/** The chat texts `alice` has received, oldest first. */
const chatTexts = (alice: CliProcess): string[] => alice.events().filter((e) => e.type === 'chat').map((e) => String(e.text));

/** Esc, and the chat line closed: its prompt back (a key sent before that could share Esc's read and be Alt-key). */
async function closeChat(me: TmuxSession): Promise<void> {
  me.keys('Escape');
  await me.waitForText('› press c or Enter to chat');
}

describe('the chat line in a real terminal (tmux)', () => {
  it('a message sent while reconnecting that never went is printed as not sent when leaving, not lost unseen', async () => {
    const { proc: server, port } = await workspace.serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as me');
    server.signal('SIGTERM');
    await me.waitForText('reconnecting…');
    await openChat(me);
    me.type('typed while away');
    me.keys('Enter');
    await me.waitForText('me: typed while away');
    await closeChat(me);
    await quit(me);
    await me.waitForText('your chat message was not sent (the call ended first): typed while away');
  });

  it('stays open after Enter sends: the next message is typed, not run as call keys; Esc closes it', async () => {
    const { me, alice } = await callWithAlice(['--video', 'pattern', '--audio', 'tone']);
    await openChat(me);
    me.type('ok');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'ok');
    // Typed a key at a time: v, i and a were camera off, self view hidden and audio only; q left the call. Each
    // step waits for the screen, as a person does: keys sharing one read with more text after a line break are a
    // paste to the line (its break a space), which a loaded machine's pty would make of keys sent back to back.
    for (const key of ['v', 'i', 'a']) me.type(key);
    await me.waitForText('› via');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'via');
    for (const key of ['q', 'u']) me.type(key);
    await me.waitForText('› qu');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'qu');
    expect(chatTexts(alice)).toEqual(['ok', 'via', 'qu']);
    expect(me.text()).not.toMatch(/cam OFF|audio only|picture is hidden/);
    expect(me.exitStatus()).toBeUndefined();
    await closeChat(me);
    me.keys('m');
    await me.waitForText('mic OFF');
    await quit(me);
  });

  it('the key-hint row shows the chat line\'s keys while it is open (the call keys are off), and the call keys again after Esc', async () => {
    const { me } = await callWithAlice();
    await me.waitForText(/m mute .*q leave/);
    me.keys('c');
    await me.waitForText('Enter send  Esc close  ↑ history  PgUp/PgDn scroll');
    expect(me.text()).not.toMatch(/m mute|q leave/);
    await closeChat(me);
    await me.waitForText(/m mute .*q leave/);
    expect(me.text()).not.toContain('Esc close');
    await quit(me);
  });

  it('PgUp/PgDn scroll the chat while the chat line is open, and leave what is typed as it was', async () => {
    const { me, alice } = await callWithAlice();
    // 100×30: the chat under the panes shows 4 rows.
    for (let i = 1; i <= 10; i++) alice.write(`line ${i}\n`);
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('alice: line 10') === true, 'the last line');
    await openChat(me);
    me.type('so');
    await me.waitForText('› so');
    me.keys('PageUp');
    await me.waitFor((s) => !chatRows(s).some((row) => row.endsWith('alice: line 10')), 'scrolled up', 5_000);
    me.keys('PageDown');
    await me.waitFor((s) => chatRows(s).at(-1)?.endsWith('alice: line 10') === true, 'scrolled back down', 5_000);
    me.type(' then');
    await me.waitForText('› so then');
    me.keys('C-u');
    await closeChat(me);
    await quit(me);
  });

  it('push-to-talk: Space repeats that arrive in one read are the key held, not a paste that opens the chat line', async () => {
    const { me } = await callWithAlice(['--audio', 'tone:440', '--transmit', 'ptt']);
    await me.waitForText('hold Space to talk');
    // Held over a busy link: four repeats a read, every 30 ms, for a second.
    let sawTalking = false;
    for (const until = Date.now() + 1000; Date.now() < until; ) {
      me.type('    ');
      await new Promise((resolve) => setTimeout(resolve, 30));
      sawTalking ||= me.text().includes('talking');
    }
    expect(me.text()).toContain('› press c or Enter to chat');
    expect(sawTalking).toBe(true);
    await me.waitForText('hold Space to talk');
    await quit(me);
  });

  it('Esc keeps a half-typed line, the hint says so, and q then leaves printing it, as Ctrl-C does', async () => {
    const { me } = await callWithAlice();
    await openChat(me);
    me.type('half a thought');
    await me.waitForText('› half a thought');
    me.keys('Escape');
    await me.waitForText('› c: back to your unsent line: half a thought');
    await quit(me);
    await me.waitForText('your chat line was not sent: half a thought');
  });

  it('tabs in pasted text become spaces, bracketed or not: not dropped, not name completion', async () => {
    const { me, alice } = await callWithAlice();
    me.paste('col1\tcol2');
    await me.waitForText('› col1 col2');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'col1 col2');
    // "a" then a tab would complete to alice's name.
    me.paste('see a\tcol2', false);
    await me.waitForText('› see a col2');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'see a col2');
    expect(chatTexts(alice)).toEqual(['col1 col2', 'see a col2']);
    await closeChat(me);
    await quit(me);
  });

  it('edits per character as drawn: Backspace takes a whole 👩‍💻 or 🇫🇷, ← steps over a letter and its accent', async () => {
    const { me, alice } = await callWithAlice();
    await openChat(me);
    me.type('a👩\u200d💻🇫🇷');
    me.keys('BSpace');
    me.keys('BSpace');
    me.type('b');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat');
    me.type('ce\u0301');
    me.keys('Left');
    me.type('x');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && chatTexts(alice).length === 2);
    expect(chatTexts(alice)).toEqual(['ab', 'cxe\u0301']);
    await closeChat(me);
    await quit(me);
  });

  it('in a terminal too small to show the chat line, keys do what its notice says: q leaves, printing the line kept', async () => {
    const { me } = await callWithAlice();
    await openChat(me);
    me.type('half a thought');
    await me.waitForText('› half a thought');
    me.resize(30, 8);
    await me.waitForText('30×8: too small');
    expect(me.text()).toContain('q leave');
    // c does not open a line nobody sees; q is the notice's q.
    me.keys('c');
    await quit(me);
    // Wrapped at 30 columns.
    await me.waitFor((s) => s.replace(/\n/g, '').includes('your chat line was not sent: half a thought'), 'the unsent line');
  });

  it('text pasted without bracketed paste over the stats overlay is chat, not call keys (m, v, i, a…)', async () => {
    const { me } = await callWithAlice(['--video', 'pattern', '--audio', 'tone']);
    me.keys('s');
    await me.waitForText('call statistics');
    me.paste('vim is great', false);
    await me.waitForText('› vim is great');
    expect(me.text()).not.toMatch(/mic OFF|cam OFF|audio only/);
    me.keys('C-u');
    await closeChat(me);
    me.keys('Escape');
    await me.waitFor((s) => !s.includes('call statistics'), 'the stats closed');
    expect(me.text()).toContain('mic on cam on');
    await quit(me);
  });

  it('Esc and q in one read (tmux escape-time, an SSH link) are Esc and q: the line closes, q asks first (Alt-q is those bytes), y leaves, printing it', async () => {
    const { me } = await callWithAlice();
    await openChat(me);
    me.type('draft');
    await me.waitForText('› draft');
    me.type('\x1bq');
    await me.waitForText('Leave the call?');
    me.keys('y');
    await me.waitFor(() => me.exitStatus() !== undefined, 'exit');
    await me.waitForText('your chat line was not sent: draft');
  });

  it('a sent line brought back by ↑ and closed unchanged is not printed as unsent when leaving', async () => {
    const { me, alice } = await callWithAlice();
    await openChat(me);
    me.type('sent one');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'sent one');
    me.keys('Up');
    await me.waitForText('› sent one');
    await closeChat(me);
    await quit(me);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(me.text()).not.toContain('not sent');
  });

  it('text pasted without bracketed paste is one message: its line breaks are spaces, nothing sent until Enter', async () => {
    const { me, alice } = await callWithAlice();
    me.paste('first\nsecond\nthird', false);
    await me.waitForText('› first second third');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat');
    expect(chatTexts(alice)).toEqual(['first second third']);
    await closeChat(me);
    await quit(me);
  });

  it('opening the chat line closes the help or the stats in front of it', async () => {
    const { me, alice } = await callWithAlice();
    me.keys('?');
    await me.waitForText('livecomm-tui keys');
    me.paste('hello');
    await me.waitFor((s) => s.includes('› hello') && !s.includes('livecomm-tui keys'), 'the line open, the help closed');
    me.keys('C-u');
    await closeChat(me);
    me.keys('s');
    await me.waitForText('call statistics');
    me.keys('c');
    await me.waitFor((s) => s.includes('Esc close') && !s.includes('call statistics'), 'the line open, the stats closed');
    await closeChat(me);
    expect(chatTexts(alice)).toEqual([]);
    await quit(me);
  });

  it("under a host's leave question nothing opens the chat line: a paste waits in its draft, unsent, and y answers", async () => {
    const port = await freePort();
    const host = tui(['host', '--bind', '127.0.0.1', '--port', String(port), '--name', 'hostess', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await host.waitForText('joined as hostess');
    host.keys('q');
    await host.waitForText('Leave? y / n');
    host.paste('one more thing\n', false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(host.text()).toContain('Leave? y / n');
    expect(host.text()).not.toContain('Esc close');
    host.keys('y');
    await host.waitFor(() => host.exitStatus() !== undefined, 'the host to exit');
    await host.waitForText('your chat line was not sent: one more thing');
  });

  it('a kept draft shows in a narrow chat (120×36, 31 columns) in the hint\'s short form', async () => {
    const { me } = await callWithAlice([], { width: 120, height: 36 });
    await openChat(me);
    me.type('draft of mine that is long');
    await me.waitForText('draft of mine');
    me.keys('Escape');
    await me.waitForText('› c: unsent: draft of mine tha…');
    me.keys('c');
    me.keys('C-u');
    await closeChat(me);
    await quit(me);
  });

  it("the kitty keyboard protocol's Esc and the m after it in one read close the chat line and mute: not Alt-m", async () => {
    const { me } = await callWithAlice(['--audio', 'tone']);
    me.keys('c');
    await me.waitForText('Esc close');
    // As kitty sends them with every key an escape code (flags 8 + 16, what push-to-talk asks for), in one write.
    me.type('\x1b[27u\x1b[109;;109u');
    await me.waitForText('mic OFF');
    expect(me.text()).toContain('› press c or Enter to chat');
    await quit(me);
  });
});
