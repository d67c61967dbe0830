// The call screen in a real terminal (tmux): what it draws — panes, colours, overlays, chat panel, small terminals.
// Its life cycle, keys, pastes and the live preview are in tui-lifecycle.test.ts.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { chatRows, chatText, useCallScreens, openChat } from '../helpers/call-screen.js';
import { freePort } from '../helpers/ports.js';

const workspace = useCliWorkspace('lc-tui-');
const { joinHeadless } = workspace;
const { tui, quit, afterTest } = useCallScreens(workspace);

/** `livecomm-tui serve` on a free loopback port, killed after the test; resolves with the port once it listens. */
async function serve(): Promise<number> {
  return (await workspace.serve()).port;
}

const paneTitle = (name: string): RegExp => new RegExp(`┌─ (♪ )?${name}( \\(|[ ─])`);

/**
 * The colours `escapes` sets, one SGR parameter each: 30–37, 40–47, 90–97, 100–107, and 38 or 48 for a 256-colour or
 * RGB one (whose own numbers are not counted); 39 and 49, the defaults, are not colours.
 */
function sgrColors(escapes: string): string[] {
  const colors: string[] = [];
  for (const [, list = ''] of escapes.matchAll(/\x1b\[([\d;]*)m/g)) {
    const params = list.split(';');
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (p === '38' || p === '48') i += params[i + 1] === '5' ? 2 : 4;
      if (/^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p)) colors.push(p);
    }
  }
  return colors;
}

/** Counts panes on screen: their top-left corners. */
function paneCount(screen: string): number {
  return (screen.match(/┌─ (?!chat)/g) ?? []).length;
}

/** The inside of the leftmost pane, row by row, as captured with escapes: between its left border and the next "│". */
function leftPaneInside(escapes: string): string[] {
  const rows = escapes.split('\n');
  const bottom = rows.findIndex((row) => row.includes('└'));
  return rows.slice(1, bottom).map((row) => {
    const start = row.indexOf('│') + 1;
    return row.slice(start, row.indexOf('│', start));
  });
}

