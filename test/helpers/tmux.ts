import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real terminal for TUI tests: a tmux session on its own server socket, driven with send-keys and read with
 * capture-pane (the method the environment notes recommend for terminal programs).
 */
export class TmuxSession {
  private static counter = 0;
  readonly socket: string;
  private readonly statusFile: string;
  readonly name = 'lc';

  constructor(command: string, options: { width: number; height: number; env?: Record<string, string> }) {
    this.socket = `lc-test-${process.pid}-${TmuxSession.counter++}`;
    const envArgs = Object.entries(options.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // The shell writes the program's exit status to a file when it ends: tmux's own pane_dead_status is not set on
    // every version, and the screen is the program's to clear.
    this.statusFile = join(tmpdir(), `${this.socket}.status`);
    // The shell stays a second after writing it: tmux may drop output it has not read yet when a pane dies, and the
    // last lines a program prints as it exits are often what a test checks.
    const wrapped = `${command}; echo $? > ${this.statusFile}; sleep 1`;
    this.tmux(['new-session', '-d', '-s', this.name, '-x', String(options.width), '-y', String(options.height), ...envArgs, wrapped]);
    // Keep the pane after the command exits, so its last screen and exit can be read.
    this.tmux(['set-option', '-w', '-t', this.name, 'remain-on-exit', 'on']);
  }

  /** The screen as text (no escapes). */
  text(): string {
    return this.tmux(['capture-pane', '-p', '-t', this.name]);
  }

  /** The screen with colour escapes as tmux stores them. */
  escapes(): string {
    return this.tmux(['capture-pane', '-p', '-e', '-t', this.name]);
  }

  keys(...keys: string[]): void {
    this.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Types text literally (no key-name lookup). */
  type(text: string): void {
    this.tmux(['send-keys', '-t', this.name, '-l', text]);
  }

  /**
   * Pastes `text` as a terminal does (tmux's paste-buffer: line breaks become CR, as Enter would send them), between
   * bracketed-paste marks when the program asked for them, unless `bracketed` is false (a terminal without them).
   */
  paste(text: string, bracketed = true): void {
    this.tmux(['set-buffer', '-b', 'lc-paste', text]);
    this.tmux(['paste-buffer', ...(bracketed ? ['-p'] : []), '-d', '-b', 'lc-paste', '-t', this.name]);
  }

  resize(width: number, height: number): void {
    this.tmux(['resize-window', '-t', this.name, '-x', String(width), '-y', String(height)]);
  }

  /** The exit status of the program in the pane, once it has exited. */
  exitStatus(): number | undefined {
    try {
      const text = readFileSync(this.statusFile, 'utf8').trim();
      return text === '' ? undefined : Number(text);
    } catch {
      return undefined;
    }
  }

  async waitFor(predicate: (screen: string) => boolean, what: string, timeoutMs = 15_000, read: () => string = () => this.text()): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = read();
      if (predicate(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; processes:\n${this.processes()}\nscreen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  waitForText(text: string | RegExp, timeoutMs?: number): Promise<string> {
    return this.waitFor((s) => (typeof text === 'string' ? s.includes(text) : text.test(s)), String(text), timeoutMs);
  }

  /** The pane's process tree with states, for failure messages. */
  processes(): string {
    try {
      const pid = this.tmux(['display-message', '-p', '-t', this.name, '#{pane_pid}']).trim();
      return execFileSync('ps', ['-o', 'pid,stat,wchan:24,args', '--ppid', pid, '-p', pid], { encoding: 'utf8' });
    } catch (err) {
      return `(no process list: ${(err as Error).message})`;
    }
  }

  /** The program in the pane: the children of the pane's shell. */
  programPids(): number[] {
    const shell = this.tmux(['display-message', '-p', '-t', this.name, '#{pane_pid}']).trim();
    return execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  }

  /** Sends `signal` to the program in the pane, as `kill` from elsewhere would. */
  signalProgram(signal: NodeJS.Signals): void {
    for (const pid of this.programPids()) process.kill(pid, signal);
  }

  /** A tmux format of the pane, e.g. `#{alternate_on}` (1 while the program is on the alternate screen). */
  paneFormat(format: string): string {
    return this.tmux(['display-message', '-p', '-t', this.name, format]).trim();
  }

  /** Ends the tmux server: the pane's processes get SIGHUP, as when a terminal window is closed or SSH drops. */
  kill(): void {
    rmSync(this.statusFile, { force: true });
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

/** Quotes a string for sh. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
