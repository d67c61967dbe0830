import { describe, expect, it } from 'vitest';
import { AlignedFarEnd } from '../../../src/media/audio/echo-far-end.js';
import { RealFft } from '../../../src/media/audio/fft.js';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';

const B = SAMPLES_PER_FRAME;
const FFT_SIZE = 2048;
/** Far-end frame `n`: sample i of the stream is i % 1000, so a window shows which samples it holds. */
const farFrame = (n: number) => Int16Array.from({ length: B }, (_, j) => (n * B + j) % 1000);

describe('AlignedFarEnd', () => {
  it('waits half a second, fixes D a frame below the least lead, then windows the far end that goes with each frame', () => {
    const far = new AlignedFarEnd(new RealFft(FFT_SIZE), 5);
    expect(far.align()).toBe('not-yet'); // no far end yet
    // The far end runs 3 frames ahead of the microphone (4 fed before mic frame 0 is aligned, one more per frame).
    let fed = 0;
    while (fed < 3) far.feed(farFrame(fed++));
    const results: string[] = [];
    for (let k = 0; k < 26; k++) {
      far.feed(farFrame(fed++));
      results.push(far.align());
    }
    expect(results.slice(0, 25).every((r) => r === 'not-yet')).toBe(true);
    expect(results[25]).toBe('aligned');
    // Mic frame 25 ends at sample 26·B; D = 3 frames − 1 = 2 frames: its window ends at far sample 28·B.
    const tail = Array.from(far.window.subarray(FFT_SIZE - B));
    expect(tail).toEqual(Array.from({ length: B }, (_, j) => (27 * B + j) % 1000));
    expect(far.ready).toBe(true);
  });

  it('says out of line once the far end has lagged for a second, and starts over after reset', () => {
    const far = new AlignedFarEnd(new RealFft(FFT_SIZE), 5);
    let fed = 0;
    while (fed < 3) far.feed(farFrame(fed++));
    for (let k = 0; k < 30; k++) {
      far.feed(farFrame(fed++));
      far.align();
    }
    // The speaker stops: the far end falls behind, beyond what the window can hold, and stays there.
    const results: string[] = [];
    for (let k = 0; k < 60; k++) results.push(far.align());
    expect(far.ready).toBe(false);
    const first = results.indexOf('out-of-line');
    // D is 2 frames; the lead falls a frame per frame from 2: more than 5 frames below D from the 7th frame (index 6)
    // on, and out of line once that has lasted 50 frames.
    expect(first).toBe(6 + 49);
    far.reset();
    far.feed(farFrame(fed++));
    expect(far.align()).toBe('not-yet');
  });
});
