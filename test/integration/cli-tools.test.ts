/** The helper commands as a new user runs them: preview (once and live), devices, and the packed install. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import xterm from '@xterm/headless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli-process.js';
import { TmuxSession, shellQuote } from '../helpers/tmux.js';
import { until } from '../helpers/wait.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-tools-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function screenOf(output: string, cols: number, rows: number): Promise<InstanceType<typeof xterm.Terminal>> {
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true, convertEol: true });
  await new Promise<void>((done) => term.write(output, done));
  return term;
}

describe('preview', () => {
  it('--once prints one frame at the asked size, in the asked colour mode, that a terminal shows as the photo', async () => {
    const truecolor = await runCli(['preview', '--video', 'file:fixtures/chelsea-200.jpg', '--once', '--size', '40x12', '--color', 'truecolor']);
    expect(truecolor.code).toBe(0);
    const lines = truecolor.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(6);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(truecolor.stdout).toMatch(/\x1b\[38;2;\d+;\d+;\d+m/);
    // The photo (a tabby cat on a brown background) is mostly warm: red above blue in the cells a terminal shows.
    const term = await screenOf(truecolor.stdout, 40, 14);
    let red = 0;
    let blue = 0;
    for (let r = 0; r < lines.length; r++) {
      for (let c = 0; c < 40; c++) {
        const cell = term.buffer.active.getLine(r)?.getCell(c);
        if (!cell?.isBgRGB()) continue;
        red += (cell.getBgColor() >> 16) & 255;
        blue += cell.getBgColor() & 255;
      }
    }
    expect(red).toBeGreaterThan(blue);

    const palette = await runCli(['preview', '--video', 'file:fixtures/chelsea-200.jpg', '--once', '--size', '40x12', '--color', '256']);
    expect(palette.stdout).toMatch(/\x1b\[38;5;\d+m/);
    expect(palette.stdout).not.toMatch(/\x1b\[38;2;/);
    // --symbols: the same photo in quadrants and sextants, whose characters the terminal shows one column wide.
    for (const [symbols, characters] of [['quadrant', /[▘▝▖▗▚▞▙▛▜▟]/u], ['sextant', /[\u{1fb00}-\u{1fb3b}]/u]] as const) {
      const fine = await runCli(['preview', '--video', 'file:fixtures/chelsea-200.jpg', '--once', '--size', '40x12', '--color', 'truecolor', '--symbols', symbols]);
      expect(fine.code).toBe(0);
      expect(fine.stdout).toMatch(characters);
      // Each character in one column: the line's last character lands in the column its count says.
      const line = [...(fine.stdout.split('\n')[3] ?? '').replace(/\x1b\[[\d;]*m/g, '')];
      expect(line.length).toBeGreaterThan(30);
      const shown = await screenOf(fine.stdout, 40, 14);
      expect(shown.buffer.active.getLine(3)?.getCell(line.length - 1)?.getChars()).toBe(line.at(-1) === ' ' ? '' : line.at(-1));
    }
    const mono = await runCli(['preview', '--video', 'pattern', '--once', '--size', '30x8', '--color', 'mono']);
    expect(mono.code).toBe(0);
    expect(mono.stdout).not.toContain('\x1b[3');
    expect(mono.stdout.trim().length).toBeGreaterThan(0);
  });

  it('--once in a terminal leaves a row for the prompt: the top row of the picture stays on screen', async () => {
    const args = ['preview', '--video', 'file:fixtures/chelsea-200.jpg', '--once', '--color', 'mono'];
    const expected = (await runCli([...args, '--size', '40x11'])).stdout.split('\n');
    // In a 40×12 terminal: 40×11 by default, and a --size larger than the terminal is held to it, as the help says
    // ("at most the terminal's"): no wrapped lines.
    for (const extra of [[], ['--size', '200x60']]) {
      const term = new TmuxSession([process.execPath, BIN, ...args, ...extra].map(shellQuote).join(' '), { width: 40, height: 12 });
      try {
        await until(() => term.exitStatus() !== undefined, 'the preview to exit', 15_000);
        expect(term.exitStatus()).toBe(0);
        const shown = term.text().split('\n');
        expect(shown[0]?.trimEnd()).toBe(expected[0]?.trimEnd());
        expect(shown[10]?.trimEnd()).toBe(expected[10]?.trimEnd());
      } finally {
        term.kill();
      }
    }
  });

  it('ends quietly, exit 0, when whoever reads the printed frame stops early (`| head`)', () => {
    const result = execFileSync('bash', ['-c', `node ${shellQuote(BIN)} preview --once --video pattern --size 200x60 --color truecolor 2>&1 | head -c 10 >/dev/null; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
    expect(result.trim()).toBe('exit 0');
  });

  it('refuses a missing file and a bad size with exit 2', async () => {
    const missing = await runCli(['preview', '--video', 'file:/nope.jpg', '--once']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const size = await runCli(['preview', '--video', 'pattern', '--once', '--size', 'big']);
    expect(size.code).toBe(2);
    const huge = await runCli(['preview', '--video', 'pattern', '--once', '--size', '5000x5000']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/between 1 and 1000/);
  });

  it('exits 2 with one sentence for a file that is not a picture: a folder, a file ffmpeg cannot read', async () => {
    const cases: Array<[string, RegExp]> = [
      ['file:/tmp', /^livecomm-tui: --video file:\/tmp: a folder, not an image or video file\n$/],
      ['file:/etc/passwd', /^livecomm-tui: video file \/etc\/passwd: ffmpeg could not read it \(Invalid data found when processing input\)\.\n$/],
    ];
    for (const [source, message] of cases) {
      const result = await runCli(['preview', '--video', source, '--once']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    // A named camera that is not there is a missing device, as a missing microphone is: the pattern, and why.
    const noCamera = await runCli(['preview', '--video', 'v4l2:/dev/livecomm-no-camera', '--once', '--size', '20x5']);
    expect(noCamera.code).toBe(0);
    expect(noCamera.stderr).toBe('livecomm-tui: no camera at /dev/livecomm-no-camera (livecomm-tui devices lists the cameras) — using a test pattern instead\n');
    expect(noCamera.stdout.trimEnd().split('\n')).toHaveLength(5);
  });

  it('inside tmux, --color auto draws in 24-bit colour when tmux says the terminal showing it has RGB, else 256', async () => {
    // tmux inside tmux: the inner one's client is the outer one's pane, a terminal with RGB (set here, as a user's
    // terminal-features would; tmux ≥ 3.2 also learns it from the terminals it knows).
    const inner = `lc-inner-${process.pid}`;
    const tmuxInner = (...args: string[]): string => execFileSync('tmux', ['-L', inner, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const preview = (out: string): string =>
      [process.execPath, BIN, 'preview', '--video', 'pattern', '--once', '--size', '20x5'].map(shellQuote).join(' ') + ` > ${shellQuote(out)}`;
    const go = join(dir, 'go');
    const [detached, attached] = [join(dir, 'detached.txt'), join(dir, 'attached.txt')];
    let outer: TmuxSession | undefined;
    try {
      tmuxInner('new-session', '-d', '-s', 'in', '-x', '80', '-y', '20', `${preview(detached)}; while [ ! -e ${shellQuote(go)} ]; do sleep 0.1; done; ${preview(attached)}; sleep 30`);
      tmuxInner('set-option', '-g', 'terminal-features', 'xterm*:RGB');
      // No terminal shows the session yet: tmux knows of no RGB, and 256 colours it is.
      await until(() => existsSync(detached) && readFileSync(detached, 'utf8').includes('\x1b[0m'), 'the preview in the detached session', 15_000);
      expect(readFileSync(detached, 'utf8')).toMatch(/\x1b\[38;5;\d+/);
      outer = new TmuxSession(`env -u TMUX TERM=xterm-256color tmux -L ${inner} attach -t in`, { width: 90, height: 24 });
      await until(() => tmuxInner('list-clients').includes('in'), 'the outer tmux attached', 15_000);
      writeFileSync(go, '');
      await until(() => existsSync(attached) && readFileSync(attached, 'utf8').includes('\x1b[0m'), 'the preview with a terminal attached', 15_000);
      expect(readFileSync(attached, 'utf8')).toMatch(/\x1b\[38;2;\d+;\d+;\d+/);
    } finally {
      outer?.kill();
      try {
        tmuxInner('kill-server');
      } catch {
        // Already gone.
      }
    }
  });

  it('runs live in the --size asked for, not the whole terminal', async () => {
    const term = new TmuxSession([process.execPath, BIN, 'preview', '--video', 'pattern', '--size', '20x5', '--color', 'mono'].map(shellQuote).join(' '), { width: 80, height: 24 });
    try {
      const screen = await term.waitFor((s) => s.includes('q quits') && s.split('\n')[2]!.trim() !== '', 'the picture');
      const rows = screen.split('\n');
      expect(Math.max(...rows.slice(0, 5).map((r) => r.trimEnd().length))).toBeLessThanOrEqual(20);
      expect(rows.slice(5, 23).every((r) => r.trim() === '')).toBe(true);
      term.keys('q');
      await until(() => term.exitStatus() !== undefined, 'the preview to exit');
      expect(term.exitStatus()).toBe(0);
    } finally {
      term.kill();
    }
  });

  it('runs live in a terminal until q; r and g try the colour modes and symbols', async () => {
    const term = new TmuxSession([process.execPath, BIN, 'preview', '--video', 'file:fixtures/clip-chelsea-3s.mp4'].map(shellQuote).join(' '), { width: 80, height: 24 });
    try {
      await term.waitForText('q quits');
      await term.waitForText('256, half');
      await term.waitFor((s) => s.includes('▀'), 'the picture');
      term.keys('g');
      await term.waitForText('256, quadrant');
      await term.waitFor((s) => /[▘▝▖▗▚▞▙▛▜▟]/.test(s), 'the picture in quadrants');
      term.keys('r');
      await term.waitForText('16, quadrant');
      await term.waitFor((s) => /\x1b\[(9[0-7]|3[0-7])m/.test(s) && !/\x1b\[38;5;/.test(s), '16 colours', 10_000, () => term.escapes());
      term.keys('q');
      await term.waitFor(() => term.exitStatus() !== undefined, 'exit');
      expect(term.exitStatus()).toBe(0);
    } finally {
      term.kill();
    }
  });
});

describe('preview of a file that does not play', () => {
  it('live, it exits 2 with the reason, as --once does: a file ffmpeg cannot read is not a bug (exit 1)', async () => {
    const bad = join(dir, 'notes.mp4');
    writeFileSync(bad, 'hello, not a video\n');
    const once = await runCli(['preview', '--video', `file:${bad}`, '--once']);
    expect(once.code).toBe(2);
    const term = new TmuxSession([process.execPath, BIN, 'preview', '--video', `file:${bad}`, '--color', 'mono'].map(shellQuote).join(' '), { width: 80, height: 24 });
    try {
      await until(() => term.exitStatus() !== undefined, 'the preview to exit', 15_000);
      expect(term.exitStatus()).toBe(once.code);
      // The terminal wraps the sentence at 80 columns, mid-word.
      expect(term.text().replace(/\n/g, '')).toContain('ffmpeg could not read it (Invalid data found');
    } finally {
      term.kill();
    }
  });
});

describe('devices', () => {
  it('lists cameras, microphones and speakers as JSON and as text', async () => {
    execFileSync('bash', ['scripts/start-pulseaudio.sh'], { stdio: 'ignore', timeout: 30_000 });
    const json = await runCli(['devices', '--json']);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as { cameras: unknown[]; microphones: Array<{ name: string; default: boolean }>; speakers: unknown[] };
    expect(Array.isArray(list.cameras)).toBe(true);
    // PulseAudio's virtual sound card gives PortAudio a default microphone and speaker.
    expect(list.microphones.some((m) => m.default)).toBe(true);
    expect(list.speakers.length).toBeGreaterThan(0);
    const text = await runCli(['devices']);
    expect(text.stdout).toContain('Cameras');
    expect(text.stdout).toContain('(default)');
    // Run from a pipe, it cannot say what a terminal can do (the xterm and kitty tests run it in those terminals).
    expect(text.stdout).toContain('This terminal (--color, --transmit ptt)\n  not a terminal: run devices in the terminal you will call from');
    expect(list).toMatchObject({ terminal: null });
  });
});

describe('the npm package', () => {
  it('packs, installs globally and puts livecomm-tui on the PATH', async () => {
    // --ignore-scripts: dist/ is already built (pretest), and `prepare` would rewrite it file by file while other test
    // files start the CLI from it (one of them once read a half-written module).
    const tarball = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop()!;
    const prefix = join(dir, 'global');
    // Scripts off: the optional native audio module is not needed to check the command itself.
    execFileSync('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', join(dir, tarball)], { stdio: 'ignore', timeout: 120_000 });
    const bin = join(prefix, 'bin', 'livecomm-tui');
    expect(existsSync(bin)).toBe(true);
    const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
    expect(version).toBe('0.1.0');
    const frame = execFileSync(bin, ['preview', '--video', 'pattern', '--once', '--size', '20x6', '--color', '256'], { encoding: 'utf8', cwd: resolve(dir) });
    expect(frame).toMatch(/\x1b\[38;5;\d+m/);
  }, 180_000);
});
