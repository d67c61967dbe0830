import { describe, expect, it } from 'vitest';
import { sortTerminalInput, splitMouseReports } from '../../src/tui/terminal-reports.js';

/**
 * What kitty 0.26.5 sent (recorded under Xvfb with xdotool) with flags 26 pushed, key by key: press, then release;
 * Shift, Ctrl and Alt alone are keys of their own (57441–57443).
 */
const KITTY: Array<[string, string, string]> = [
  ['c', '\x1b[99;;99u\x1b[99;1:3u', 'c'],
  ['Shift+a', '\x1b[57441u\x1b[97;2;65u\x1b[57441;2:3u\x1b[97;1:3u', 'A'],
  ['Shift+1', '\x1b[57441u\x1b[49;2;33u\x1b[57441;2:3u\x1b[49;1:3u', '!'],
  ['Space', '\x1b[32;;32u\x1b[32;1:3u', ' '],
  ['Enter', '\x1b[13u\x1b[13;1:3u', '\r'],
  ['Esc', '\x1b[27u\x1b[27;1:3u', '\x1b'],
  ['Backspace', '\x1b[127u\x1b[127;1:3u', '\x7f'],
  ['Up', '\x1b[A\x1b[1;1:3A', '\x1b[A'],
  ['Ctrl+Up', '\x1b[57442u\x1b[1;5A\x1b[57442;5:3u\x1b[1;1:3A', '\x1b[1;5A'],
  ['Tab', '\x1b[9u\x1b[9;1:3u', '\t'],
  ['Shift+Tab', '\x1b[57441u\x1b[9;2u\x1b[57441;2:3u\x1b[9;1:3u', '\x1b[Z'],
  ['F5', '\x1b[15~\x1b[15;1:3~', '\x1b[15~'],
  ['Alt+x', '\x1b[57443u\x1b[120;3u\x1b[57443;3:3u\x1b[120;1:3u', '\x1bx'],
  ['Ctrl+c', '\x1b[57442u\x1b[99;5u\x1b[57442;5:3u\x1b[99;1:3u', '\x03'],
  ['keypad 1 (Num Lock on)', '\x1b[57400;129;49u\x1b[57400;129:3u', '1'],
  ['keypad Enter', '\x1b[13;129u\x1b[13;129:3u', '\r'],
  ['é, with no text sent', '\x1b[233;129u', 'é'],
];

