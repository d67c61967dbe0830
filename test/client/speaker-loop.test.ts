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
