import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { BIN, type CliWorkspace } from './cli-process.js';
import { TmuxSession, shellQuote } from './tmux.js';

/**
 * The call screen in a real terminal, for the TUI test files: `livecomm-tui` in tmux panes of a CLI workspace (each
 * pane on a tmux server of its own, closed after its test), and the chat read back as a user sees it.
 */
export interface CallScreens {
  /**
   * `livecomm-tui ARGS` in a pane of the given size. `TERM` in `env` is the program's (tmux sets the pane's own TERM
   * after the session's environment); `setup` runs on the session before anything is read (tmux options).
   */
  tui(args: string[], size: { width: number; height: number }, env?: Record<string, string>, setup?: (session: TmuxSession) => void): TmuxSession;
  /** Presses q (as a guest: no question) and waits for a clean exit, the terminal restored. */
  quit(session: TmuxSession): Promise<void>;
  /** Runs `close` after the current test, after the panes opened before it (cleanups run in order). */
  afterTest(close: () => void): void;
}

export function useCallScreens(workspace: CliWorkspace): CallScreens {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const close of cleanup.splice(0)) close();
    workspace.killAll();
  });
  return {
    tui(args, size, env = {}, setup = () => {}) {
      const term = env.TERM ? ['env', `TERM=${env.TERM}`] : [];
      const command = [...term, process.execPath, BIN, ...args].map(shellQuote).join(' ');
      const session = new TmuxSession(command, { ...size, env: { LIVECOMM_CONFIG_DIR: join(workspace.dir, 'config'), ...env } });
      setup(session);
      cleanup.push(() => session.kill());
      return session;
    },
    afterTest(close) {
      cleanup.push(close);
    },
    async quit(session) {
      session.keys('q');
      await session.waitFor(() => session.exitStatus() !== undefined, 'exit');
      expect(session.exitStatus()).toBe(0);
    },
  };
}

/**
 * Presses c and waits for the chat line to open (its keys in the hint row), as a person sees it open before typing:
 * c and a whole sentence sent back to back can share one read on a loaded machine, which is a paste, c and all.
 */
export async function openChat(session: TmuxSession): Promise<void> {
  session.keys('c');
  await session.waitForText('Enter send');
}

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** A row as the cells tmux shows: one per character cluster (a letter with its combining accent is one). */
export const cellsOf = (row: string): string[] => [...GRAPHEMES.segment(row)].map((s) => s.segment);

/** The chat's rows as shown: the text inside its border, top to bottom, right-trimmed. */
export function chatRows(screen: string): string[] {
  const rows = screen.split('\n');
  const top = rows.findIndex((row) => row.includes('┌─ chat'));
  if (top < 0) return [];
  const left = cellsOf(rows[top]!).indexOf('┌', cellsOf(rows[top]!.split('┌─ chat')[0]!).length);
  const right = cellsOf(rows[top]!).indexOf('┐', left);
  const inside: string[] = [];
  for (const row of rows.slice(top + 1)) {
    const cells = cellsOf(row);
    if (cells[left] === '└') break;
    inside.push(cells.slice(left + 1, right).join('').trimEnd());
  }
  return inside;
}

/** The chat's text as read: its rows joined, a wrapped line's later rows without their indent. */
export function chatText(screen: string): string {
  return chatRows(screen).map((row) => row.trim()).join(' ');
}
