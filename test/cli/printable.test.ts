import { describe, expect, it } from 'vitest';
import { errorLine, printableLines } from '../../src/cli/printable.js';
import { escapeUnprintable } from '../../src/util/unprintable.js';

describe('escapeUnprintable: user values quoted in an error message', () => {
  it('writes controls and bidi characters as escapes a terminal shows', () => {
    const cases: Array<[string, string]> = [
      ['\x1b[31mred\x1b]0;pwned\x07', '\\x1b[31mred\\x1b]0;pwned\\x07'],
      ['a\rb\nc\td\x7f', 'a\\x0db\\x0ac\\x09d\\x7f'],
      ['\x9b2J', '\\x9b2J'], // C1 CSI: clears the screen on some terminals
      ['abc\u202edef', 'abc\\u202edef'],
      ['\u2066x\u2069 \u200e\u200f\u061c', '\\u2066x\\u2069 \\u200e\\u200f\\u061c'],
      ['line\u2028sep', 'line\\u2028sep'],
      // Invisible: a refused name must not read as a valid one.
      ['a\u200bb \ufeff\u2060\u00ad', 'a\\u200bb \\ufeff\\u2060\\xad'],
      ['\u{1d173}x', '\\u{1d173}x'], // beyond U+FFFF: written so that it reads as one character
    ];
    for (const [raw, shown] of cases) expect(escapeUnprintable(raw)).toBe(shown);
  });

  it('leaves names that are only unusual as they are: accents, Thai, CJK, emoji built with U+200D', () => {
    for (const name of ['Nguye\u0302\u0303n', 'สมศักดิ์', '北京', '👩‍💻 dev', '🇯🇵', '🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}', 'O\u2019Brien', '{bob}']) {
      expect(escapeUnprintable(name)).toBe(name);
    }
  });

  it('makes one line of a message, and keeps a stack trace its lines', () => {
    expect(errorLine('option \'--name <name>\' argument \'\x1b[31mx\n\' is invalid')).toBe(
      'livecomm-tui: option \'--name <name>\' argument \'\\x1b[31mx\\x0a\' is invalid\n',
    );
    expect(printableLines('Error: \x1bx\n    at f (a.js:1:1)')).toBe('Error: \\x1bx\n    at f (a.js:1:1)');
  });
});
