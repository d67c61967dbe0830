import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Real terminal emulators on an X display with no screen (Xvfb), for what tmux and xterm.js cannot show:
 * - xterm answers DECRQSS, DA1 and XTVERSION as the terminals in users' hands do, and reports mouse clicks made
 *   through the X server (xdotool); what the program wrote is read back from xterm's own log (`-l`);
 * - kitty speaks the kitty keyboard protocol (key releases); keys are pressed and let go through the X server with
 *   xdotool (XTEST), as a keyboard would.
 */
export class XDisplay {
  private constructor(
    private readonly xvfb: ChildProcess,
    readonly display: string,
    private readonly dir: string,
  ) {}

  /**
   * Starts Xvfb on a free display (it picks one and says which on the fd given to -displayfd). `keyRepeatDelayMs`:
   * how long a key is held before the X server repeats it (a long delay: a keyboard that does not repeat).
   */
  static async start(options: { keyRepeatDelayMs?: number } = {}): Promise<XDisplay> {
    const repeat = options.keyRepeatDelayMs === undefined ? [] : ['-ardelay', String(options.keyRepeatDelayMs)];
    const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp', ...repeat], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    const number = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s')), 10_000);
      xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) {
          clearTimeout(timer);
          resolve(text.trim());
        }
      });
      xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before it had a display`)));
    });
    return new XDisplay(xvfb, `:${number}`, mkdtempSync(join(tmpdir(), 'lc-xdisplay-')));
  }

  private runs = 0;

  /**
   * Runs `command` (a shell line) in an xterm of `cols`×`rows` with TERM=`term` and no COLORTERM, as a terminal
   * started by a user's desktop; `resources` are X resources (`XTerm*directColor: false`). Resolves when the
   * command has ended, with its exit status and every byte it wrote to the terminal.
   */
  async xterm(
    command: string,
    options: {
      cols: number;
      rows: number;
      term?: string;
      resources?: string[];
      timeoutMs?: number;
      /** Acts while the command runs, with what it has written so far (xterm writes its log as it goes). */
      whileRunning?: (written: () => string) => Promise<void>;
    },
  ): Promise<{ status: number; output: string }> {
    const run = this.runs++;
    const log = join(this.dir, `${run}.log`);
    const status = join(this.dir, `${run}.status`);
    const env = this.terminalEnv();
    const args = [
      '-geometry', `${options.cols}x${options.rows}`,
      '-tn', options.term ?? 'xterm-256color',
      ...(options.resources ?? []).flatMap((resource) => ['-xrm', resource]),
      '-l', '-lf', log,
      '-e', 'sh', '-c', `${command}; echo $? > ${status}`,
    ];
    const exited = ended(spawn('xterm', args, { env, stdio: 'ignore' }), command, options.timeoutMs ?? 30_000);
    await options.whileRunning?.(() => (existsSync(log) ? readFileSync(log, 'utf8') : ''));
    await exited;
    return { status: Number(readFileSync(status, 'utf8')), output: readFileSync(log, 'utf8') };
  }

  /**
   * Starts `command` (a shell line) in a kitty window; `exited` resolves with its exit status when it ends. Drive
   * it with {@link keys}.
   */
  kitty(command: string, options: { timeoutMs?: number } = {}): { exited: Promise<number> } {
    const status = join(this.dir, `${this.runs++}.status`);
    const kitty = spawn('kitty', ['-o', 'font_size=8', '-o', 'remember_window_size=no', '-o', 'initial_window_width=1000', '-o', 'initial_window_height=640', 'sh', '-c', `${command}; echo $? > ${status}`], {
      env: this.terminalEnv(),
      stdio: 'ignore',
    });
    return { exited: ended(kitty, command, options.timeoutMs ?? 60_000).then(() => Number(readFileSync(status, 'utf8'))) };
  }

  /**
   * xdotool on this display, e.g. `keys('keydown', 'space')`, `keys('type', 'hello')`: to the focused window, the
   * only one there is.
   */
  keys(...args: string[]): void {
    execFileSync('xdotool', args, { env: { ...process.env, DISPLAY: this.display }, stdio: 'ignore' });
  }

  /**
   * Clicks the left button at a point of the (only) terminal window, given as fractions of its width and height:
   * the X server sends it to the terminal, which reports it to the program as a mouse event.
   */
  async click(xFraction: number, yFraction: number): Promise<void> {
    const env = { ...process.env, DISPLAY: this.display };
    const window = execFileSync('xdotool', ['search', '--onlyvisible', '--class', 'xterm|kitty'], { env, encoding: 'utf8' }).trim().split('\n')[0]!;
    const geometry = execFileSync('xdotool', ['getwindowgeometry', '--shell', window], { env, encoding: 'utf8' });
    const size = (name: string): number => Number(new RegExp(`${name}=(\\d+)`).exec(geometry)?.[1] ?? 0);
    this.keys('mousemove', '--sync', '--window', window, String(Math.round(size('WIDTH') * xFraction)), String(Math.round(size('HEIGHT') * yFraction)));
    // As a hand does it, one step at a time (xdotool's own chaining sent the press before the pointer had moved).
    await pause(300);
    this.keys('mousedown', '1');
    await pause(100);
    this.keys('mouseup', '1');
  }

  /** As a desktop starts a terminal: no COLORTERM, not inside tmux or screen. */
  private terminalEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, DISPLAY: this.display };
    for (const name of ['COLORTERM', 'TMUX', 'STY', 'TERM_PROGRAM', 'NO_COLOR']) delete env[name];
    return env;
  }

  stop(): void {
    this.xvfb.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function ended(child: ChildProcess, command: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the terminal running "${command}" did not end within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
