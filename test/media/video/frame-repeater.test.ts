/** FrameRepeater (a video file's frames as ffmpeg has them, the last sent again while none comes), in fake time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameRepeater } from '../../../src/media/video/file-source.js';
import type { CapturedFrame } from '../../../src/media/video/source.js';

const picture = (tag: number): CapturedFrame => ({
  type: 'jpeg', width: 160, height: 120, data: Uint8Array.of(tag), captureTs: 0,
});
const clock = { wallMs: () => Date.now() };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FrameRepeater', () => {
  it('sends a burst (ffmpeg filling a slideshow gap with copies at once) as one, the newest, a frame time on', () => {
    const sent: Array<{ tag: number; at: number }> = [];
    const repeater = new FrameRepeater(15, (f) => sent.push({ tag: f.data[0]!, at: performance.now() }), clock);
    try {
      repeater.frame(picture(1));
      vi.advanceTimersByTime(3000);
      // At a slide change ffmpeg's -r hands on the copies of the old picture it owes, then the new one, within a ms.
      const before = sent.length;
      const burstAt = performance.now();
      for (let i = 0; i < 44; i++) repeater.frame(picture(1));
      repeater.frame(picture(2));
      vi.advanceTimersByTime(100);
      const burst = sent.slice(before).filter((s) => s.at - burstAt < 100);
      // Before: all 45 at once, each decoded, encoded and sent by the call.
      expect(burst.length).toBeLessThanOrEqual(2);
      expect(burst.at(-1)!.tag).toBe(2);
      expect(sent.every((s, i) => i === 0 || s.at - sent[i - 1]!.at >= 1000 / 15 / 2)).toBe(true);
    } finally {
      repeater.stop();
    }
  });

  it('hands on frames that come at the frame rate as they come, and none after stop', () => {
    const sent: number[] = [];
    const repeater = new FrameRepeater(15, (f) => sent.push(f.data[0]!), clock);
    for (let tag = 1; tag <= 10; tag++) {
      repeater.frame(picture(tag));
      expect(sent.at(-1)).toBe(tag);
      vi.advanceTimersByTime(1000 / 15);
    }
    expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    repeater.frame(picture(11));
    repeater.frame(picture(12));
    repeater.stop();
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});