describe('sorting the terminal\'s input into typing and reports', () => {
  for (const [name, bytes, typed] of KITTY) {
    it(`kitty's ${name} is typed as the legacy protocol would, its release reported`, () => {
      const sorted = sortTerminalInput(bytes);
      expect(sorted.typed).toBe(typed);
      expect(sorted.rest).toBe('');
      expect(sorted.reports.length).toBe((bytes.match(/:3[u~A-Z]/g) ?? []).length);
      expect(sorted.reports.every((r) => r.kind === 'key-release')).toBe(true);
    });
  }

  it('types xterm\'s modifyOtherKeys form (tmux extended keys) as the legacy keys: Ctrl-C, Alt-x, Shift-Enter', () => {
    expect(sortTerminalInput('\x1b[27;5;99~').typed).toBe('\x03');
    expect(sortTerminalInput('\x1b[27;3;120~').typed).toBe('\x1bx');
    expect(sortTerminalInput('\x1b[27;2;13~').typed).toBe('\r');
    // Other tilde keys are untouched (Delete, PgUp with Ctrl).
    expect(sortTerminalInput('\x1b[3~\x1b[5;5~').typed).toBe('\x1b[3~\x1b[5;5~');
  });

  it('reports which key was let go: Space is 32; arrows and F-keys have no code point', () => {
    expect(sortTerminalInput('\x1b[32;1:3u').reports).toEqual([{ kind: 'key-release', code: 32 }]);
    expect(sortTerminalInput('\x1b[32;129:3u').reports).toEqual([{ kind: 'key-release', code: 32 }]);
    expect(sortTerminalInput('\x1b[1;1:3A').reports).toEqual([{ kind: 'key-release', code: undefined }]);
  });

  it('types a repeat like a press (held Backspace deletes on), with or without modifiers', () => {
    expect(sortTerminalInput('\x1b[127u\x1b[127;1:2u\x1b[127;1:2u').typed).toBe('\x7f\x7f\x7f');
    expect(sortTerminalInput('\x1b[1;5:2A').typed).toBe('\x1b[1;5A');
    expect(sortTerminalInput('\x1b[32;1:2;32u').typed).toBe(' ');
  });

  it("cuts after kitty's Esc key: with the next key in one read, blessed would take ESC m for Alt-m", () => {
    // Esc, then m (flag 8: every key as an escape code; 16: with its text), and Alt-m itself.
    expect(sortTerminalInput('\x1b[27u\x1b[109;;109u')).toMatchObject({ typed: '\x1bm', cuts: [1] });
    expect(sortTerminalInput('x\x1b[27;1:1u\x1b[27;1:3u\x1b[109;3;109u')).toMatchObject({ typed: 'x\x1b\x1bm', cuts: [2] });
  });

  it('leaves legacy input alone: text, arrows, paste marks, mouse, cursor reports, Alt-letters, Esc', () => {
    const legacy = 'hello \x1b[A\x1b[1;5B\x1b[200~pasted\r\x1b[201~\x1b[<0;10;5M\x1b[12;40R\x1bx\x1b[Z\x1b[3~é';
    expect(sortTerminalInput(legacy)).toEqual({ typed: legacy, reports: [], rest: '', cuts: [] });
    // A lone ESC at the end of a read may be the start of a sequence: kept (TerminalInput sends it on if nothing follows).
    expect(sortTerminalInput('q\x1b')).toEqual({ typed: 'q', reports: [], rest: '\x1b', cuts: [] });
    expect(sortTerminalInput('\x1b\x1b[A')).toEqual({ typed: '\x1b\x1b[A', reports: [], rest: '', cuts: [] });
  });

  it('takes out the keyboard flags answer and late answers to the colour question', () => {
    expect(sortTerminalInput('\x1b[?26u')).toEqual({ typed: '', reports: [{ kind: 'keyboard-flags', flags: 26 }], rest: '', cuts: [] });
    const late = sortTerminalInput('m\x1bP1$r0;38:2::1:2:3m\x1b\\\x1bP1+r524742\x1b\\\x1b[?64;1;2;6;22cq');
    expect(late.typed).toBe('mq');
    expect(late.reports).toEqual([{ kind: 'answer' }, { kind: 'answer' }, { kind: 'answer' }]);
  });

  it('keeps an unfinished sequence for the next read, wherever the read split it', () => {
    const bytes = '\x1b[99;;99u\x1b[99;1:3u\x1b[?26u\x1bP1$r0m\x1b\\x';
    for (let cut = 1; cut < bytes.length; cut++) {
      const first = sortTerminalInput(bytes.slice(0, cut));
      const second = sortTerminalInput(first.rest + bytes.slice(cut));
      expect(first.typed + second.typed).toBe('cx');
      expect([...first.reports, ...second.reports].map((r) => r.kind)).toEqual(['key-release', 'keyboard-flags', 'answer']);
    }
  });

  it('cuts mouse reports apart (blessed reads one a read): motion then a click, two wheel turns, SGR and urxvt forms', () => {
    // xterm with modes 1000-1003 and 1005: a move to (60,7), the left button down and up there.
    const x10 = '\x1b[MC\x5d\x28\x1b[M \x5d\x28\x1b[M#\x5d\x28';
    expect(splitMouseReports(x10)).toEqual(['\x1b[MC\x5d\x28', '\x1b[M \x5d\x28', '\x1b[M#\x5d\x28']);
    // Coordinates past 95 in mode 1005 are one UTF-8 character each.
    expect(splitMouseReports('a\x1b[M`\u00c8\x28\x1b[M`\u00c8\x28b')).toEqual(['a', '\x1b[M`\u00c8\x28', '\x1b[M`\u00c8\x28', 'b']);
    expect(splitMouseReports('\x1b[<0;61;8M\x1b[<0;61;8m')).toEqual(['\x1b[<0;61;8M', '\x1b[<0;61;8m']);
    expect(splitMouseReports('\x1b[32;61;8M\x1b[35;62;8M')).toEqual(['\x1b[32;61;8M', '\x1b[35;62;8M']);
    expect(splitMouseReports('no mouse \x1b[A here')).toEqual(['no mouse \x1b[A here']);
    // Mouse reports pass the sorting untouched.
    expect(sortTerminalInput(x10).typed).toBe(x10);
    expect(sortTerminalInput('\x1b[<0;61;8M').typed).toBe('\x1b[<0;61;8M');
  });
});
