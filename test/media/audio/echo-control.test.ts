/**
 * The echo canceller and the echo suppressor together, as a call runs them (src/cli/participant.ts): the far end is
 * a steady tone, as in the device test (test/integration/audio-e2e.test.ts), whose echo PulseAudio moves by a few
 * samples when another player connects, or speech. What is sent while that happens must stay echo-free, and a voice
 * over the far end must still get through.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { EchoCanceller } from '../../../src/media/audio/echo-canceller.js';
import { EchoSuppressor } from '../../../src/media/audio/echo-suppressor.js';
import { readWavFile } from '../../../src/media/audio/wav.js';

const N = 960;
const RATE = 48_000;
const tone = (hz: number, amplitude: number, seconds: number): Float64Array =>
  Float64Array.from({ length: seconds * RATE }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
const rms = (x: ArrayLike<number>, from: number, to: number): number => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / (to - from));
};

/**
 * A call: the far end (fed three frames ahead of the microphone, as the speaker runs ahead), the microphone hearing
 * its echo `delayAt(t)` samples late at 0.2 (−14 dB) plus `near`, upside down in frames `upsideDown` picks; returns
 * what was sent.
 */
function call(
  far: Float64Array,
  delayAt: (seconds: number) => number,
  options: { near?: Float64Array; upsideDown?: (frame: number) => boolean; beforeFrame?: (frame: number, canceller: EchoCanceller) => void } = {},
): Float64Array {
  const { near, upsideDown } = options;
  const canceller = new EchoCanceller();
  const suppressor = new EchoSuppressor({ residualEchoGain: () => canceller.residualEchoGain, echoShare: () => canceller.echoShare });
  const frames = far.length / N;
  const sent = new Float64Array(far.length);
  let fed = 0;
  for (let k = 0; k < frames; k++) {
    while (fed < Math.min(frames, k + 3)) {
      const frame = Int16Array.from(far.subarray(fed++ * N, fed * N), Math.round);
      canceller.farEnd(frame);
      suppressor.farEnd(frame);
    }
    options.beforeFrame?.(k, canceller);
    const mic = Int16Array.from({ length: N }, (_, i) => {
      const at = k * N + i;
      const echo = 0.2 * (far[at - delayAt(at / RATE)] ?? 0);
      return Math.round((upsideDown?.(k) ? -echo : echo) + (near?.[at] ?? 0));
    });
    sent.set(suppressor.process(canceller.process(mic)), k * N);
  }
  return sent;
}

let speech: Int16Array;
beforeAll(async () => {
  speech = await readWavFile('fixtures/speech.wav');
});

describe('echo control (canceller, then suppressor)', () => {
  for (const move of [2, 3, -3]) {
    it(`sends no burst of echo when the echo moves ${move} samples after it was learnt`, () => {
      const far = tone(1010, 8000, 8);
      const echo = 0.2 * rms(far, 0, far.length);
      const sent = call(far, (t) => 3840 + (t >= 4 ? move : 0));
      // Learnt: what is sent before the move is the echo 30+ dB down.
      expect(rms(sent, 3 * RATE, 4 * RATE)).toBeLessThan(echo / 30);
      // And while the canceller finds the echo again: no frame sent above 30 dB under the echo (one left open for the
      // suppressor's 200 ms hangover carried the echo at −10 dB).
      for (let k = 4 * 50; k < 6 * 50; k++) expect(rms(sent, k * N, (k + 1) * N), `frame ${k}`).toBeLessThan(echo / 30);
    });
  }

  it('still lets a voice quieter than the echo through while the far end talks (full duplex)', () => {
    const far = tone(1010, 8000, 8);
    const voice = new Float64Array(far.length);
    voice.set(tone(410, 3277 * 0.45, 2), 5 * RATE);
    const sent = call(far, (t) => 3840 + (t >= 4 ? 3 : 0), { near: voice });
    // The voice arrives whole (its RMS ~1040), within 40 ms of its start.
    expect(rms(sent, 5.04 * RATE, 7 * RATE)).toBeGreaterThan(0.9 * rms(voice, 5 * RATE, 7 * RATE));
  });

  it('does not count a frame it had to send uncancelled now and then (a hiccup each second) as echo it leaves', () => {
    const far = tone(1010, 8000, 10);
    // From 4 s on, one microphone frame a second hears the echo upside down: the estimate would double it, so that
    // frame goes as heard (and the suppressor expects all the echo for a moment).
    const learnt: number[] = [];
    const sent = call(far, () => 3840, {
      upsideDown: (k) => k >= 200 && k % 50 === 0,
      beforeFrame: (k, canceller) => void ((k === 200 || k === 499) && learnt.push(canceller.learntEchoGain)),
    });
    const [before, after] = learnt as [number, number];
    expect(before).toBeLessThan(0.01);
    // The echo left it reports after six such seconds is what it was before them, within 3 dB: counted, each would
    // raise it, and the suppressor after it would take a voice for echo left.
    expect(20 * Math.log10(after / before)).toBeLessThan(3);
    // And none of those frames reached the others.
    const echo = 0.2 * rms(far, 0, far.length);
    for (let k = 200; k < 500; k += 50) expect(rms(sent, k * N, (k + 1) * N), `frame ${k}`).toBeLessThan(echo / 30);
  });

  it('lets a voice talk over speech (double talk): what is not echo is not suppressed', () => {
    // The far end is speech; 8 s in, a local voice (another stretch of the same recording) talks over it for 4 s at
    // the level of its echo. The echo path is the call helper's: 80 ms, −14 dB.
    const far = Float64Array.from({ length: 14 * RATE }, (_, i) => speech[i % speech.length]!);
    const voice = new Float64Array(far.length);
    for (let i = 8 * RATE; i < 12 * RATE; i++) voice[i] = 0.2 * speech[(i + 40_000) % speech.length]!;
    const sent = call(far, () => 3840, { near: voice });
    // What was sent while both talked carries the voice: within 5 dB of it, where suppressed it would be 30 dB under.
    // (Its quietest syllables, under 1/16 of the far end's peaks, are turned down by design: 3.6 dB in all, as before
    // the echo share counted; taking speech for echo left would cost far more.)
    const voiceLevel = rms(voice, 8 * RATE, 12 * RATE);
    expect(20 * Math.log10(rms(sent, 8 * RATE, 12 * RATE) / voiceLevel)).toBeGreaterThan(-5);
    // Before it, the echo alone is sent 30 dB or more under the echo.
    const echoLevel = 0.2 * rms(far, 5 * RATE, 8 * RATE);
    expect(rms(sent, 5 * RATE, 8 * RATE)).toBeLessThan(echoLevel / 30);
  });

  it('turns a voice 12 dB under the echo down no more than before the echo share counted', () => {
    // A quiet talker over speech: the voice at a quarter of the echo's level. Its loud syllables are over the
    // suppressor's 1/16-of-the-far-end floor; the rest is turned down by design (11.4 dB in all, as before the echo
    // share). Coherence that counted the few frames' bias as echo cut it by 30 dB.
    const far = Float64Array.from({ length: 16 * RATE }, (_, i) => speech[i % speech.length]!);
    const voice = new Float64Array(far.length);
    for (let i = 8 * RATE; i < 12 * RATE; i++) voice[i] = 0.05 * speech[(i + 40_000) % speech.length]!;
    const sent = call(far, () => 3840, { near: voice });
    expect(20 * Math.log10(rms(sent, 8 * RATE, 12 * RATE) / rms(voice, 8 * RATE, 12 * RATE))).toBeGreaterThan(-14);
  });
});
