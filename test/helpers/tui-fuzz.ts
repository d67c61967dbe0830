import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli-process.js';
import { shellQuote } from './tmux.js';

/**
 * Several real call screens in windows of one tmux server (a session each) (test/integration/tui-fuzz.test.ts): each window runs
 * `livecomm-tui ARGS`, then records its exit status and the terminal's modes (`stty -a`) once it is back to the shell,
 * and waits there, so a window outlives its program and can run it again.
 */
export class TmuxWindows {
  readonly socket: string;
  private readonly started = new Set<string>();

  constructor(readonly dir: string, socket: string) {
    this.socket = socket;
  }

  /** Starts (or restarts) `livecomm-tui ARGS` in window `name`, `width`×`height`. */
  run(name: string, args: string[], size: { width: number; height: number }, env: Record<string, string>): void {
    rmSync(this.statusFile(name), { force: true });
    rmSync(this.sttyFile(name), { force: true });
    const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
    const script = `${command}; echo $? > ${this.statusFile(name)}; stty -a > ${this.sttyFile(name)}; sleep 100000`;
    const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    // A session per window, so each has a size of its own: tmux 3.3a's server crashes on new-window in a detached
    // session with window-size manual.
    if (this.started.has(name)) {
      this.tmux(['respawn-window', '-k', '-t', `${name}:${name}`, ...envArgs, script]);
      this.resize(name, size.width, size.height);
    } else {
      this.tmux(['new-session', '-d', '-s', name, '-n', name, '-x', String(size.width), '-y', String(size.height), ...envArgs, script]);
      this.started.add(name);
    }
  }

  text(name: string): string {
    return this.tmux(['capture-pane', '-p', '-t', `${name}:${name}`]);
  }

  /** The screen, or why there is none (for failure messages). */
  textOrWhy(name: string): string {
    try {
      return this.text(name);
    } catch (err) {
      return `(no screen: ${(err as Error).message})`;
    }
  }

  keys(name: string, ...keys: string[]): void {
    this.tmux(['send-keys', '-t', `${name}:${name}`, ...keys]);
  }

  type(name: string, text: string): void {
    this.tmux(['send-keys', '-t', `${name}:${name}`, '-l', text]);
  }

  /** Raw bytes as the terminal would send them (a mouse report), in hex. */
  bytes(name: string, bytes: string): void {
    this.tmux(['send-keys', '-t', `${name}:${name}`, '-H', ...[...Buffer.from(bytes, 'latin1')].map((b) => b.toString(16))]);
  }

  paste(name: string, text: string, bracketed: boolean): void {
    this.tmux(['set-buffer', '-b', `p-${name}`, text]);
    this.tmux(['paste-buffer', ...(bracketed ? ['-p'] : []), '-d', '-b', `p-${name}`, '-t', `${name}:${name}`]);
  }

  resize(name: string, width: number, height: number): void {
    this.tmux(['resize-window', '-t', `${name}:${name}`, '-x', String(width), '-y', String(height)]);
  }

  /** A tmux format of the window's pane, e.g. `#{alternate_on}`. */
  format(name: string, format: string): string {
    return this.tmux(['display-message', '-p', '-t', `${name}:${name}`, format]).trim();
  }

  /** The program's exit status once it has exited and the shell has read the terminal's modes. */
  exitStatus(name: string): number | undefined {
    try {
      if (readFileSync(this.sttyFile(name), 'utf8') === '') return undefined;
      return Number(readFileSync(this.statusFile(name), 'utf8').trim());
    } catch {
      return undefined;
    }
  }

  /** `stty -a` in the window after the program exited. */
  stty(name: string): string {
    return readFileSync(this.sttyFile(name), 'utf8');
  }

  /** The program's process ids: the children of the window's shell that are node (not the shell's sleep after it). */
  programPids(name: string): number[] {
    const shell = this.format(name, '#{pane_pid}');
    try {
      const pids = execFileSync('pgrep', ['-P', shell], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
      return pids.filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'node';
        } catch {
          return false;
        }
      });
    } catch {
      return [];
    }
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // already gone
    }
  }

  private statusFile(name: string): string {
    return join(this.dir, `${name}.status`);
  }

  private sttyFile(name: string): string {
    return join(this.dir, `${name}.stty`);
  }

  private tmux(args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }
}

/** What a call screen must never show: a JavaScript error, a stack frame, or a value that leaked unformatted. */
export const SCREEN_ERRORS = /\b(TypeError|ReferenceError|RangeError|SyntaxError|Error:)|^\s*at .+\(.*:\d+:\d+\)|node:internal|\[object Object\]|\bundefined\b|\bNaN\b/m;

/** The terminal's modes a program must give back when it exits (stty -a, tmux's view of the pane). */
export function terminalNotRestored(stty: string, modes: { alternate: string; cursor: string; mouse: string }): string | undefined {
  if (/(^|\s)-icanon\b/.test(stty)) return 'left the terminal in raw mode (-icanon)';
  if (/(^|\s)-echo\b/.test(stty)) return 'left echo off (-echo)';
  if (modes.alternate !== '0') return 'stayed on the alternate screen';
  if (modes.cursor !== '1') return 'left the cursor hidden';
  if (modes.mouse !== '0') return 'left mouse reporting on';
  return undefined;
}

/** Pane titles on a call screen: the names in `┌─ NAME …` (not the chat's), without the talking mark and the tags. */
export function paneNames(screen: string): string[] {
  const names: string[] = [];
  for (const [, title = ''] of screen.matchAll(/┌─ (?:▸ )?(?:♪ )?([^─┐]+?) ?(?:\(|─)/g)) {
    if (title !== 'chat') names.push(title.trim());
  }
  return names;
}

/** The title of NAME's pane on a call screen (its row up to the pane's corner), or undefined. */
export function paneTitle(screen: string, name: string): string | undefined {
  const match = new RegExp(`┌─ (?:▸ )?(?:♪ )?${name}(?: \\([^)]*\\))?`).exec(screen);
  return match?.[0];
}
