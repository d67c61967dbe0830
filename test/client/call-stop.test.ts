import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { AudioSource } from '../../src/media/audio/format.js';

/** Resolves after `ms`. */
const after = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('Call ending', () => {
  it('stops the speaker together with the microphone, not after it (each device takes a moment to close)', async () => {
    const stopped: string[] = [];
    // A microphone and a speaker that each take 300 ms to close, as a device worker may.
    const mic: AudioSource = { description: 'slow mic', start: () => {}, stop: () => after(300).then(() => void stopped.push('mic')) };
    const call = new Call({
      session: { target: { host: '127.0.0.1', port: 47_199 }, name: 'a', room: 'main' },
      audio: mic,
      stopWith: () => after(300).then(() => void stopped.push('speaker')),
    });
    const ended = new Promise<void>((resolve) => call.on((event) => event.type === 'ended' && resolve()));
    const started = performance.now();
    await call.leave();
    await ended;
    expect(stopped.sort()).toEqual(['mic', 'speaker']);
    // One after the other: 600 ms.
    expect(performance.now() - started).toBeLessThan(500);
  });
});
