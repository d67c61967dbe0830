import { describe, expect, it } from 'vitest';
import { Concealer, pitchPeriod } from '../../../src/media/audio/concealment.js';
import { AudioPlayout } from '../../../src/media/audio/playout.js';

const FRAME = 960;

/** Frame `k` of a continuous signal made of `partials` ([Hz, amplitude]). */
function frameOf(k: number, partials: Array<[number, number]>): Int16Array {
  const out = new Int16Array(FRAME);
  for (let i = 0; i < FRAME; i++) {
    const t = (k * FRAME + i) / 48_000;
    out[i] = Math.round(partials.reduce((sum, [hz, amplitude]) => sum + amplitude * Math.sin(2 * Math.PI * hz * t), 0));
  }
  return out;
}

/** The largest jump between neighbouring samples: a click is a jump far above what the signal itself makes. */
function largestStep(frames: Int16Array[]): number {
  const all = frames.flatMap((f) => Array.from(f));
  let largest = 0;
  for (let i = 1; i < all.length; i++) largest = Math.max(largest, Math.abs(all[i]! - all[i - 1]!));
  return largest;
}

const rms = (pcm: Int16Array): number => Math.sqrt(pcm.reduce((sum, v) => sum + v * v, 0) / pcm.length);

describe('Concealer (loss concealment on decoded audio)', () => {
  it('finds the pitch period of a voiced sound', () => {
    // A voice at 150 Hz (period 320 samples) with its harmonics; any whole number of periods repeats as well.
    const period = pitchPeriod(frameOf(3, [[150, 6000], [300, 3000], [450, 1500]]));
    expect(Math.abs(period / 320 - Math.round(period / 320))).toBeLessThan(0.01);
  });

  for (const [name, partials] of [
    ['a 210 Hz tone', [[210, 10_000]]],
    ['a 130 Hz voice with harmonics', [[130, 5000], [260, 3000], [390, 2000], [520, 1000]]],
  ] as Array<[string, Array<[number, number]>]>) {
    it(`conceals one lost frame of ${name} without a click at either end, fading`, () => {
      const signal = Array.from({ length: 20 }, (_, k) => frameOf(k, partials));
      const natural = largestStep(signal);
      const concealer = new Concealer();
      const out = signal.map((frame, k) => (k === 10 ? concealer.conceal() : concealer.played(frame)));
      expect(largestStep(out)).toBeLessThanOrEqual(natural * 1.6);
      // The gap is filled with the voice, a little quieter: not silence.
      expect(rms(out[10]!)).toBeGreaterThan(rms(signal[10]!) * 0.4);
      expect(rms(out[10]!)).toBeLessThan(rms(signal[10]!));
      // The previous way (the last frame again, fading) clicked where it wrapped around.
      const repeated = signal.map((frame, k) => (k === 10 ? signal[9]!.map((v, i) => Math.round(v * (1 - (0.5 * (i + 1)) / FRAME))) : frame));
      expect(largestStep(repeated)).toBeGreaterThan(natural * 3);
    });
  }

  it('fades out over a long gap, and starts afresh without a cross-fade after the stream went quiet', () => {
    const concealer = new Concealer();
    for (let k = 0; k < 5; k++) concealer.played(frameOf(k, [[200, 8000]]));
    const gap = Array.from({ length: 5 }, () => concealer.conceal());
    expect(rms(gap[4]!)).toBeLessThan(rms(gap[0]!) / 8);
    concealer.idle();
    const fresh = frameOf(40, [[200, 8000]]);
    expect(concealer.played(fresh)).toBe(fresh);
    // Nothing heard yet: silence.
    expect(rms(new Concealer().conceal())).toBe(0);
  });

  it('in the playout: a frame lost from a talker is concealed without clicks', () => {
    let now = 0;
    const playout = new AudioPlayout({ now: () => now });
    const out: Int16Array[] = [];
    for (let k = 0; k < 60; k++) {
      now = k * 20;
      if (k !== 30) playout.push('a', k + 1, frameOf(k, [[210, 10_000]]), { captureTs: 1e12 + k * 20 });
      now += 7;
      out.push(playout.tick());
    }
    const heard = out.filter((f) => rms(f) > 0);
    expect(heard.length).toBeGreaterThan(50);
    expect(largestStep(out.slice(out.indexOf(heard[0]!) + 1))).toBeLessThan(600);
    expect(playout.state('a')!.jitter.concealed).toBeGreaterThan(0);
  });

  // 210 Hz at 10,000 changes by at most ~275 between samples; a stop from full level is a step of up to 10,000.
  for (const buffered of [true, false]) {
    it(`in the playout: someone who leaves mid-word fades out instead of stopping dead (${buffered ? 'their next frame' : 'nothing'} still buffered)`, () => {
      let now = 0;
      const playout = new AudioPlayout({ now: () => now });
      playout.push('b', 1, new Int16Array(FRAME), { captureTs: 1e12 }); // someone else, so the mix goes on
      const out: Int16Array[] = [];
      for (let k = 0; k < 30; k++) {
        now = k * 20;
        playout.push('a', k + 1, frameOf(k, [[210, 10_000]]), { captureTs: 1e12 + k * 20 });
        now += 7;
        // The buffer holds 40–60 ms; without anything buffered, the last frame pushed is played before they leave.
        if (buffered || k < 29) out.push(playout.tick());
      }
      const taken = (): number => playout.state('a')!.jitter.played + playout.state('a')!.jitter.dropped;
      while (!buffered && taken() < 29) out.push(playout.tick());
      playout.remove('a');
      expect(playout.state('a')).toBeUndefined();
      const fading = playout.tick();
      const after = [playout.tick(), playout.tick()];
      expect(rms(out.at(-1)!)).toBeGreaterThan(5000);
      expect(rms(fading)).toBeGreaterThan(1000);
      expect(largestStep([...out.slice(-2), fading, ...after])).toBeLessThan(600);
      expect(after.every((f) => rms(f) === 0)).toBe(true);
    });
  }
});
