import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatPanel } from '../../src/tui/chat-panel.js';
import { chromePaletteSize, colorsDropped, withoutColors } from '../../src/tui/screen-colors.js';
import { StatusBar } from '../../src/tui/status-bar.js';
import { createScreen, destroyScreen } from '../../src/tui/terminal.js';

/** Every SGR parameter written, in order. */
function sgrParameters(output: string): string[] {
  return [...output.matchAll(/\x1b\[([\d;]*)m/g)].flatMap((m) => m[1]!.split(';'));
}

/**
 * The colours `output` sets, one SGR parameter each: 30–37, 40–47, 90–97, 100–107, and 38 or 48 for a 256-colour or
 * RGB one (whose own numbers are not counted); 39 and 49, the defaults, are not colours.
 */
function colorParameters(output: string): string[] {
  const params = sgrParameters(output);
  const colors: string[] = [];
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p === '38' || p === '48') i += params[i + 1] === '5' ? 2 : 4;
    if (/^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p)) colors.push(p);
  }
  return colors;
}

const screens: Array<{ screen: blessed.Widgets.Screen; output: NodeJS.WriteStream }> = [];
afterEach(async () => {
  for (const { screen, output } of screens.splice(0)) await destroyScreen(screen, output, { terminalGone: true });
});

/** The call's screen on fake streams, as `env` would have it; `drawn()` is everything it wrote. */
function fakeTerminal(env: NodeJS.ProcessEnv): { screen: blessed.Widgets.Screen; drawn: () => string } {
  // Streams posing as a tty: the exact escapes, in-process; the tmux tests (integration/tui.test.ts) use a real one.
  const output = Object.assign(new PassThrough(), { columns: 80, rows: 24, isTTY: true }) as unknown as NodeJS.WriteStream;
  const input = Object.assign(new PassThrough(), { isTTY: true, isRaw: false, setRawMode: () => input }) as unknown as NodeJS.ReadStream;
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  const screen = createScreen({ input, output, env, title: 'test' });
  screens.push({ screen, output });
  return {
    screen,
    drawn: () => {
      screen.render();
      screen.program.flush();
      return written;
    },
  };
}

describe('the palette blessed draws the chrome with', () => {
  it('is 16 where terminfo claims 8 (xterm, linux): grey stays grey, not black', () => {
    expect(chromePaletteSize(8)).toBe(16);
    expect(chromePaletteSize(16)).toBe(16);
    expect(chromePaletteSize(256)).toBe(256);
    expect(chromePaletteSize(2)).toBe(2);
    expect(chromePaletteSize(-1)).toBe(16);
  });

  it('TERM=vt220 (no colours in terminfo; the video is 16 colours there): the status bar is white on blue, not red on black', () => {
    const { screen, drawn } = fakeTerminal({ TERM: 'vt220' });
    expect((screen.tput as unknown as { colors: number }).colors).toBe(16);
    new StatusBar(screen).place({ y: 22, height: 2 }, 80);
    const chat = new ChatPanel(screen);
    chat.place({ x: 0, y: 0, width: 80, height: 10 });
    const colors = colorParameters(drawn());
    expect(colors).toEqual(expect.arrayContaining(['44', '37', '90']));
    expect(colors).not.toContain('31');
    expect(colors).not.toContain('30');
    expect(colors).not.toContain('40');
  });

  it('TERM=xterm: borders and the chat hint are bright black (SGR 90) on the terminal background, never black (30) or on black (40)', () => {
    const { screen, drawn } = fakeTerminal({ TERM: 'xterm' });
    expect((screen.tput as unknown as { colors: number }).colors).toBe(16);
    const chat = new ChatPanel(screen);
    chat.place({ x: 0, y: 0, width: 80, height: 10 });
    const output = drawn();
    expect(output).toContain('press c or Enter to chat');
    const colors = colorParameters(output);
    expect(colors).toContain('90');
    expect(colors).not.toContain('30');
    expect(colors).not.toContain('40');
  });
});

describe('NO_COLOR', () => {
  it('takes the colours off a cell and keeps bold and inverse', () => {
    const bold = 1 << 18;
    const inverse = 8 << 18;
    const yellowOnBlue = ((bold | inverse) | (3 << 9) | 4);
    expect(withoutColors(yellowOnBlue)).toBe((bold | inverse) | (0x1ff << 9) | 0x1ff);
    expect(withoutColors((0x1ff << 9) | 0x1ff)).toBe((0x1ff << 9) | 0x1ff);
  });

  it('draws no colour at all, from styles or tags, and keeps bold', () => {
    const { screen, drawn } = fakeTerminal({ TERM: 'xterm-256color', NO_COLOR: '1' });
    expect(colorsDropped(screen)).toBe(true);
    blessed.box({ parent: screen, top: 0, left: 0, width: 40, height: 5, border: { type: 'line' }, tags: true, style: { border: { fg: 'yellow' }, bg: 'blue' }, content: '{green-fg}●{/green-fg} {bold}in call{/bold} {red-bg}x{/red-bg}' });
    const output = drawn();
    expect(output).toContain('in call');
    expect(sgrParameters(output)).toContain('1');
    expect(colorParameters(output)).toEqual([]);
  });

  it('without it the same screen is coloured (the check above can fail)', () => {
    const { screen, drawn } = fakeTerminal({ TERM: 'xterm-256color' });
    expect(colorsDropped(screen)).toBe(false);
    blessed.box({ parent: screen, top: 0, left: 0, width: 40, height: 5, border: { type: 'line' }, tags: true, style: { border: { fg: 'yellow' } }, content: '{green-fg}●{/green-fg}' });
    expect(colorParameters(drawn())).toEqual(expect.arrayContaining(['33', '32']));
  });
});
