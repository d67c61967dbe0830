import { execFileSync } from 'node:child_process';

/**
 * Copying text (a host's join command, `y`) to the clipboard of the terminal the user looks at, which over SSH is on
 * another machine: only the terminal can set it, when asked with OSC 52 (xterm's "manipulate selection data"), as
 * Neovim and tmux do. Terminals do not answer it, so whether it worked can only be told inside tmux, which keeps its
 * own copy.
 */

/** OSC 52 setting the clipboard (`c`) to `text`; BEL ends it, which every terminal that takes OSC 52 accepts. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\x07`;
}

/** The same, wrapped for GNU screen, which passes a DCS string's content on to the terminal showing it. */
export function osc52ThroughScreen(text: string): string {
  return `\x1bP${osc52(text)}\x1b\\`;
}

/** Between the program and the terminal: tmux (with its `set-clipboard` option), GNU screen, or nothing. */
export type ClipboardPath = { kind: 'tmux'; setClipboard: string | undefined } | { kind: 'screen' } | { kind: 'terminal' };

/** What `y` tells the user, by the path the copy took. */
export function copiedMessage(what: string, path: ClipboardPath): string {
  if (path.kind === 'tmux') {
    // "on": tmux takes OSC 52 into a paste buffer and passes it on to the terminal's clipboard. Otherwise it drops
    // OSC 52; the text was put in its paste buffer directly instead (ClipboardWriter.copy).
    return path.setClipboard === 'on'
      ? `${what} copied (tmux's paste buffer, and your terminal's clipboard if it takes OSC 52)`
      : `${what} copied into tmux's paste buffer (prefix ] pastes it); for your terminal's clipboard too: set -g set-clipboard on`;
  }
  return `${what} sent to your terminal's clipboard (OSC 52); if it did not arrive, your terminal does not let programs set it: ? shows the command to select`;
}

/** The path a copy takes from this process, from its environment (`TMUX`, `STY`). */
export function clipboardPathFor(env: NodeJS.ProcessEnv): ClipboardPath {
  if (env.TMUX) return { kind: 'tmux', setClipboard: tmuxOption(env, 'set-clipboard') };
  if (env.STY) return { kind: 'screen' };
  return { kind: 'terminal' };
}

/** Copies text to the clipboard through the terminal on `output`; returns the sentence to tell the user. */
export class ClipboardWriter {
  constructor(
    private readonly output: { write(data: string): unknown },
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  copy(text: string, what: string): string {
    // Asked at each copy: a user told to change tmux's option can do so and press y again.
    const path = clipboardPathFor(this.env);
    this.output.write(path.kind === 'screen' ? osc52ThroughScreen(text) : osc52(text));
    if (path.kind === 'tmux' && path.setClipboard !== 'on') tmuxSetBuffer(this.env, text);
    return copiedMessage(what, path);
  }
}

function tmuxOption(env: NodeJS.ProcessEnv, name: string): string | undefined {
  try {
    return execFileSync('tmux', ['show-options', '-gv', name], { env, encoding: 'utf8', timeout: 1000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function tmuxSetBuffer(env: NodeJS.ProcessEnv, text: string): void {
  try {
    execFileSync('tmux', ['set-buffer', '--', text], { env, timeout: 1000, stdio: 'ignore' });
  } catch {
    // No tmux to ask after all: the OSC 52 went out, which is all there is.
  }
}
