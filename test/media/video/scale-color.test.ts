import { describe, it, expect } from 'vitest';
import { fitInside, scaleRgba } from '../../../src/media/video/scale.js';
import { detectColorMode, explainColorMode, explainColorSetting, resolveColorMode, rgbTo16, rgbTo256 } from '../../../src/media/video/color.js';
import { rgbImage } from './helpers.js';

describe('scale', () => {
  it('box-averages when shrinking', () => {
    const src = rgbImage([
      [[0, 0, 0], [100, 0, 0], [0, 0, 0], [0, 0, 0]],
      [[0, 0, 0], [100, 0, 0], [0, 0, 200], [0, 0, 200]],
    ]);
    const out = scaleRgba(src, 2, 1);
    expect(Array.from(out.data)).toEqual([50, 0, 0, 255, 0, 0, 100, 255]);
  });

  it('interpolates when enlarging', () => {
    const out = scaleRgba(rgbImage([[[0, 0, 0], [200, 100, 40]]]), 4, 1);
    expect(Array.from(out.data.filter((_, i) => i % 4 === 0))).toEqual([0, 50, 150, 200]);
  });

  it('reuses the output buffer it is given', () => {
    const buf = new Uint8Array(64);
    const out = scaleRgba(rgbImage([[[9, 9, 9]]]), 2, 2, buf);
    expect(out.data).toBe(buf);
    expect(buf[0]).toBe(9);
  });

  it('fits inside a box with the aspect kept', () => {
    expect(fitInside(640, 480, { width: 160, height: 120 })).toEqual({ width: 160, height: 120 });
    expect(fitInside(1920, 1080, { width: 160, height: 120 })).toEqual({ width: 160, height: 90 });
    expect(fitInside(480, 640, { width: 160, height: 120 })).toEqual({ width: 90, height: 120 });
    expect(fitInside(10000, 1, { width: 160, height: 120 })).toEqual({ width: 160, height: 1 });
  });
});

