/**
 * In a real xterm on an Xvfb display: `--color auto` where the environment does not say (xterm sets no COLORTERM;
 * over SSH it stays behind), the terminal asked (DECRQSS, XTGETTCAP, DA1) and its answer deciding; `devices` saying
 * so; and the mouse, clicked through the X server. What the program drew is xterm's own log, replayed into
 * @xterm/headless where the screen's text matters.
 */
import xterm from '@xterm/headless';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_QUERY } from '../../src/tui/terminal-query.js';
import { BIN } from '../helpers/cli-process.js';
import { shellQuote } from '../helpers/tmux.js';
import { XDisplay } from '../helpers/x-display.js';
import { until } from '../helpers/wait.js';

let display: XDisplay;
beforeAll(async () => {
  display = await XDisplay.start();
}, 20_000);
afterAll(() => display?.stop());

const livecomm = (args: string): string => `${shellQuote(process.execPath)} ${shellQuote(BIN)} ${args}`;
const PREVIEW = livecomm('preview --once --video pattern --size 20x5');

/** What the program drew, without the question (whose probe colour is a 24-bit SGR itself). */
function drawn(output: string): string {
  expect(output).toContain(TERMINAL_QUERY);
  return output.replace(TERMINAL_QUERY, '');
}
const count = (text: string, pattern: RegExp): number => (text.match(pattern) ?? []).length;

/** The text of the call screen as it was last drawn, before blessed cleared it to leave (replayed in xterm.js). */
async function lastCallScreen(output: string, cols: number, rows: number): Promise<string> {
  const emulator = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  await new Promise<void>((done) => emulator.write(output.slice(0, output.lastIndexOf('\x1b[H\x1b[2J')), done));
  return Array.from({ length: rows }, (_, y) => emulator.buffer.active.getLine(y)?.translateToString(true) ?? '').join('\n');
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('--color auto asks the terminal', () => {
  it('xterm keeps 24-bit colour: truecolor half blocks, though TERM says 256 colours and COLORTERM is unset', async () => {
    const { status, output } = await display.xterm(PREVIEW, { cols: 40, rows: 10 });
    expect(status).toBe(0);
    const picture = drawn(output);
    expect(count(picture, /\x1b\[38;2;\d+;\d+;\d+;48;2;/g)).toBeGreaterThan(50);
    expect(picture).not.toMatch(/\x1b\[38;5;/);
  });

  it('xterm set to map 24-bit colour to its palette (directColor off): the colours TERM promises', async () => {
    const resources = ['XTerm*directColor: false'];
    const in256 = drawn((await display.xterm(PREVIEW, { cols: 40, rows: 10, resources })).output);
    expect(count(in256, /\x1b\[(38|48);5;\d+/g)).toBeGreaterThan(20);
    expect(in256).not.toMatch(/\x1b\[38;2;/);
    const in16 = drawn((await display.xterm(PREVIEW, { cols: 40, rows: 10, resources, term: 'xterm' })).output);
    expect(in16).not.toMatch(/\x1b\[38;[25];/);
    expect(count(in16, /\x1b\[(9[0-7]|3[0-7]|10[0-7]|4[0-7])[;m]/g)).toBeGreaterThan(5);
  });

  it('an explicit --color is not second-guessed: nothing is asked', async () => {
    const { output } = await display.xterm(livecomm('preview --once --video pattern --size 20x5 --color 256'), { cols: 40, rows: 10 });
    expect(output).not.toContain('\x1bP$qm');
    expect(output).toMatch(/\x1b\[38;5;/);
  });

  it('the call screen asks before it reads keys: truecolor video, and the answers never reach the call as keys', async () => {
    const cols = 120;
    const rows = 36;
    const configDir = mkdtempSync(join(tmpdir(), 'lc-xterm-config-'));
    const demo = livecomm(`demo --name ada --video pattern --audio none --speaker none --duration 6 --config-dir ${shellQuote(configDir)}`);
    const { status, output } = await display.xterm(demo, { cols, rows, timeoutMs: 40_000 });
    rmSync(configDir, { recursive: true, force: true });
    expect(status).toBe(0);
    const picture = drawn(output);
    // The last screen of the call: DA1's answer ends in "c", the chat key, so had it reached the call the chat line
    // would be open with the rest of the answer typed in it.
    const text = await lastCallScreen(picture, cols, rows);
    expect(text).toContain('ada (you');
    expect(text).toContain('press c or Enter to chat');
    expect(text).not.toMatch(/\?6[0-9];/);
    expect(count(picture, /\x1b\[38;2;\d+;\d+;\d+;48;2;/g)).toBeGreaterThan(200);
  }, 60_000);

  it('devices says what the terminal answered: 24-bit colour, and key presses only', async () => {
    const { status, output } = await display.xterm(livecomm('devices'), { cols: 120, rows: 30 });
    expect(status).toBe(0);
    expect(output).toContain('colours: truecolor, because the terminal reports 24-bit colour back');
    expect(output).toContain('push-to-talk: told from key repeats, because the terminal reports key presses only');
  });

});

describe('the mouse in xterm', () => {
  it('a click on a pane (the mouse, through the X server) spotlights that person; a click on the chat line opens it', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'lc-xterm-config-'));
    const demo = livecomm(`demo --name zoe --video pattern --audio none --speaker none --duration 8 --config-dir ${shellQuote(configDir)}`);
    const { status, output } = await display.xterm(demo, {
      cols: 120,
      rows: 36,
      timeoutMs: 40_000,
      whileRunning: async (written) => {
        // Three panes side by side once both guests are in (you, Ada, Grace): the middle of the top is Ada's.
        await until(() => written().includes('Grace'), 'both guests', 20_000);
        await sleep(1000);
        // The chat's input line ("› press c or Enter to chat"), found on the screen as drawn so far: a click opens it.
        const rowsNow = (await lastCallScreen(`${written()}\x1b[H\x1b[2J`, 120, 36)).split('\n');
        const inputRow = rowsNow.findIndex((row) => row.includes('press c or Enter to chat'));
        expect(inputRow).toBeGreaterThan(0);
        await display.click((rowsNow[inputRow]!.indexOf('press') + 2) / 120, (inputRow + 0.5) / 36);
        await sleep(300);
        await display.click(0.5, 0.2);
      },
    });
    rmSync(configDir, { recursive: true, force: true });
    expect(status).toBe(0);
    const text = await lastCallScreen(output, 120, 36);
    expect(text).toMatch(/┌─ (♪ )?Ada ─/);
    expect(text).not.toContain('Grace');
    expect(text).not.toContain('zoe (you');
    expect(text).not.toContain('press c or Enter to chat');
    expect(text).toMatch(/›\s*$/m);
  }, 60_000);
});
