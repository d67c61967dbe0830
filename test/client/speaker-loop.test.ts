import { describe, expect, it } from 'vitest';
import { SpeakerLoop } from '../../src/client/speaker-loop.js';

const FRAME = 960;
const tone = (amplitude: number): Int16Array =>
  Int16Array.from({ length: FRAME }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / 48_000)));

describe('SpeakerLoop speaking signal', () => {
  it('tells listeners when you start and stop speaking, once per change', () => {
    const loop = new SpeakerLoop(null, () => {});
    const seen: boolean[] = [];
    loop.onSpeakingChange(() => seen.push(loop.isSelfSpeaking()));
    for (let i = 0; i < 5; i++) loop.pushOwn(tone(8000));
    expect(seen).toEqual([true]);
    for (let i = 0; i < 40; i++) loop.pushOwn(new Int16Array(FRAME));
    expect(seen).toEqual([true, false]);
  });

  it('tells listeners when a remote participant starts speaking, as the playout plays them', async () => {
    const loop = new SpeakerLoop(null, () => {});
    const changed = new Promise<void>((resolve) => loop.onSpeakingChange(resolve));
    for (let seq = 0; seq < 50; seq++) loop.push(7, seq, tone(8000));
    expect(loop.isSpeaking(7)).toBe(false);
    loop.start();
    try {
      await changed;
      expect(loop.isSpeaking(7)).toBe(true);
    } finally {
      await loop.stop();
    }
  });
});

describe('SpeakerLoop far-end feed (for echo suppression)', () => {
  it('reports every 20 ms tick, with silence once nobody is left to play', async () => {
    const played: number[] = [];
    // A stand-in for the speaker device (real devices are exercised in device.test.ts and audio-e2e.test.ts).
    const sink = { play: () => {}, on: () => sink, close: async () => {} } as unknown as ConstructorParameters<typeof SpeakerLoop>[0];
    const loop = new SpeakerLoop(sink, () => {});
    loop.onPlayed((pcm) => played.push(pcm.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
    for (let seq = 0; seq < 10; seq++) loop.push(7, seq, tone(8000));
    loop.start();
    try {
      await new Promise((r) => setTimeout(r, 250));
      loop.remove(7); // the far end left mid-sentence
      const before = played.length;
      await new Promise((r) => setTimeout(r, 200));
      expect(played.slice(0, before).some((peak) => peak > 4000)).toBe(true);
      // Ticks go on after they left, and carry silence: a suppressor's echo tail empties and the microphone reopens.
      expect(played.length - before).toBeGreaterThan(4);
      expect(played.slice(before + 1).every((peak) => peak === 0)).toBe(true);
    } finally {
      await loop.stop();
    }
  });
});
