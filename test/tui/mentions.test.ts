import { describe, expect, it } from 'vitest';
import { mentions } from '../../src/tui/mentions.js';

describe('a chat message that names you', () => {
  it('names you as a word of its own, in any case, with or without @', () => {
    for (const text of ['alice', 'hi alice', '@alice look', 'ALICE: there?', "alice's turn", 'thanks, Alice!', '(alice)', 'alice_', 'hey @Alice']) {
      expect(mentions(text, 'alice'), text).toBe(text !== 'alice_');
    }
  });

  it('not inside another word: "that was pure malice" does not ring for alice', () => {
    for (const text of ['that was pure malice', 'alice2', 'palices', 'alicé', 'Malice!']) expect(mentions(text, 'alice'), text).toBe(false);
  });

  it('by Unicode letters, however an accent was typed', () => {
    expect(mentions('hi zoë!', 'Zoë')).toBe(true);
    expect(mentions('hi zoe\u0308!', 'Zoë')).toBe(true);
    expect(mentions('zoëlla', 'Zoë')).toBe(false);
    expect(mentions('привет Вера', 'вера')).toBe(true);
    expect(mentions('Вероника', 'вера')).toBe(false);
    // Chinese and Japanese put no spaces between words.
    expect(mentions('李小龙你好', '李小龙')).toBe(true);
    expect(mentions('你好李小龙', '李小龙')).toBe(true);
    expect(mentions('alice你好', 'alice')).toBe(true);
  });

  it('a hyphen between letters makes another name; ’ is the same apostrophe as \'; a name ending in a dot is not inside a longer one', () => {
    for (const text of ['anne-marie, hi', 'hi marie-anne', 'Anne\u2010Marie']) expect(mentions(text, 'anne'), text).toBe(false);
    for (const text of ['anne - hi', 'anne-, hi', 'hi anne-marie and anne']) expect(mentions(text, 'anne'), text).toBe(true);
    expect(mentions('anne-marie, hi', 'anne-marie')).toBe(true);
    expect(mentions('ask o’brien', "o'brien")).toBe(true);
    expect(mentions("ask o'brien", 'o’brien')).toBe(true);
    expect(mentions('ask j.r.r. tolkien', 'j.r.')).toBe(false);
    expect(mentions('ask j.r. now', 'j.r.')).toBe(true);
  });

  it('names with spaces, emoji and pattern characters match as written', () => {
    expect(mentions('hey me 😀, look', 'me 😀')).toBe(true);
    expect(mentions('see a.b here', 'a.b')).toBe(true);
    expect(mentions('see axb here', 'a.b')).toBe(false);
    expect(mentions('ask {red-fg}evil{/red-fg}', '{red-fg}evil{/red-fg}')).toBe(true);
    expect(mentions('anything', ' ')).toBe(false);
  });
});
