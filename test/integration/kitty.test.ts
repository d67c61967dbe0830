/**
 * The call screen in kitty, whose keyboard protocol reports key releases: push-to-talk held from press to release
 * whatever the key repeat does, and the releases never typed as keys. kitty runs on an Xvfb display whose keyboard
 * does not repeat within the test (a 60 s repeat delay); keys are pressed and let go through the X server (xdotool).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, useCliWorkspace } from '../helpers/cli-process.js';
import { shellQuote } from '../helpers/tmux.js';
import { until } from '../helpers/wait.js';
import { XDisplay } from '../helpers/x-display.js';

const workspace = useCliWorkspace('lc-kitty-');
let display: XDisplay;
beforeAll(async () => {
  display = await XDisplay.start({ keyRepeatDelayMs: 60_000 });
}, 20_000);
afterAll(() => {
  display?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('push-to-talk in a terminal that reports key releases (kitty)', () => {
  it('talks from the press of Space to its release, with no key repeat at all; releases never reach the call as keys', async () => {
    const { port } = await workspace.serve();
    const bob = await workspace.joinHeadless(port, 'bob');

    const me = [process.execPath, BIN, 'connect', `127.0.0.1:${port}`, '--name', 'me', '--video', 'none', '--audio', 'tone:440', '--speaker', 'none', '--transmit', 'ptt']
      .map(shellQuote)
      .join(' ');
    // After the call, in the same terminal: what keyboard flags are left set (the call must take its own back).
    const flagsFile = join(workspace.dir, 'flags-after');
    const askFlags = `process.stdin.setRawMode(true); process.stdout.write('\\x1b[?u'); process.stdin.once('data', (d) => { require('fs').writeFileSync(${JSON.stringify(flagsFile)}, d.toString('latin1')); process.exit(0); })`;
    const kitty = display.kitty(`LIVECOMM_CONFIG_DIR=${shellQuote(join(workspace.dir, 'config'))} ${me}; status=$?; ${shellQuote(process.execPath)} -e ${shellQuote(askFlags)}; (exit $status)`);
    await bob.waitForEvent((e) => e.type === 'participant-joined' && e.name === 'me', 20_000);
    // The screen asks for releases after its first render; kitty answers at once.
    await sleep(1500);

    type Stats = { streams: Array<{ name: string; audio: { frames: number } }> };
    const statsEvents = (): Stats[] => bob.events().filter((e) => e.type === 'stats') as unknown as Stats[];
    const framesFromMe = (): number => statsEvents().reduce((n, s) => n + (s.streams.find((x) => x.name === 'me')?.audio.frames ?? 0), 0);
    expect(framesFromMe()).toBe(0);

    display.keys('keydown', 'space');
    await sleep(1500);
    display.keys('keyup', 'space');
    // Two more stats windows (2 s each), so every frame sent is counted.
    const seen = statsEvents().length;
    await until(() => statsEvents().length >= seen + 2, 'two stats windows', 8000);
    // 1.5 s held is 75 frames of 20 ms. Told from repeats, with none coming, it would have been the first-press
    // wait (700 ms, 35 frames); a missed release would go on for the whole 4 s counted.
    console.log(`push-to-talk in kitty: ${framesFromMe()} frames from me`);
    expect(framesFromMe()).toBeGreaterThan(65);
    expect(framesFromMe()).toBeLessThan(90);

    // Every key let go is a release report (`ESC [ 104 ; 1 : 3 u` for h): taken out, none is typed into the line.
    // Keys come as escape codes now (flag 8): Backspace, Enter, Esc and letters reach the call as they always did.
    display.keys('key', 'c');
    display.keys('type', '--delay', '40', 'hi therex');
    display.keys('key', 'BackSpace', 'Return');
    const chat = await bob.waitForEvent((e) => e.type === 'chat');
    expect(chat).toMatchObject({ from: 'me', text: 'hi there' });
    // Typing a space into the chat line does not talk.
    const afterChat = framesFromMe();
    const seenAfterChat = statsEvents().length;
    await until(() => statsEvents().length >= seenAfterChat + 1, 'a stats window', 5000);
    expect(framesFromMe() - afterChat).toBeLessThan(5);

    // The chat line stays open after a send: Esc closes it, and m is a call key again.
    display.keys('key', 'Escape');
    display.keys('key', 'm');
    await bob.waitForEvent((e) => e.type === 'state' && e.name === 'me' && e.muted === true);
    display.keys('key', 'q');
    expect(await kitty.exited).toBe(0);
    expect(await readFile(flagsFile, 'latin1')).toBe('\x1b[?0u');
  }, 60_000);

  it('devices, run in kitty, says push-to-talk hears releases there', async () => {
    // script(1) logs what devices writes while passing the questions and answers between it and kitty.
    const log = join(workspace.dir, 'devices.log');
    const devices = [process.execPath, BIN, 'devices'].map(shellQuote).join(' ');
    expect(await display.kitty(`script -q -e -c ${shellQuote(devices)} ${shellQuote(log)}`).exited).toBe(0);
    const output = await readFile(log, 'utf8');
    expect(output).toMatch(/colours: truecolor, because (COLORTERM=truecolor|TERM=xterm-kitty)/);
    expect(output).toContain('push-to-talk: from press to release, because the terminal reports key releases (kitty keyboard protocol)');
  }, 30_000);
});
