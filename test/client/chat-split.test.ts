import { describe, expect, it } from 'vitest';
import { splitChat } from '../../src/client/call-chat.js';
import { MAX_CHAT_LENGTH } from '../../src/protocol/index.js';

describe('chat text longer than one message', () => {
  it('goes as several messages the protocol accepts, nothing lost', () => {
    const text = 'A'.repeat(5000);
    const parts = splitChat(text);
    expect(parts.map((p) => p.length)).toEqual([MAX_CHAT_LENGTH, MAX_CHAT_LENGTH, 1000]);
    expect(parts.join('')).toBe(text);
    expect(splitChat('hello')).toEqual(['hello']);
  });

  it('never cuts an emoji in half', () => {
    const text = `${'A'.repeat(MAX_CHAT_LENGTH - 1)}😀tail`;
    const parts = splitChat(text);
    expect(parts[0]).toBe('A'.repeat(MAX_CHAT_LENGTH - 1));
    expect(parts[1]).toBe('😀tail');
  });

  it('splits at the last blank before the limit: no word arrives in two halves', () => {
    // A paste of 3,024 characters of words: it was cut inside one, "…foxtrot221 a" | "lpha222…".
    const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];
    const words: string[] = [];
    for (let i = 0; words.join(' ').length < 3024; i++) words.push(`${names[i % names.length]}${i}`);
    const text = words.join(' ');
    const parts = splitChat(text);
    expect(parts).toHaveLength(2);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(MAX_CHAT_LENGTH);
    // Whole words, in order, and nothing lost but the blank at the split.
    expect(parts.join(' ')).toBe(text);
    expect(parts.flatMap((part) => part.split(' '))).toEqual(words);
  });

  it('without a blank in the last half of the limit, splits at the last character cluster that fits, never inside one', () => {
    const link = `see https://example.org/${'x'.repeat(3000)}`;
    const parts = splitChat(link);
    expect(parts[0]).toHaveLength(MAX_CHAT_LENGTH);
    expect(parts.join('')).toBe(link);
    // An accent typed as e + U+0301 across the limit stays on its letter.
    const accent = `${'a'.repeat(MAX_CHAT_LENGTH - 1)}e\u0301${'b'.repeat(10)}`;
    expect(splitChat(accent)).toEqual(['a'.repeat(MAX_CHAT_LENGTH - 1), `e\u0301${'b'.repeat(10)}`]);
    // A flag's two halves too.
    const flag = `${'a'.repeat(MAX_CHAT_LENGTH - 2)}🇩🇪b`;
    expect(splitChat(flag)).toEqual(['a'.repeat(MAX_CHAT_LENGTH - 2), '🇩🇪b']);
    // One cluster longer than a message (a letter under 2,500 marks) can only be split between code points.
    const heap = `e${'\u0301'.repeat(2500)}`;
    expect(splitChat(heap).map((part) => part.length)).toEqual([MAX_CHAT_LENGTH, 501]);
  });
});