describe('the call screen in a real terminal (tmux)', () => {
  it('hosts a call with two headless guests: three named panes, truecolor video, chat both ways, m and v, q to leave', async () => {
    const port = await freePort();
    const host = tui(
      ['host', '--bind', '127.0.0.1', '--port', String(port), '--name', 'hostess', '--video', 'pattern', '--audio', 'tone', '--speaker', 'none'],
      { width: 140, height: 40 },
      { COLORTERM: 'truecolor' },
    );
    await host.waitForText('others join with: livecomm-tui connect 127.0.0.1:' + port);
    const [alice, bob] = await Promise.all([joinHeadless(port, 'alice', { video: 'pattern' }), joinHeadless(port, 'bob', { video: 'pattern' })]);
    const screen = await host.waitFor((s) => paneTitle('alice').test(s) && paneTitle('bob').test(s) && paneTitle('hostess').test(s), 'three panes');
    expect(paneCount(screen)).toBe(3);
    // Video arrives as 24-bit colour half blocks inside the panes.
    await host.waitFor((s) => (s.match(/\x1b\[38;2;\d+;\d+;\d+m/g) ?? []).length > 50, '24-bit colour video', 10_000, () => host.escapes());
    expect(host.escapes()).toContain('▀');

    // Chat: typed in the TUI → alice's stdout; alice's stdin → the TUI.
    await openChat(host);
    host.type('hello from the terminal');
    host.keys('Enter');
    const chat = await alice.waitForEvent((e) => e.type === 'chat');
    expect(chat).toMatchObject({ from: 'hostess', text: 'hello from the terminal' });
    alice.write('hi back from alice\n');
    await host.waitForText('alice: hi back from alice');
    // The chat line stays open for the next message: Esc closes it, and the call keys work again.
    host.keys('Escape');
    await host.waitForText('› press c or Enter to chat');

    // m and v: the headless participants see the state change.
    host.keys('m');
    await bob.waitForEvent((e) => e.type === 'state' && e.name === 'hostess' && e.muted === true);
    host.keys('v');
    await bob.waitForEvent((e) => e.type === 'state' && e.name === 'hostess' && e.cameraOff === true);
    await host.waitForText('mic OFF cam OFF');

    // q asks first (hosting ends the call for everyone); y leaves, exit 0, and the terminal is restored.
    host.keys('q');
    await host.waitForText('Leaving ends the call for everyone');
    host.keys('y');
    await host.waitFor(() => host.exitStatus() !== undefined, 'the host to exit');
    expect(host.exitStatus()).toBe(0);
    expect(host.text()).not.toContain('┌─ chat');
    await host.waitForText('you ended the call for everyone');
    const left = await alice.waitForEvent((e) => e.type === 'left');
    expect(left).toMatchObject({ reason: 'call-ended' });
    expect(await alice.exited).toBe(0);
  });

  it('uses 256 colours without COLORTERM (blessed is told tmux can do 256) and re-flows on resize and leave', async () => {
    const port = await serve();
    const [alice, bob] = await Promise.all([joinHeadless(port, 'alice', { video: 'pattern' }), joinHeadless(port, 'bob', { video: 'pattern' })]);
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 140, height: 40 }, { COLORTERM: '' });
    await me.waitFor((s) => paneCount(s) === 3, 'three panes');
    const escapes = await me.waitFor((s) => (s.match(/\x1b\[38;5;\d+m/g) ?? []).length > 50, '256-colour video', 10_000, () => me.escapes());
    expect(escapes).not.toMatch(/\x1b\[38;2;/);

    // Wide: chat on the right, panes side by side. Narrow: chat below, panes re-flowed.
    const wideFirstLine = me.text().split('\n')[0]!;
    expect(wideFirstLine).toContain('┌─ chat');
    me.resize(90, 40);
    await me.waitFor((s) => !s.split('\n')[0]!.includes('┌─ chat') && s.includes('┌─ chat'), 'chat moved below the grid');
    // Too small: a clear message instead of garbage.
    me.resize(60, 20);
    await me.waitForText('needs at least 80×24');
    me.resize(120, 36);
    await me.waitFor((s) => paneCount(s) === 3 && !s.includes('needs at least'), 'grid back');

    // A participant leaving re-flows the grid.
    bob.signal('SIGINT');
    await me.waitFor((s) => paneCount(s) === 2 && !paneTitle('bob').test(s), 'two panes after bob left');
    await me.waitForText('bob left');
    await quit(me);
  });

  it('scrolls a help longer than its box with the mouse wheel, as the help says', async () => {
    const me = tui(['demo', '--video', 'pattern', '--audio', 'none', '--speaker', 'none', '--duration', '30'], { width: 80, height: 24 });
    await me.waitForText('joined as');
    me.keys('?');
    const before = await me.waitForText('livecomm-tui keys');
    // SGR mouse reports of the wheel turned down, over the middle of the box.
    for (let i = 0; i < 3; i++) me.type('\x1b[<65;40;12M');
    await me.waitFor((s) => !s.includes('livecomm-tui keys') && s !== before, 'the help scrolled down', 5_000);
    for (let i = 0; i < 6; i++) me.type('\x1b[<64;40;12M');
    await me.waitForText('livecomm-tui keys');
  });

  it('shows the help overlay and the stats overlay, and the name large when a camera is off', async () => {
    const port = await serve();
    const alice = await joinHeadless(port, 'alice', { video: 'none' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 });
    await me.waitFor((s) => paneCount(s) === 2, 'two panes');
    me.keys('?');
    // The whole box, not its title alone: on a busy machine a capture once caught the help drawn down to its 13th row.
    const keys = ['mute / unmute', 'spotlight', 'call statistics'];
    await me.waitFor((s) => s.includes('livecomm-tui keys') && keys.every((key) => s.includes(key)), 'the help with its keys');
    // The last keys are a page down at this size (PgDn scrolls the help; any other key closes it).
    me.keys('PageDown');
    await me.waitForText('leave the call');
    expect(me.text()).not.toContain('copy the join command'); // a guest has none to copy
    me.keys('x');
    await me.waitFor((s) => !s.includes('livecomm-tui keys'), 'help closed');
    me.keys('s');
    await me.waitForText('call statistics (last 2 s)');
    // Her block in the overlay (its first figures may say nobody else is here yet; her pane's title names her anyway).
    await me.waitFor((s) => /│\s+alice\s+│/.test(s) && /│\s+video \d+\.\d fps/.test(s), "alice's figures in the statistics");
    me.keys('s');
    await me.waitFor((s) => !s.includes('call statistics'), 'stats closed');
    // alice has no camera (nor a microphone): her pane says so, not "off" or "muted", and shows her name in block
    // letters instead of video.
    await me.waitForText('no camera');
    expect(me.text()).toContain('▄▀▄'); // the A of ALICE
    expect(me.text()).toMatch(/┌─ alice \(no mic, no camera\) ─/);
    expect(me.text()).not.toContain('camera off');
    // And pressing m without a microphone says why nothing happens; + and - without a speaker too.
    me.keys('m');
    await me.waitForText(/no\s+microphone/);
    me.keys('Tab');
    me.keys('+');
    await me.waitFor((s) => chatText(s).includes('no speaker in this call (choose one with --speaker)'), 'the no-speaker line');
    expect(me.text()).not.toContain('vol 110%');
    // Said once, not once per press: more presses leave the chat as it was.
    for (const key of ['+', '+', '-', 'm', 'm', 'b']) {
      me.keys(key);
      // One key a read, as typed (four or more printable characters in one read are taken for pasted text).
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await me.waitForText('bell off');
    const said = chatText(me.text());
    expect(said.match(/no speaker in this call/g)).toHaveLength(1);
    expect(said.match(/no\s+microphone in/g)).toHaveLength(1);
    // Hiding your own picture says so (alone in a call it would leave an empty screen).
    me.keys('i');
    await me.waitFor((s) => chatText(s).includes('your own picture is hidden (i shows it)'), 'the self view notice');
    await quit(me);
  });

  it('someone whose link dropped comes back to the spotlight and the volume you gave them, announced as back, not new', async () => {
    const port = await serve();
    // A speaker: volumes change nothing without one. PulseAudio is started here, not left to whichever audio test ran
    // first (in CI this file can run before any of them), and plays into a null sink of this test's own (PULSE_SINK):
    // the device tests record the default sink meanwhile, and her tone must not be in what they hear.
    execFileSync('bash', ['scripts/start-pulseaudio.sh'], { stdio: 'ignore', timeout: 30_000 });
    const sink = `lc_tui_${process.pid}`;
    const sinkModule = execFileSync('pactl', ['load-module', 'module-null-sink', `sink_name=${sink}`, 'rate=48000'], { encoding: 'utf8' }).trim();
    let alice = await joinHeadless(port, 'alice', { audio: 'tone' });
    const me = tui(
      ['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'default'],
      { width: 120, height: 36 },
      { PULSE_SINK: sink },
    );
    // After the terminal closes (cleanups run in order): a sink unloaded under a stream moves it to the default one.
    afterTest(() => execFileSync('pactl', ['unload-module', sinkModule], { stdio: 'ignore' }));
    await me.waitFor((s) => paneCount(s) === 2, 'two panes');
    me.keys('Tab');
    for (const key of ['-', '-', 'f']) {
      me.keys(key);
      await new Promise((resolve) => setTimeout(resolve, 100)); // one key a read, as typed
    }
    // Her pane fills the grid's width (the spotlight), titled with the volume you gave her.
    const spotlit = (s: string): boolean => /^┌─ (♪ )?alice \([^)]*vol 80%\) ─{50}/.test(s);
    await me.waitFor(spotlit, 'alice spotlit at 80 %');
    // Her link drops (the process is gone without a goodbye), and she comes back: a new participant to the server.
    alice.kill();
    await me.waitFor((s) => chatText(s).includes('alice dropped out (disconnected)'), 'the drop said');
    alice = await joinHeadless(port, 'alice', { audio: 'tone' });
    await me.waitFor((s) => chatText(s).includes('alice is back'), 'her return said');
    await me.waitFor(spotlit, 'alice spotlit at 80 % again');
    expect(chatText(me.text())).not.toContain('alice joined');
    await quit(me);
  });

  it("the stats overlay shows the size a sender's video arrives at now: the clip's first frames full size, then three quarters", async () => {
    const port = await serve();
    // The fixture clip is too detailed for the default 240 kbit/s at a clean quality: after its first frames the
    // sender's rate control sends it at 120×80 instead of 160×106.
    const ada = await joinHeadless(port, 'ada', { video: 'file:fixtures/clip-chelsea-3s.mp4' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 });
    await me.waitFor((s) => paneCount(s) === 2, 'two panes');
    me.keys('s');
    await me.waitForText('call statistics');
    await me.waitForText(/video\s+1\d\.\d\s+fps\s+120×80/);
    await quit(me);
  });

  it('a: audio only — the others\' panes show their names instead of video, the status bar says so; a again: video back', async () => {
    const port = await serve();
    const alice = await joinHeadless(port, 'alice', { video: 'pattern' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 });
    await me.waitFor((s) => paneCount(s) === 2, 'two panes');
    await me.waitFor((s) => !s.includes('waiting for video'), "alice's video");
    me.keys('a');
    // (The chat wraps the rest of the line inside its border.)
    await me.waitForText("audio only: the others'");
    await me.waitForText('audio only (a: video)');
    expect(me.text()).toMatch(/cam off audio only|no cam audio only/);
    expect(me.text()).toContain('▄▀▄'); // the A of ALICE, in block letters where her video was
    me.keys('a');
    await me.waitForText("video on: the others'");
    await me.waitFor((s) => !s.includes('audio only (a: video)'), 'the name view gone');
    await quit(me);
  });

  it('--symbols quadrant draws video in quadrants; g moves on to sextants, then back to half blocks, repainting every pane', async () => {
    const port = await serve();
    // The fixture clip: a photo, whose edges need the quadrants' and sextants' finer pixels.
    const ada = await joinHeadless(port, 'ada', { video: 'file:fixtures/clip-chelsea-3s.mp4' });
    const me = tui(
      ['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none', '--symbols', 'quadrant'],
      { width: 150, height: 36 },
    );
    const quadrants = /[▘▝▖▗▚▞▙▛▜▟]/g;
    const sextants = /[\u{1fb00}-\u{1fb3b}]/gu;
    const count = (s: string, re: RegExp): number => (s.match(re) ?? []).length;
    await me.waitFor((s) => count(s, quadrants) > 50, 'video in quadrants');
    expect(count(me.text(), sextants)).toBe(0);
    await me.waitForText('256 quadrant');
    me.keys('g');
    await me.waitForText('video drawn with sextants');
    const screen = await me.waitFor((s) => count(s, sextants) > 50 && count(s, quadrants) === 0, 'video in sextants, none left in quadrants');
    // Sextants are one column wide, as Unicode says: the pane's right border stays in its column on every row.
    const rows = screen.split('\n');
    const border = rows.findIndex((row) => row.includes('┌─ ada'));
    const right = [...rows[border]!].lastIndexOf('┐', [...rows[border]!].indexOf('┌─ chat'));
    for (const row of rows.slice(border + 1, border + 10)) expect([...row][right]).toBe('│');
    me.keys('g');
    await me.waitForText('video drawn with half blocks');
    // (My own pane shows my name in block letters, a few dozen half blocks; ada's video brings hundreds.)
    await me.waitFor((s) => count(s, sextants) === 0 && count(s, quadrants) === 0 && count(s, /[▀▄]/g) > 200, 'video in half blocks again');
    await quit(me);
  });

  it('turning the camera off leaves only the name view in the pane, no stale picture behind it; on again, video is back', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    // Video cells carry a background colour; the name view has none (its block letters are bold default colour).
    const colouredCells = /\x1b\[48;5;\d+m/;
    await me.waitFor((s) => leftPaneInside(s).filter((row) => colouredCells.test(row)).length > 5, 'video in my pane', 15_000, () => me.escapes());
    me.keys('v');
    await me.waitForText('your camera is off');
    const inside = leftPaneInside(me.escapes());
    expect(inside.length).toBeGreaterThan(10);
    expect(inside.filter((row) => colouredCells.test(row))).toEqual([]);
    me.keys('v');
    await me.waitFor((s) => leftPaneInside(s).filter((row) => colouredCells.test(row)).length > 5, 'video back in my pane', 15_000, () => me.escapes());
    await quit(me);
  });

  it('a 32-character name shows whole with its flags in a wide pane label; in a narrow one the flags go first, then the name is cut with …', async () => {
    const longest = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
    const port = await serve();
    const long = await joinHeadless(port, longest, { video: 'pattern' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    // Two panes of 50 columns: the whole label fits.
    await me.waitForText(`┌─ ${longest} (no mic) ─`);
    // Three panes of 33 columns: not even the name fits alone; it is cut visibly, alone, and the label stays on the border.
    const zed = await joinHeadless(port, 'zed', { video: 'pattern' });
    const screen = await me.waitFor((s) => paneCount(s) === 3, 'three panes');
    const [top, below] = screen.split('\n');
    expect(top).toMatch(/┌─ ABCDEFGHIJKLMNOPQRSTUVWXYZ[0-9]*… ─*┐/);
    expect(below).not.toMatch(/[A-Z0-9]/);
    await quit(me);
  });

  it('after a resize the chat still shows the newest line at its bottom, with history filling the panel above it; scrolled up, a new line leaves the view alone', async () => {
    const port = await serve();
    // Gets what the server sends me at the same moment: the sign that a line which must change nothing here arrived.
    const watcher = await joinHeadless(port, 'watcher');
    const bot = await joinHeadless(port, 'bot', { video: 'none' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 });
    await me.waitForText('joined as');
    // 80 lines at the client's chat pace (CLIENT_CHAT_PACE: 20 at once, then 5 a second) take 12 s of the test's 60.
    for (let i = 1; i <= 80; i++) bot.write(`line ${i} of the history\n`);
    await me.waitForText('bot: line 80 of the history');
    // Newest at the bottom (no empty rows under it) and no empty rows above it either: the panel is full.
    const newestAtBottom = (s: string): boolean => {
      const rows = chatRows(s);
      return rows.length > 0 && rows.at(-1)!.endsWith('bot: line 80 of the history') && rows.every((row) => row !== '');
    };
    // Chat rows inside the border at each size (src/tui/layout.ts): 250×70 shows 65 of the 83 lines.
    for (const [width, height, rows] of [[160, 48, 43], [80, 24, 3], [250, 70, 65], [100, 30, 4]] as const) {
      me.resize(width, height);
      await me.waitFor((s) => chatRows(s).length === rows && newestAtBottom(s), `${rows} chat rows, the newest at the bottom, at ${width}×${height}`, 5_000);
    }
    // Scrolled up to read: a new message does not pull the view back down; PgDn does.
    me.resize(160, 48);
    await me.waitFor((s) => chatRows(s).length === 43 && newestAtBottom(s), 'the newest at the bottom at 160×48', 5_000);
    me.keys('PageUp');
    const reading = await me.waitFor((s) => !chatRows(s).some((row) => row.includes('line 80 of')), 'scrolled up', 5_000);
    bot.write('a new line while reading\n');
    await watcher.waitForEvent((e) => e.type === 'chat' && e.text === 'a new line while reading');
    expect(chatRows(me.text())).toEqual(chatRows(reading));
    for (let i = 0; i < 10; i++) me.keys('PageDown');
    await me.waitFor((s) => chatRows(s).at(-1)!.endsWith('bot: a new line while reading'), 'the new line, after PgDn', 5_000);
    await quit(me);
  }, 60_000);

  it('in a terminal too small for the call shows only its notice, whatever chat arrives behind it, and the call when it grows', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 20, height: 5 });
    await me.waitForText('too small');
    // Gets what the server sends me at the same moment: the sign that the chat behind the notice arrived.
    const watcher = await joinHeadless(port, 'watcher');
    const bot = await joinHeadless(port, 'bot', { video: 'none' });
    const shown = (): string[] => me.text().split('\n').map((row) => row.trim()).filter((row) => row !== '');
    for (let i = 1; i <= 8; i++) bot.write(`line ${i}\n`);
    await watcher.waitForEvent((e) => e.type === 'chat' && e.text === 'line 8');
    expect(shown()).toEqual(['20×5: too small', 'needs 80×24', 'q leave']);
    me.resize(30, 5);
    await me.waitForText('30×5: too small');
    for (let i = 9; i <= 12; i++) bot.write(`line ${i}\n`);
    await watcher.waitForEvent((e) => e.type === 'chat' && e.text === 'line 12');
    expect(shown()).toEqual(['30×5: too small', 'needs 80×24', 'q leave · Ctrl-C leave now']);
    me.resize(100, 30);
    await me.waitFor((s) => chatRows(s).some((row) => row.endsWith('bot: line 12')), 'the call and its chat back', 5_000);
    await quit(me);
  });

  it('in a terminal too small for the call (60×18), a host sees the leave question over the notice, and the help', async () => {
    const port = await freePort();
    const host = tui(['host', '--bind', '127.0.0.1', '--port', String(port), '--name', 'hostess', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 60, height: 18 });
    await host.waitForText('needs at least 80×24');
    host.keys('q');
    // Over the notice, and still there after the screen's next 1 s relayouts: y must not end a call unasked.
    await host.waitForText('Leave? y / n');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(host.text()).toContain('Leaving ends the call for everyone');
    expect(host.text()).not.toContain('needs at least');
    host.keys('n');
    await host.waitFor((s) => s.includes('needs at least') && !s.includes('Leave?'), 'the notice back');
    // It says how to leave, as the status bar it stands in for did: for a host, that is ending the call.
    expect(host.text()).toContain('q end call · Ctrl-C end call now');
    host.keys('?');
    await host.waitForText('livecomm-tui keys');
    host.keys('x');
    await host.waitForText('needs at least');
    host.keys('q');
    await host.waitForText('Leave? y / n');
    host.keys('y');
    await host.waitFor(() => host.exitStatus() !== undefined, 'the host to exit');
    expect(host.exitStatus()).toBe(0);
  });

  it('TERM=xterm (terminfo: 8 colours): borders, "no camera" and the chat hint are bright black (90) on the terminal background, not black', async () => {
    const port = await serve();
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 100, height: 30 }, { TERM: 'xterm' });
    const escapes = await me.waitFor((s) => s.includes('press c or Enter to chat') && s.includes('joined as'), 'the call', 15_000, () => me.escapes());
    const hint = escapes.split('\n').find((row) => row.includes('press c or Enter to chat'))!;
    expect(hint).toMatch(/\x1b\[90m[^\x1b]*› press c or Enter to chat/);
    expect(sgrColors(hint)).not.toContain('40');
    // Nothing of the screen is drawn black (the status bar is white on blue).
    expect(sgrColors(escapes)).not.toContain('30');
    expect(escapes).toMatch(/\x1b\[90m┌/);
    await quit(me);
  });

  it('NO_COLOR: no colour anywhere on the screen (video in ASCII), and the focused pane marked ▸ instead of yellow', async () => {
    const port = await serve();
    await joinHeadless(port, 'alice', { video: 'pattern' });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'pattern', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 }, { NO_COLOR: '1' });
    await me.waitFor((s) => paneCount(s) === 2 && s.includes('in call') && !s.includes('waiting for video'), 'two panes with video');
    const escapes = me.escapes();
    expect(sgrColors(escapes)).toEqual([]);
    // Bold stays (the room's name in the status bar).
    expect(escapes).toContain('\x1b[1m');
    const focused = /┌─ ▸ (me|alice)[ ─]/.exec(me.text())?.[1];
    expect(focused).toBeDefined();
    expect(me.text().match(/▸/g)).toHaveLength(1);
    me.keys('Tab');
    const next = focused === 'me' ? 'alice' : 'me';
    await me.waitFor((s) => new RegExp(`┌─ ▸ ${next}[ ─]`).test(s) && paneTitle(focused!).test(s), 'the mark to move with the focus');
    expect(sgrColors(me.escapes())).toEqual([]);
    await quit(me);
  });

  it('shows who records the call: their pane says ● rec, the chat says so, as they join and to those who join later', async () => {
    const port = await serve();
    const recorder = await joinHeadless(port, 'archivist', { extra: ['--record', join(workspace.dir, 'rec-shown')] });
    const me = tui(['connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'none', '--speaker', 'none'], { width: 120, height: 36 });
    await me.waitFor((s) => chatText(s).includes('archivist is recording this call'), 'the chat to say who records');
    expect(me.text()).toMatch(/┌─ archivist \(● rec, no mic, no camera\) ─/);
    const late = await joinHeadless(port, 'late');
    expect(late.events().find((e) => e.type === 'joined')).toMatchObject({ participants: expect.arrayContaining([expect.objectContaining({ name: 'archivist', recording: true })]) });
    recorder.signal('SIGINT');
    await quit(me);
  });
});
