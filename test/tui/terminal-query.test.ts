import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { askTerminal, readTerminalAnswers, TERMINAL_QUERY } from '../../src/tui/terminal-query.js';

/** Answers recorded from real terminals (xterm 379 under Xvfb, tmux 3.3a) and as kitty and foot document them. */
const DA1 = '\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c';

describe('reading the terminal\'s answers about 24-bit colour', () => {
  it('asks in the order that lets DA1 close the conversation', () => {
    expect(TERMINAL_QUERY.endsWith('\x1b[?u\x1b[c')).toBe(true);
    expect(TERMINAL_QUERY.indexOf('\x1b[38;2;1;2;3m')).toBeLessThan(TERMINAL_QUERY.indexOf('\x1bP$qm'));
  });
  it('believes a terminal that keeps the probe colour (xterm, kitty spellings)', () => {
    expect(readTerminalAnswers(`\x1bP1$r0;38:2::1:2:3m\x1b\\${DA1}`)).toEqual({ complete: true, truecolor: true, keyboardProtocol: false });
    expect(readTerminalAnswers(`\x1bP1$r38:2:1:2:3m\x1b\\\x1b[?62;c`)).toEqual({ complete: true, truecolor: true, keyboardProtocol: false });
    expect(readTerminalAnswers(`\x1bP1$r0;38;2;1;2;3m\x1b\\${DA1}`).truecolor).toBe(true);
  });
  it('believes the RGB capability (XTGETTCAP), with or without a value', () => {
    expect(readTerminalAnswers(`\x1bP1+r524742\x1b\\${DA1}`).truecolor).toBe(true);
    expect(readTerminalAnswers(`\x1bP1+r524742=38\x1b\\${DA1}`).truecolor).toBe(true);
    expect(readTerminalAnswers(`\x1bP0+r524742\x1b\\${DA1}`).truecolor).toBe(false);
  });
  it('does not believe a palette answer, a refusal, another colour or silence', () => {
    // xterm with directColor off maps the probe to palette entry 16.
    expect(readTerminalAnswers(`\x1bP1$r0;38:5:16m\x1b\\${DA1}`)).toEqual({ complete: true, truecolor: false, keyboardProtocol: false });
    expect(readTerminalAnswers(`\x1bP0$r\x1b\\${DA1}`).truecolor).toBe(false);
    // xterm.js answers 0m whatever is set; a different colour is not ours.
    expect(readTerminalAnswers(`\x1bP1$r0m\x1b\\${DA1}`).truecolor).toBe(false);
    expect(readTerminalAnswers(`\x1bP1$r0;38:2::1:2:30m\x1b\\${DA1}`).truecolor).toBe(false);
    expect(readTerminalAnswers(`\x1bP1$r0;48:2::1:2:3m\x1b\\${DA1}`).truecolor).toBe(false);
    // tmux answers XTVERSION-like strings and DA1 only.
    expect(readTerminalAnswers('\x1bP>|tmux 3.3a\x1b\\\x1b[>84;0;0c\x1b[?1;2c')).toEqual({ complete: true, truecolor: false, keyboardProtocol: false });
  });
  it('hears the keyboard protocol from the terminals that speak it (kitty 0.26.5 answered this)', () => {
    const kitty = '\x1bP1$r38:2:1:2:3m\x1b\\\x1bP0+r524742\x1b\\\x1b[?0u\x1b[?62;c';
    expect(readTerminalAnswers(kitty)).toEqual({ complete: true, truecolor: true, keyboardProtocol: true });
    expect(readTerminalAnswers(`\x1bP1$r0;38:2::1:2:3m\x1b\\${DA1}`).keyboardProtocol).toBe(false);
  });
  it('is not complete until DA1\'s answer, however it was split across reads', () => {
    const answer = `\x1bP1$r0;38:2::1:2:3m\x1b\\${DA1}`;
    let received = '';
    const seen: boolean[] = [];
    for (const ch of answer) {
      received += ch;
      seen.push(readTerminalAnswers(received).complete);
    }
    expect(seen.indexOf(true)).toBe(answer.length - 1);
    // A key typed before the answers does not confuse it.
    expect(readTerminalAnswers(`q${answer}`)).toEqual({ complete: true, truecolor: true, keyboardProtocol: false });
  });
});

describe('asking the terminal (raw mode for the answers)', () => {
  /** A terminal that never answers (no pty here: its raw mode is what is watched). */
  function silentTerminal() {
    const modes: boolean[] = [];
    const input = Object.assign(new PassThrough(), {
      isTTY: true, isRaw: false,
      setRawMode(mode: boolean) {
        modes.push(mode);
        input.isRaw = mode;
        return input;
      },
    });
    const output = Object.assign(new PassThrough(), { isTTY: true });
    return { input: input as unknown as NodeJS.ReadStream, output: output as unknown as NodeJS.WriteStream, modes };
  }

  it('Ctrl-C typed while it waits gives the terminal its mode back, then interrupts as Ctrl-C does (it stayed raw for the shell)', async () => {
    const { input, output, modes } = silentTerminal();
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => true);
    const signalListeners = process.listenerCount('SIGTERM');
    try {
      const asked = askTerminal(input, output, 200);
      expect(modes).toEqual([true]);
      expect(process.listenerCount('SIGTERM')).toBe(signalListeners + 1);
      input.emit('data', Buffer.from('\x03'));
      expect(modes.at(-1)).toBe(false);
      expect(kill).toHaveBeenCalledWith(process.pid, 'SIGINT');
      // Not killed here (process.kill is stood in for): the wait ends as a silent terminal's does.
      expect(await asked).toBeUndefined();
      expect(process.listenerCount('SIGTERM')).toBe(signalListeners);
    } finally {
      kill.mockRestore();
    }
  });
});
