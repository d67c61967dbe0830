import { describe, expect, it } from 'vitest';
import { PlaybackQueue } from '../../../src/media/audio/playback-queue.js';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';

const frame = (value: number): Int16Array => new Int16Array(SAMPLES_PER_FRAME).fill(value);

describe('PlaybackQueue', () => {
  it('gives the device the frames in order, and silence when none is waiting', () => {
    const queue = new PlaybackQueue();
    expect(queue.next().every((v) => v === 0)).toBe(true);
    queue.push(frame(1));
    queue.push(frame(2));
    expect(queue.next()[0]).toBe(1);
    expect(queue.next()[0]).toBe(2);
    expect(queue.next()[0]).toBe(0);
  });

  it('counts a gap only when silence interrupts frames, not while nothing plays', () => {
    const queue = new PlaybackQueue();
    queue.next();
    queue.next();
    expect(queue.gaps).toBe(0);
    queue.push(frame(1));
    queue.next();
    queue.next(); // the next frame is late: the device gets silence
    expect(queue.gaps).toBe(1);
    queue.next();
    expect(queue.gaps).toBe(1);
  });

  it('keeps at most maxFrames waiting, dropping the oldest, so latency stays bounded', () => {
    const queue = new PlaybackQueue(3);
    for (let i = 1; i <= 5; i++) queue.push(frame(i));
    expect(queue.length).toBe(3);
    expect(queue.dropped).toBe(2);
    expect([queue.next()[0], queue.next()[0], queue.next()[0]]).toEqual([3, 4, 5]);
  });
});
