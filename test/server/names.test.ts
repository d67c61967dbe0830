import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH } from '../../src/protocol/constants.js';
import { nameProblem, roomProblem } from '../../src/server/names.js';

describe('nameProblem', () => {
  it.each(['Ana', 'José María', 'Zoë', '李小龙', 'a', 'x'.repeat(MAX_NAME_LENGTH), '😀'.repeat(MAX_NAME_LENGTH), "O'Brien (laptop)"])(
    'accepts %j',
    (name) => {
      expect(nameProblem(name)).toBeUndefined();
    },
  );

  it('rejects an empty name', () => {
    expect(nameProblem('')).toBe('the name is empty');
  });

  it('counts code points, not UTF-16 units, against the length limit', () => {
    expect(nameProblem('x'.repeat(MAX_NAME_LENGTH + 1))).toMatch(/longer than 32/);
    expect(nameProblem('😀'.repeat(MAX_NAME_LENGTH + 1))).toMatch(/longer than 32/);
  });

  it.each([
    ['an ANSI colour escape', '\x1b[31mred'],
    ['an ANSI cursor move', 'a\x1b[2Jb'],
    ['an OSC title escape', '\x1b]0;pwned\x07'],
    ['a bare ESC', 'a\x1b'],
    ['an 8-bit CSI', 'a\x9b31m'],
    ['a NUL', 'a\0b'],
    ['a bell', 'a\x07'],
    ['a backspace', 'ab\x08'],
    ['a newline', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['DEL', 'a\x7f'],
    ['a right-to-left override', 'abc\u202edef'],
    ['a zero-width space', 'a\u200bb'],
    ['a byte-order mark', '\ufeffAna'],
    ['a line separator', 'a\u2028b'],
    ['a paragraph separator', 'a\u2029b'],
  ])('rejects %s', (_what, name) => {
    expect(nameProblem(name)).toBe('the name contains control characters');
  });

  it.each([' Ana', 'Ana ', '\u00a0Ana', 'Ana\u3000'])('rejects leading or trailing spaces: %j', (name) => {
    expect(nameProblem(name)).toBe('the name starts or ends with a space');
  });

  it('rejects a name made only of spaces', () => {
    expect(nameProblem('   ')).toBeDefined();
  });
});

describe('roomProblem', () => {
  it.each(['lobby', 'team-1', 'a.b_c', 'A', 'x'.repeat(MAX_ROOM_LENGTH)])('accepts %j', (room) => {
    expect(roomProblem(room)).toBeUndefined();
  });

  it('rejects an empty or too long room', () => {
    expect(roomProblem('')).toBe('the room name is empty');
    expect(roomProblem('x'.repeat(MAX_ROOM_LENGTH + 1))).toMatch(/longer than 32/);
  });

  it.each(['a b', 'a/b', 'a\\b', 'café', 'a\x1b[0m', 'a\n', 'a:b', '😀', 'a\0'])('rejects %j', (room) => {
    expect(roomProblem(room)).toMatch(/only letters, digits/);
  });
});
