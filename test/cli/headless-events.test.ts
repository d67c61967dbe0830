import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/client/call.js';
import { toJsonEvent } from '../../src/cli/headless.js';

describe('toJsonEvent chat', () => {
  it('prints our own line as the call tells it (as the server keeps it: call-chat.test.ts), marked own', () => {
    const entry = { fromId: 3, from: 'bot', text: 'the first part of a long line', ts: 1.5 };
    expect(toJsonEvent({ type: 'chat-sent', entry }, {} as Call))
      .toEqual({ type: 'chat', from: 'bot', fromId: 3, text: 'the first part of a long line', ts: 1.5, own: true });
    expect(toJsonEvent({ type: 'chat', entry }, {} as Call))
      .toEqual({ type: 'chat', from: 'bot', fromId: 3, text: 'the first part of a long line', ts: 1.5 });
  });
});