describe('colour', () => {
  const envs: Array<[Record<string, string>, string]> = [
    [{ TERM: 'xterm-256color', COLORTERM: 'truecolor' }, 'truecolor'],
    [{ TERM: 'xterm', COLORTERM: '24bit' }, 'truecolor'],
    [{ TERM: 'xterm-direct' }, 'truecolor'],
    [{ TERM: 'xterm-kitty' }, 'truecolor'],
    [{ TERM: 'foot' }, 'truecolor'],
    [{ TERM: 'xterm-256color', VTE_VERSION: '7200' }, 'truecolor'],
    [{ TERM: 'xterm-256color', VTE_VERSION: '3405' }, '256'],
    [{ TERM: 'tmux-256color', VTE_VERSION: '7200', TMUX: '/tmp/tmux-0/default,1,0' }, '256'],
    [{ TERM: 'tmux-256color' }, '256'],
    [{ TERM: 'xterm' }, '16'],
    [{ TERM: 'linux' }, '16'],
    [{ TERM: 'dumb', COLORTERM: 'truecolor' }, 'mono'],
    [{}, 'mono'],
    [{ TERM: 'xterm-256color', COLORTERM: 'truecolor', NO_COLOR: '1' }, 'mono'],
    [{ TERM: 'xterm-256color', NO_COLOR: '' }, '256'],
  ];
  for (const [env, mode] of envs) {
    it(`detects ${mode} from ${JSON.stringify(env)}`, () => {
      expect(detectColorMode(env)).toBe(mode);
    });
  }
  it('says what decided, for devices', async () => {
    expect(explainColorMode({ TERM: 'xterm-256color', COLORTERM: 'truecolor' })).toEqual({ mode: 'truecolor', because: 'COLORTERM=truecolor' });
    expect(explainColorMode({ TERM: 'xterm-256color', NO_COLOR: '1' })).toEqual({ mode: 'mono', because: 'NO_COLOR is set' });
    expect(explainColorMode({ TERM: 'tmux-256color', TMUX: '/tmp/tmux-0/default,1,0' }, '256,title').because).toBe(
      'TERM=tmux-256color, and tmux does not say the terminal showing it has RGB',
    );
    const ask = (answer: boolean | undefined) => ({ terminalHasTruecolor: async () => answer });
    expect(await explainColorSetting('auto', { TERM: 'xterm-256color' }, ask(true))).toEqual({ mode: 'truecolor', because: 'the terminal reports 24-bit colour back' });
    expect((await explainColorSetting('auto', { TERM: 'xterm-256color' }, ask(false))).because).toBe('TERM=xterm-256color; the terminal did not report 24-bit colour');
    expect((await explainColorSetting('auto', { TERM: 'xterm' }, ask(undefined))).because).toBe('TERM=xterm; the terminal did not answer');
    expect(await explainColorSetting('16', { COLORTERM: 'truecolor' })).toEqual({ mode: '16', because: '--color 16' });
  });
  it('an explicit --color wins over the environment', async () => {
    expect(await resolveColorMode('16', { COLORTERM: 'truecolor' })).toBe('16');
    expect(await resolveColorMode('auto', { COLORTERM: 'truecolor' })).toBe('truecolor');
  });
  it('inside tmux, truecolor when tmux says the terminal around it has RGB, and tmux is asked only then', async () => {
    const inTmux = { TERM: 'tmux-256color', TMUX: '/tmp/tmux-0/default,123,0' };
    expect(detectColorMode(inTmux, '256,bpaste,clipboard,RGB,title')).toBe('truecolor');
    expect(detectColorMode(inTmux, '256,bpaste,clipboard,title')).toBe('256');
    expect(detectColorMode(inTmux)).toBe('256');
    // An old `set -g default-terminal screen`: tmux still takes 256 colours from the pane, as the chrome relies on.
    expect(explainColorMode({ TERM: 'screen', TMUX: '/tmp/tmux-0/default,123,0' }, 'bpaste,clipboard,title')).toEqual({
      mode: '256',
      because: 'tmux takes 256 colours whatever TERM=screen says, and tmux does not say the terminal showing it has RGB',
    });
    expect(detectColorMode({ TERM: 'screen', STY: '123.pts-0.host' })).toBe('16');
    // Features without TMUX (a stale answer) change nothing; NO_COLOR still wins.
    expect(detectColorMode({ TERM: 'xterm-256color' }, 'RGB')).toBe('256');
    expect(detectColorMode({ ...inTmux, NO_COLOR: '1' }, 'RGB')).toBe('mono');
    let asked = 0;
    const ask = (): string => {
      asked += 1;
      return 'RGB';
    };
    expect(await resolveColorMode('auto', inTmux, { tmuxClientFeatures: ask })).toBe('truecolor');
    expect(await resolveColorMode('256', inTmux, { tmuxClientFeatures: ask })).toBe('256');
    expect(await resolveColorMode('auto', { TERM: 'xterm-256color' }, { tmuxClientFeatures: ask })).toBe('256');
    expect(asked).toBe(1);
  });
  it('asks the terminal itself only when the environment found a palette terminal outside tmux and screen', async () => {
    const asked: string[] = [];
    const terminalSays = (answer: boolean | undefined) => async (): Promise<boolean | undefined> => {
      asked.push(String(answer));
      return answer;
    };
    const overSsh = { TERM: 'xterm-256color' };
    expect(await resolveColorMode('auto', overSsh, { terminalHasTruecolor: terminalSays(true) })).toBe('truecolor');
    expect(await resolveColorMode('auto', overSsh, { terminalHasTruecolor: terminalSays(false) })).toBe('256');
    expect(await resolveColorMode('auto', { TERM: 'xterm' }, { terminalHasTruecolor: terminalSays(undefined) })).toBe('16');
    expect(asked).toEqual(['true', 'false', 'undefined']);
    // Settled by the environment, or a multiplexer/console between us and the terminal: not asked.
    const never = { terminalHasTruecolor: terminalSays(true) };
    expect(await resolveColorMode('auto', { ...overSsh, COLORTERM: 'truecolor' }, never)).toBe('truecolor');
    expect(await resolveColorMode('auto', { ...overSsh, NO_COLOR: '1' }, never)).toBe('mono');
    expect(await resolveColorMode('auto', { TERM: 'tmux-256color', TMUX: '/tmp/tmux-0/default,1,0' }, never)).toBe('256');
    expect(await resolveColorMode('auto', { TERM: 'screen-256color', STY: '12.pts-0.host' }, never)).toBe('256');
    expect(await resolveColorMode('auto', { TERM: 'linux' }, never)).toBe('16');
    expect(await resolveColorMode('auto', { TERM: 'eterm-color' }, never)).toBe('16');
    expect(await resolveColorMode('256', overSsh, never)).toBe('256');
    expect(asked).toHaveLength(3);
  });
  it('quantises onto the cube, the grey ramp and the ANSI colours', () => {
    expect(rgbTo256(255, 0, 0)).toBe(196);
    expect(rgbTo256(0, 0, 0)).toBe(16);
    expect(rgbTo256(88, 88, 88)).toBe(240); // grey ramp: 8 + 10·8
    expect(rgbTo256(215, 135, 95)).toBe(173); // cube 5,2,1
    expect(rgbTo16(250, 250, 250)).toBe(15);
    expect(rgbTo16(0, 190, 0)).toBe(2);
  });
});
