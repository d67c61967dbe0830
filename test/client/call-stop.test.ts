import { describe, expect, it } from 'vitest';
import { Call } from '../../src/client/call.js';
import type { AudioSource } from '../../src/media/audio/format.js';
import { until } from '../helpers/wait.js';

describe('Call ending', () => {
  it('stops the speaker together with the microphone, not after it (each device takes a moment to close)', async () => {
    const events: string[] = [];
    // A microphone and a speaker that each take a while to close, as a device worker may: each closes only when the
    // test says so, so what is asked to stop while the other is still closing shows in the order, not in timings.
    const closing: Array<() => void> = [];
    const slowStop = (name: string) => (): Promise<void> => {
      events.push(`${name} stopping`);
      return new Promise((resolve) => closing.push(() => {
        events.push(`${name} stopped`);
        resolve();
      }));
    };
    const mic: AudioSource = { description: 'slow mic', start: () => {}, stop: slowStop('mic') };
    const call = new Call({
      session: { target: { host: '127.0.0.1', port: 47_199 }, name: 'a', room: 'main' },
      audio: mic,
      stopWith: slowStop('speaker'),
    });
    const ended = new Promise<void>((resolve) => call.on((event) => event.type === 'ended' && resolve()));
    const left = call.leave();
    // Both are closing before either has closed (one after the other, the speaker would wait for the microphone).
    await until(() => events.includes('mic stopping') && events.includes('speaker stopping'), 'both devices asked to stop', 2000);
    expect(events).toEqual(['mic stopping', 'speaker stopping']);
    for (const close of closing.splice(0)) close();
    await left;
    await ended;
    expect(events.slice(2).sort()).toEqual(['mic stopped', 'speaker stopped']);
  });
});
