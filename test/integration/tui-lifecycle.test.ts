// The call screen in a real terminal (tmux): its life cycle — dumb terminals, signals, closing terminals, --duration —
// the live preview, demo, pasted and typed chat, push-to-talk, and a lost connection. What it draws is in tui.test.ts.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eastAsianWidth } from 'get-east-asian-width';
import { describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace } from '../helpers/cli-process.js';
import { useCallScreens, openChat } from '../helpers/call-screen.js';
import { TmuxSession, shellQuote } from '../helpers/tmux.js';
import { freePort } from '../helpers/ports.js';
import { FaultProxy } from '../helpers/fault-proxy.js';
import { until } from '../helpers/wait.js';

const workspace = useCliWorkspace('lc-tui-');
const { joinHeadless } = workspace;
const { tui, quit, afterTest } = useCallScreens(workspace);

/** `livecomm-tui serve` on a free loopback port, killed after the test; resolves with the port once it listens. */
async function serve(): Promise<number> {
  return (await workspace.serve()).port;
}

/** The process exists and has not exited (a zombie has). */
function isRunning(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const paneTitle = (name: string): RegExp => new RegExp(`┌─ (♪ )?${name}( \\(|[ ─])`);

/** Counts panes on screen: their top-left corners. */
function paneCount(screen: string): number {
  return (screen.match(/┌─ (?!chat)/g) ?? []).length;
}

/** Columns a row takes in the terminal: two for East Asian wide characters (emoji, CJK), as tmux counts them. */
function displayWidth(row: string): number {
  let width = 0;
  for (const ch of row) width += eastAsianWidth(ch.codePointAt(0)!);
  return width;
}

/** The terminal columns at which `ch` stands in `row`. */
function columnsOf(row: string, ch: string): number[] {
  const columns: number[] = [];
  let column = 0;
  for (const cell of row) {
    if (cell === ch) columns.push(column);
    column += eastAsianWidth(cell.codePointAt(0)!);
  }
  return columns;
}

describe('the call screen in a real terminal (tmux): life cycle, keys and chat', () => {
  it('refuses a terminal that cannot move its cursor (TERM=dumb) with one sentence and exit 2, for the call and the live preview', async () => {
    for (const args of [['demo', '--duration', '5'], ['preview', '--video', 'pattern']]) {
      // `env` in the pane's command: tmux sets TERM for its panes itself. stderr goes to a file: a pane that dies at
      // once may not show its last output.
      const stderrFile = join(workspace.dir, `dumb-${args[0]}.stderr`);
      const command = `${['env', 'TERM=dumb', process.execPath, BIN, ...args].map(shellQuote).join(' ')} 2> ${shellQuote(stderrFile)}`;
      const session = new TmuxSession(command, { width: 100, height: 30, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') } });
      afterTest(() => session.kill());
      await session.waitFor(() => session.exitStatus() !== undefined, `${args[0]} exits`);
      expect(session.exitStatus()).toBe(2);
      expect(await readFile(stderrFile, 'utf8')).toMatch(/^livecomm-tui: this terminal \(TERM=dumb\) cannot move its cursor, which the (call screen|live preview) needs; run it in a terminal emulator[^\n]*\n$/);
    }
  });

  it('devices in a TERM=dumb terminal says the call screen will not run there, and what to do instead', async () => {
    const command = `${['env', 'TERM=dumb', process.execPath, BIN, 'devices'].map(shellQuote).join(' ')}; sleep 30`;
    const session = new TmuxSession(command, { width: 140, height: 30, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') } });
    afterTest(() => session.kill());
    await session.waitFor(() => session.text().includes('This terminal'), 'devices to print');
    await session.waitFor(() => session.text().includes('push-to-talk:'), 'the terminal part');
    expect(session.text()).toContain('call screen: not here: this terminal (TERM=dumb) cannot move its cursor; call from a terminal emulator, or use --headless');
  });

  it('leaves the call cleanly when the terminal closes (SIGHUP: a host ends it for everyone) or on SIGTERM (exit 0, terminal restored)', async () => {
    const port = await freePort();
    const host = tui(['host', '--bind', '127.0.0.1', '--port', String(port), '--name', 'hostess', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 });
    await host.waitForText('others join with: livecomm-tui connect 127.0.0.1:' + port);
    const alice = await joinHeadless(port, 'alice', { video: 'pattern' });
    const guest = tui(['connect', `127.0.0.1:${port}`, '--name', 'guest', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 });
    await alice.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'guest');

    // kill(1) on a participant: it says goodbye (the others see a leave, not a lost connection) and exits 0.
    guest.signalProgram('SIGTERM');
    await guest.waitFor(() => guest.exitStatus() !== undefined, 'the guest to exit');
    expect(guest.exitStatus()).toBe(0);
    expect(guest.text()).not.toContain('┌─ chat');
    expect(await alice.waitForEvent((e) => e.type === 'participant-left' && e.name === 'guest')).toMatchObject({ reason: 'leave' });

    // The host's terminal goes away: alice is told the call ended, instead of trying to reconnect to nothing; and at
    // once, not after the host waited out answers its gone terminal will never send (3 s) and writes it will never
    // read (2 s).
    const hostPids = host.programPids();
    const hungUpAt = Date.now();
    host.kill();
    expect(await alice.waitForEvent((e) => e.type === 'left')).toMatchObject({ reason: 'call-ended' });
    expect(Date.now() - hungUpAt).toBeLessThan(2000);
    expect(alice.events().some((e) => e.type === 'status' && e.status === 'reconnecting')).toBe(false);
    expect(await alice.exited).toBe(0);
    await until(() => hostPids.every((pid) => !isRunning(pid)), 'the host process to end', 10_000);
    expect(Date.now() - hungUpAt).toBeLessThan(2500);
  });

  it('closing the terminal ends a call (screen or headless) and `serve` with exit 0: no crash on it, no abort (SIGABRT) at exit', async () => {
    const { port } = await workspace.serve();
    const recorder = fileURLToPath(new URL('../helpers/exit-recorder.cjs', import.meta.url));
    const quiet = ['--video', 'none', '--audio', 'none', '--speaker', 'none'];
    const runs = [
      { what: 'call screen', args: ['connect', `127.0.0.1:${port}`, '--name', 'me', ...quiet], up: 'joined as me' },
      { what: 'headless', args: ['connect', `127.0.0.1:${port}`, '--headless', '--name', 'bot', ...quiet], up: '"type":"joined"' },
      { what: 'serve', args: ['serve', '--bind', '127.0.0.1', '--port', '0'], up: 'join with:' },
    ];
    for (const { what, args, up } of runs) {
      const file = join(workspace.dir, `hangup-${what}.json`);
      const command = [process.execPath, recorder, file, process.execPath, BIN, ...args].map(shellQuote).join(' ');
      const session = new TmuxSession(command, { width: 100, height: 30, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') } });
      afterTest(() => session.kill());
      await session.waitForText(up);
      session.kill();
      const ended = await until(() => (existsSync(file) ? readFileSync(file, 'utf8') : ''), `${what} to exit`, 10_000);
      expect({ what, ...JSON.parse(ended) }).toEqual({ what, code: 0, signal: null });
    }
  });

  it('--duration counts from the join, as headless does: a call that never starts fails with exit 4, not "left" with 0', async () => {
    const port = await freePort();
    const stderrFile = join(workspace.dir, 'duration.stderr');
    const args = ['connect', `127.0.0.1:${port}`, '--duration', '0.5', '--audio', 'none', '--speaker', 'none', '--video', 'none'];
    const command = `${[process.execPath, BIN, ...args].map(shellQuote).join(' ')} 2> ${shellQuote(stderrFile)}`;
    const session = new TmuxSession(command, { width: 100, height: 30, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config') } });
    afterTest(() => session.kill());
    await session.waitFor(() => session.exitStatus() !== undefined, 'connect gives up', 20_000);
    expect(session.exitStatus()).toBe(4);
    expect(await readFile(stderrFile, 'utf8')).toMatch(/nothing is listening/);
  });

  it('the live preview takes keys typed together one by one: "rg" changes colours and symbols, "qq" quits', async () => {
    const preview = tui(['preview', '--video', 'pattern', '--color', 'truecolor'], { width: 80, height: 24 });
    await preview.waitForText('truecolor, half');
    preview.type('rg');
    await preview.waitForText('256, quadrant');
    preview.type('qq');
    await preview.waitFor(() => preview.exitStatus() !== undefined, 'the preview to exit');
    expect(preview.exitStatus()).toBe(0);
  });

  it('the live preview says what it fell back to in its status line, where it can be seen (no camera here)', async () => {
    const preview = tui(['preview'], { width: 80, height: 24 });
    await preview.waitForText('q quits  ·  no camera found — using a test pattern instead');
    expect(preview.text()).toMatch(/^ 256, half/m);
    preview.keys('q');
    await preview.waitFor(() => preview.exitStatus() !== undefined, 'the preview to exit');
  });

  it('the live preview, killed from elsewhere (SIGTERM), gives the terminal back as q does', async () => {
    const preview = tui(['preview', '--video', 'pattern'], { width: 80, height: 24 });
    await preview.waitForText('q quits');
    expect(preview.paneFormat('#{alternate_on}')).toBe('1');
    preview.signalProgram('SIGTERM');
    await preview.waitFor(() => preview.exitStatus() !== undefined, 'the preview to exit');
    expect(preview.exitStatus()).toBe(0);
    expect(preview.paneFormat('#{alternate_on}')).toBe('0');
    expect(preview.paneFormat('#{cursor_flag}')).toBe('1');
    expect(preview.text()).not.toContain('q quits');
  });

  it('the call screen killed (SIGTERM) the moment it takes the terminal leaves the call and gives the terminal back', async () => {
    const { port } = await workspace.serve();
    const guest = tui(['connect', `127.0.0.1:${port}`, '--name', 'early', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    // Polled as fast as tmux answers: the first moment the screen shows, the call is not up yet, and the signal must
    // still be a clean leave, not Node's default (the alternate screen left on, the cursor hidden).
    await until(() => guest.paneFormat('#{alternate_on}') === '1', 'the call screen to take the terminal', 15_000, 1);
    guest.signalProgram('SIGTERM');
    await guest.waitFor(() => guest.exitStatus() !== undefined, 'the call to end');
    expect(guest.exitStatus()).toBe(0);
    expect(guest.paneFormat('#{alternate_on}')).toBe('0');
    expect(guest.paneFormat('#{cursor_flag}')).toBe('1');
  });

  it('demo: the guests join your room and step aside when you take one of their names', async () => {
    const me = tui(['demo', '--name', 'ada', '--room', 'elsewhere', '--video', 'pattern', '--audio', 'none', '--speaker', 'none', '--duration', '20'], { width: 140, height: 40 });
    const screen = await me.waitFor((s) => paneCount(s) === 3, 'three panes');
    expect(screen).toMatch(/┌─ (♪ )?ada \(you/);
    expect(screen).toMatch(paneTitle('Ada \\(guest\\)'));
    expect(screen).toMatch(paneTitle('Grace'));
    expect(screen).toContain('elsewhere @ demo');
    await quit(me);
  });

  it('pasted text is chat: its line breaks do not send half of it, and none of it fires a call key', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'tone', '--speaker', 'none'], { width: 120, height: 36 });
    await me.waitForText('joined as me');
    const alice = await joinHeadless(port, 'alice', { video: 'none' });
    // Lines that start with call keys: s (stats), m (mute), q (leave); and a blank line.
    me.paste('see below\nsome stats\nmute it\n\nquit now');
    // Pasted with the chat line closed: it opens with the whole text in it, line breaks as spaces (the field shows
    // its end).
    await me.waitForText('mute it quit now');
    expect(me.text()).not.toContain('call statistics');
    expect(me.text()).not.toContain('mic OFF');
    me.keys('Enter');
    const chat = await alice.waitForEvent((e) => e.type === 'chat');
    expect(chat).toMatchObject({ from: 'me', text: 'see below some stats mute it quit now' });
    // The chat line, open still for the next message and typed into by hand, takes a paste at the cursor.
    me.type('look: ');
    me.paste('q\nv');
    await me.waitForText('› look: q v');
    me.keys('Enter');
    expect(await alice.waitForEvent((e) => e.type === 'chat' && e.text !== chat.text)).toMatchObject({ text: 'look: q v' });
    // A terminal without bracketed paste: its line breaks are spaces too, one message, none of it sent or call keys.
    me.paste('line one\nline two\nq', false);
    await me.waitForText('› line one line two q');
    const texts = (): string[] => alice.events().filter((e) => e.type === 'chat').map((e) => String(e.text));
    expect(texts()).toHaveLength(2);
    expect(me.text()).not.toContain('Leaving');
    me.keys('C-u');
    me.keys('Escape');
    // Closed: its prompt again (an empty open line shows a bare "›", which passed for closed until Escape landed).
    await me.waitForText('› press c or Enter to chat');
    // And with the chat line closed: the text opens it (its a, v and q were the call keys for audio only, camera
    // off and leave).
    me.paste('I have a quick question', false);
    await me.waitForText('› I have a quick question');
    expect(me.text()).not.toMatch(/audio only|Leaving/);
    me.keys('Enter');
    await until(() => texts().includes('I have a quick question'), 'the pasted line');
    // The call keys work again once Esc closes the line.
    me.keys('Escape');
    await me.waitForText('› press c or Enter to chat');
    me.keys('m');
    await me.waitForText('mic OFF');
    await quit(me);
  });

  it('the chat line completes names with Tab and brings back sent lines with ↑', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as me');
    const alice = await joinHeadless(port, 'alice', { video: 'none' });
    await me.waitForText('alice joined');
    await openChat(me);
    me.type('al');
    me.keys('Tab');
    // Typed, not pasted: the next keys after the completion shows (in one read with it, "al", Tab and "hello" would be
    // a paste, whose tab is a space).
    await me.waitForText('› alice:');
    me.type('hello');
    me.keys('Enter');
    expect(await alice.waitForEvent((e) => e.type === 'chat')).toMatchObject({ from: 'me', text: 'alice: hello' });
    // The line is still open after the send: ↑ brings the sent line back into it.
    me.keys('Up');
    await me.waitForText('› alice: hello');
    me.keys('BSpace');
    me.type('o!');
    me.keys('Enter');
    expect(await alice.waitForEvent((e) => e.type === 'chat' && e.text !== 'alice: hello')).toMatchObject({ text: 'alice: hello!' });
    me.keys('Escape');
    await me.waitForText('› press c or Enter to chat');
    await quit(me);
  });

  it('shows braces in names and chat as typed: nobody can restyle the chat with blessed tags', async () => {
    const port = await serve();
    // 100 columns: the chat goes under the panes, wide enough for each line to stay on one row.
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as me');
    const evil = await joinHeadless(port, '{red-fg}evil{/red-fg}', { video: 'none' });
    evil.write('{bold}loud{/bold} {red-bg}X{/red-bg}\n');
    await me.waitForText('{bold}loud{/bold} {red-bg}X{/red-bg}');
    // Later lines make blessed redraw the earlier ones: they must stay literal.
    evil.write('one more line\n');
    const screen = await me.waitForText('one more line');
    expect(screen).toContain('{red-fg}evil{/red-fg} joined');
    expect(screen).toContain('{red-fg}evil{/red-fg}: {bold}loud{/bold} {red-bg}X{/red-bg}');
    await quit(me);
  });

  it('draws emoji and CJK in names and chat in the two columns the terminal gives them: borders stay put, text whole', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me 😀', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as me 😀');
    const guest = await joinHeadless(port, 'Zoë 🎉 北京', { video: 'none' });
    const message = 'hi 😀😀 北京 ok ✅ done';
    guest.write(`${message}\n`);
    const screen = await me.waitForText('✅ done');
    // blessed once drew these one column wide: the rest of the line was overwritten ("hi 😀北京 京").
    expect(screen).toContain(`Zoë 🎉 北京: ${message}`);
    const rows = screen.split('\n');
    const top = rows.findIndex((row) => row.includes('┌─ me 😀'));
    // Labels end one space after the text: blessed once sized them by UTF-16 length, a column too wide per emoji.
    expect(rows[top]).toContain('┌─ Zoë 🎉 北京 (no mic, no camera) ─');
    expect(rows[top]).toContain('┌─ me 😀 (you, no mic, no camera) ─');
    const bottom = rows.findIndex((row, i) => i > top && row.includes('└'));
    // The panes' top corners stand above their bottom corners, at the columns tmux counts.
    expect(columnsOf(rows[top]!, '┐')).toEqual(columnsOf(rows[bottom]!, '┘'));
    expect(columnsOf(rows[top]!, '┌')).toEqual(columnsOf(rows[bottom]!, '└'));
    expect(columnsOf(rows[top]!, '┐')).toHaveLength(2);
    expect(rows.every((row) => displayWidth(row) <= 100)).toBe(true);
    await quit(me);
  });

  it('tells you when you talk with your microphone muted', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'wav:fixtures/speech.wav', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as me');
    expect(me.text()).not.toContain('You are muted');
    me.keys('m');
    await me.waitForText('mic OFF');
    // The WAV loops: speech goes on into the muted microphone.
    await me.waitForText('You are muted: press m to talk.');
    await quit(me);
  });

  it('push-to-talk: sends your audio only while Space is held (told from its key repeats), and says so', async () => {
    const port = await serve();
    const bob = await joinHeadless(port, 'bob', { video: 'none' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'tone:440', '--speaker', 'none', '--transmit', 'ptt'], { width: 100, height: 30 });
    await me.waitForText('joined as me');
    await me.waitForText('hold Space to talk');
    // The tone plays into the microphone while the key is up: nothing goes, and the chat says how to talk.
    await me.waitForText('Push-to-talk: hold Space while you talk.');
    type Stats = { streams: Array<{ name: string; audio: { frames: number } }> };
    const framesFromMe = (): number =>
      (bob.events().filter((e) => e.type === 'stats') as unknown as Stats[]).reduce((n, s) => n + (s.streams.find((x) => x.name === 'me')?.audio.frames ?? 0), 0);
    expect(framesFromMe()).toBe(0);
    // Holding Space: the terminal repeats it every ~30 ms; 1.5 s of that.
    const until = Date.now() + 1500;
    let sawTalking = false;
    while (Date.now() < until) {
      me.keys('Space');
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (!sawTalking && me.text().includes('talking')) sawTalking = true;
    }
    expect(sawTalking).toBe(true);
    await me.waitForText('hold Space to talk');
    // Two more stats windows (2 s each) so every frame sent is counted.
    const statsSeen = bob.events().filter((e) => e.type === 'stats').length;
    await bob.waitForEvent(() => bob.events().filter((e) => e.type === 'stats').length >= statsSeen + 2);
    // 1.5 s held and up to ~0.2 s to notice the key is up: 75–90 frames of 20 ms, give or take a slow tmux.
    console.log(`push-to-talk: ${framesFromMe()} frames from me`);
    expect(framesFromMe()).toBeGreaterThan(55);
    expect(framesFromMe()).toBeLessThan(110);
    await quit(me);
  });

  it('after a lost connection: one line for the outage, the rejoin notice, and the chat history without repeats', async () => {
    const port = await serve();
    const proxy = await FaultProxy.start(port);
    afterTest(() => void proxy.close());
    // Tall: the chat shows every line of this test.
    const me = tui(['connect', `127.0.0.1:${proxy.port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 70 });
    await me.waitForText('joined as me');
    const alice = await joinHeadless(port, 'alice', { video: 'none' });
    alice.write('said before the outage\n');
    await me.waitForText('alice: said before the outage');
    // And a line of our own: it comes back in the room's history after the rejoin, and is not shown again.
    await openChat(me);
    me.type('mine before it');
    me.keys('Enter');
    await alice.waitForEvent((e) => e.type === 'chat' && e.text === 'mine before it');
    me.keys('Escape');
    await me.waitForText('› press c or Enter to chat');
    proxy.reset();
    alice.write('said while away\n');
    await me.waitForText(/reconnected to room main as me/);
    const screen = await me.waitForText('alice: said while away');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const count = (text: string): number => me.text().split(text).length - 1;
    expect(count('joined as me')).toBe(1);
    expect(count('connection lost')).toBe(1);
    expect(count('said before the outage')).toBe(1);
    expect(count('mine before it')).toBe(1);
    expect(count('said while away')).toBe(1);
    expect(screen).not.toMatch(/\d\d:\d\d reconnected +│/);
    alice.write('said after it\n');
    await me.waitForText('alice: said after it');
    await quit(me);
  });

  it("a host in a room of its own gives a join line with --room: running it joins the host's room", async () => {
    const port = await freePort();
    const host = workspace.start(['host', '--headless', '--bind', '127.0.0.1', '--port', String(port), '--room', 'dev.team', '--name', 'hostess', '--video', 'none', '--audio', 'none']);
    const hosting = await host.waitForEvent((e) => e.type === 'hosting');
    await host.waitForEvent((e) => e.type === 'joined');
    const joinLine = String(hosting.joinLine);
    expect(joinLine).toBe(`livecomm-tui connect 127.0.0.1:${port} --room dev.team`);
    const guest = workspace.start([...joinLine.split(' ').slice(1), '--headless', '--name', 'guest', '--video', 'none', '--audio', 'none', '--duration', '1']);
    const joined = await guest.waitForEvent((e) => e.type === 'joined');
    expect(joined.room).toBe('dev.team');
    expect(JSON.stringify(joined.participants)).toContain('hostess');
    expect(await guest.exited).toBe(0);
    host.signal('SIGINT');
    expect(await host.exited).toBe(0);
  });

  it('when the host ends the call mid-sentence, the unsent chat line is printed on the restored terminal', async () => {
    const port = await freePort();
    const host = workspace.start(['host', '--headless', '--bind', '127.0.0.1', '--port', String(port), '--name', 'hostess', '--video', 'none', '--audio', 'none']);
    await host.waitForEvent((e) => e.type === 'joined');
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as me');
    await openChat(me);
    me.type('half a thought');
    await me.waitForText('half a thought');
    host.signal('SIGINT');
    await me.waitFor(() => me.exitStatus() !== undefined, 'exit');
    expect(me.exitStatus()).toBe(0);
    await me.waitForText('your chat line was not sent: half a thought');
    expect(await host.exited).toBe(0);
    expect(host.events().at(-1)).toEqual({ type: 'left', reason: 'leave', message: 'you ended the call for everyone', ts: expect.any(Number) });
  });
});
