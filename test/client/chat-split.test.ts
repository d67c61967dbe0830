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
});
