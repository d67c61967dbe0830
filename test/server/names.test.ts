import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, MAX_ROOM_LENGTH } from '../../src/protocol/constants.js';
import { nameKey, nameProblem, roomKey, roomProblem } from '../../src/server/names.js';

describe('nameProblem', () => {
  // Joined emoji (ZWJ sequences, a flag with a variation selector, a subdivision flag's tag characters) and a
  // Persian name with a zero-width non-joiner are what people type.
  it.each(['Ana', 'José María', 'Zoë', '李小龙', 'a', 'x'.repeat(MAX_NAME_LENGTH), '😀'.repeat(MAX_NAME_LENGTH), "O'Brien (laptop)", '👩\u200d💻dev', '🏳\ufe0f\u200d🌈', 'Ali\u200cReza', '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}'])(
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
    expect(nameProblem('   ')).toBe('the name starts or ends with a space');
  });

  it.each([
    ['a Hangul filler', '\u3164'],
    ['combining marks alone', '\u0301\u0301'],
    ['a braille blank', '\u2800\u2800'],
  ])('rejects a name with nothing that shows: %s', (_what, name) => {
    expect(nameProblem(name)).toBe('the name has nothing that shows');
  });

  it('rejects half a surrogate pair', () => {
    expect(nameProblem('a\udc00')).toBe('the name is not valid text');
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

describe('nameKey: when two names are the same name', () => {
  it.each([
    ['typed with a combining accent', 'José', 'Jose\u0301'],
    ['in another case', 'Alice', 'ALICE'],
    ['with a joiner after it', 'alice', 'alice\u200d'],
    ['with a non-joiner before it', 'alice', '\u200calice'],
    ['with a combining grapheme joiner', 'alice', 'alice\u034f'],
    ['with a tag character', 'alice', 'alice\u{e0041}'],
    ['with a variation selector', 'alice', 'al\ufe0fice'],
    // After an emoji, where they build nothing, they hide as well.
    ['with a joiner after an emoji that ends it', 'bob👍', 'bob👍\u200d'],
    ['with a joiner between an emoji and a letter', '😀alice', '😀\u200dalice'],
    ['with an emoji in its text or its emoji look', 'bob👍', 'bob👍\ufe0f'],
    ['with tags after an emoji that is not the black flag', 'bob👍', 'bob👍\u{e0041}\u{e0042}'],
  ])('%s', (_what, a, b) => {
    expect(nameKey(a)).toBe(nameKey(b));
  });

  it('keeps what makes emoji differ: the joiners between them and the tags of a flag', () => {
    expect(nameKey('👩\u200d💻')).not.toBe(nameKey('👩💻'));
    const scotland = '🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}';
    const wales = '🏴\u{e0067}\u{e0062}\u{e0077}\u{e006c}\u{e0073}\u{e007f}';
    expect(nameKey(scotland)).not.toBe(nameKey(wales));
    expect(nameKey('🏳\ufe0f\u200d🌈')).not.toBe(nameKey('🏳🌈'));
  });

  it.each([['an Arabic letter mark', 'alice\u061c'], ['a Mongolian vowel separator', 'alice\u180e']])('refuses %s: a format character', (_what, name) => {
    expect(nameProblem(name)).toBe('the name contains control characters');
  });
});

describe('roomKey', () => {
  it('folds case as names do, and nothing else', () => {
    expect(roomKey('Standup')).toBe(roomKey('standup'));
    expect(roomKey('Team-A.2')).toBe(roomKey('team-a.2'));
    expect(roomKey('team_a')).not.toBe(roomKey('team-a'));
  });
});
