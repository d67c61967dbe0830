import { describe, expect, it } from 'vitest';
import { EchoSuppressor, suppressEcho } from '../../../src/media/audio/echo-suppressor.js';
import type { AudioSource } from '../../../src/media/audio/format.js';

const N = 960;
/** Frame `k` of a continuous sine (phase carries across frames). */
const sine = (hz: number, amplitude: number, k: number): Int16Array =>
  Int16Array.from({ length: N }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * (k * N + i)) / 48_000)));
const silence = (): Int16Array => new Int16Array(N);
const rms = (x: Int16Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);
const db = (ratio: number): number => 20 * Math.log10(ratio);

describe('EchoSuppressor', () => {
  it('leaves the microphone untouched while the far end is silent', () => {
    const s = new EchoSuppressor();
    for (let k = 0; k < 20; k++) {
      s.farEnd(silence());
      const near = sine(300, 5000, k);
      expect(s.process(near)).toEqual(near);
    }
    expect(s.framesSuppressed).toBe(0);
  });

  it('turns an echo of the far end down by about the attenuation (30 dB) after one ramped frame', () => {
    const s = new EchoSuppressor();
    const echoes: number[] = [];
    for (let k = 0; k < 30; k++) {
      s.farEnd(sine(1000, 16_000, k));
      // The echo: the far end 3 frames (60 ms) later, 12 dB quieter, as a speaker across a desk.
      const echo = k >= 3 ? sine(1000, 4000, k - 3) : silence();
      const out = s.process(echo);
      if (k >= 5) echoes.push(db(rms(out) / rms(echo)));
    }
    for (const attenuation of echoes) expect(attenuation).toBeLessThan(-29);
  });

  it('lets the microphone go at full level once the speaker is lost, though its last frames were loud', () => {
    const s = new EchoSuppressor();
    for (let k = 0; k < 20; k++) {
      s.farEnd(sine(1000, 16_000, k));
      s.process(sine(1000, 4000, k));
    }
    // The speaker stops (its device gone): no frame reports silence to push the loud ones out of the tail.
    s.farEndGone();
    const suppressed = s.framesSuppressed;
    const gains: number[] = [];
    for (let k = 20; k < 40; k++) {
      const near = sine(300, 3000, k);
      gains.push(rms(s.process(near)) / rms(near));
    }
    expect(s.framesSuppressed).toBe(suppressed);
    // The first frame ramps up from the suppressed gain; every one after is untouched.
    expect(Math.min(...gains.slice(1))).toBeGreaterThan(0.999);
  });

  it('keeps the microphone open when you talk over the far end (double talk), and for a hangover after', () => {
    const s = new EchoSuppressor();
    const gains: number[] = [];
    for (let k = 0; k < 40; k++) {
      s.farEnd(sine(1000, 8000, k));
      // A local voice at full level for frames 10–19 (peak well over half the far end's), echo only otherwise.
      const near = k >= 10 && k < 20 ? sine(250, 12_000, k) : sine(1000, 2000, k);
      gains.push(rms(s.process(near)) / rms(near));
    }
    expect(Math.min(...gains.slice(11, 20))).toBeGreaterThan(0.99); // talking: open
    expect(Math.min(...gains.slice(20, 29))).toBeGreaterThan(0.99); // 200 ms hangover
    expect(Math.max(...gains.slice(31, 40))).toBeLessThan(0.04); // then the echo is suppressed again
  });

  it('after an echo canceller, lets a quiet voice through over the far end: 12 dB above the echo it says is left', () => {
    // The far end at 8000 peak; a local voice at 1500 peak, well under Geigel's half of the far end (4000).
    const voiceGains = (residualEchoGain?: () => number): number[] => {
      const s = new EchoSuppressor(residualEchoGain ? { residualEchoGain } : {});
      const gains: number[] = [];
      for (let k = 0; k < 20; k++) {
        s.farEnd(sine(1000, 8000, k));
        const near = sine(250, 1500, k);
        gains.push(rms(s.process(near)) / rms(near));
      }
      return gains.slice(2);
    };
    // The canceller left echo at 3 % of the far end (−30 dB): 4 × 3 % × 8000 = 960 < 1500, a voice.
    expect(Math.min(...voiceGains(() => 0.03))).toBeGreaterThan(0.99);
    // Without a canceller, or one that has learnt nothing (its estimate starts at 0.5): cut, as a speakerphone does.
    expect(Math.max(...voiceGains())).toBeLessThan(0.04);
    expect(Math.max(...voiceGains(() => 0.5))).toBeLessThan(0.04);
  });

  it('does not open for what is left of the echo when the canceller says it left almost none (it may have lost track)', () => {
    const s = new EchoSuppressor({ residualEchoGain: () => 0.001 });
    const gains: number[] = [];
    for (let k = 0; k < 20; k++) {
      s.farEnd(sine(1000, 8000, k));
      // The echo it missed: 400 peak, 5 % of the far end (−26 dB); 4 × 0.1 % would call it a voice.
      const near = sine(1000, 400, k);
      gains.push(rms(s.process(near)) / rms(near));
    }
    expect(Math.max(...gains.slice(2))).toBeLessThan(0.04);
  });

  it('counts only the part of a frame that is not echo the canceller left (echoShare) as a voice', () => {
    let share = 0;
    const s = new EchoSuppressor({ residualEchoGain: () => 0.01, echoShare: () => share });
    const gains: number[] = [];
    for (let k = 0; k < 30; k++) {
      s.farEnd(sine(1000, 8000, k));
      // 1500 peak: a voice by level (over 1/16 of the far end). Frames 0–9 are all echo left, 10–29 a voice.
      share = k < 10 ? 0.95 : 0.2;
      const near = sine(k < 10 ? 1000 : 250, 1500, k);
      gains.push(rms(s.process(near)) / rms(near));
    }
    expect(Math.max(...gains.slice(1, 10))).toBeLessThan(0.04);
    expect(Math.min(...gains.slice(11))).toBeGreaterThan(0.99);
  });

  it('ends the hangover at a frame that is mostly echo: the echo coming through, not the tail of a voice', () => {
    let share = 0.1;
    const s = new EchoSuppressor({ residualEchoGain: () => 0.01, echoShare: () => share });
    const gains: number[] = [];
    for (let k = 0; k < 20; k++) {
      s.farEnd(sine(1000, 8000, k));
      // A voice for frames 0–4; then the echo, quieter than a voice by level (400 < 1/16 of 8000) but mostly echo.
      if (k === 5) share = 0.9;
      const near = k < 5 ? sine(250, 3000, k) : sine(1000, 400, k);
      gains.push(rms(s.process(near)) / rms(near));
    }
    expect(Math.min(...gains.slice(1, 5))).toBeGreaterThan(0.99);
    // The hangover (200 ms) would hold frames 5–14 open; the first of them ramps down, the rest are suppressed.
    expect(Math.max(...gains.slice(6))).toBeLessThan(0.04);
  });

  it('opens again once the far end has been quiet for the echo tail (300 ms)', () => {
    const s = new EchoSuppressor();
    const near = (k: number) => sine(300, 200, k); // quiet room noise
    for (let k = 0; k < 10; k++) {
      s.farEnd(sine(1000, 16_000, k));
      s.process(near(k));
    }
    const gains: number[] = [];
    for (let k = 10; k < 30; k++) {
      s.farEnd(silence());
      gains.push(rms(s.process(near(k))) / rms(near(k)));
    }
    expect(Math.max(...gains.slice(0, 14))).toBeLessThan(0.04); // the tail: far-end sound may still be coming back
    expect(Math.min(...gains.slice(16))).toBeGreaterThan(0.99);
  });

  it('ramps the gain across a frame: no sample jumps (clicks) at the switch', () => {
    const s = new EchoSuppressor();
    const frames: Int16Array[] = [];
    for (let k = 0; k < 6; k++) {
      s.farEnd(k >= 2 ? sine(1000, 16_000, k) : silence());
      frames.push(s.process(sine(200, 3000, k)));
    }
    const out = Int16Array.from(frames.flatMap((f) => [...f]));
    let largestStep = 0;
    for (let i = 1; i < out.length; i++) largestStep = Math.max(largestStep, Math.abs(out[i]! - out[i - 1]!));
    // A 200 Hz sine of amplitude 3000 moves at most ~79 per sample; a hard switch would jump by up to ~3000.
    expect(largestStep).toBeLessThan(100);
  });

  it('wraps a source: frames go through the suppressor on their way out', async () => {
    const s = new EchoSuppressor();
    for (let k = 0; k < 3; k++) s.farEnd(sine(1000, 16_000, k));
    const source: AudioSource = {
      description: 'test mic',
      start: (onFrame) => {
        onFrame(sine(1000, 2000, 0), 1);
        onFrame(sine(1000, 2000, 1), 2);
      },
      stop: async () => {},
    };
    const wrapped = suppressEcho(source, s);
    const got: Array<[number, number]> = [];
    wrapped.start((pcm, ts) => got.push([rms(pcm), ts]), () => {});
    expect(wrapped.description).toBe('test mic, echo suppression');
    expect(got.map(([, ts]) => ts)).toEqual([1, 2]);
    expect(got[1]![0]).toBeLessThan(2000 / Math.SQRT2 / 20);
  });
});
