import { describe, expect, it } from 'vitest';
import { EchoCoherence } from '../../../src/media/audio/echo-coherence.js';
import { rng } from '../../helpers/rng.js';

const N = 960;
const RATE = 48_000;

/** `seconds` of speech-like sound: noise through a slowly wandering resonance, with syllable-like bursts. */
function babble(seconds: number, seed: number): Float64Array {
  const random = rng(seed);
  const out = new Float64Array(seconds * RATE);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < out.length; i++) {
    const centre = 300 + 200 * Math.sin((2 * Math.PI * i) / (0.7 * RATE) + seed);
    const r = 0.995;
    const c = 2 * r * Math.cos((2 * Math.PI * centre) / RATE);
    const y = (random() - 0.5) * 2000 + c * y1 - r * r * y2;
    y2 = y1;
    y1 = y;
    out[i] = y * (0.3 + 0.7 * Math.abs(Math.sin((2 * Math.PI * i) / (0.25 * RATE) + seed)));
  }
  return out;
}

/** `x` through a short room: 37 samples later, a little reverberation, and `gain`. */
function through(x: Float64Array, gain: number): Float64Array {
  return x.map((_, i) => gain * ((x[i - 37] ?? 0) + 0.4 * (x[i - 120] ?? 0) - 0.2 * (x[i - 301] ?? 0)));
}

/** The echo's share of each frame measured over `output` against `estimate`. */
function shares(output: Float64Array, estimate: Float64Array): number[] {
  const coherence = new EchoCoherence(N);
  const result: number[] = [];
  for (let at = 0; at + N <= output.length; at += N) result.push(coherence.measure(output.subarray(at, at + N), estimate.subarray(at, at + N)));
  return result;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('EchoCoherence', () => {
  it('reads echo the filter got wrong (a different delay, room and level than it expected) as nearly all echo', () => {
    const far = babble(3, 1);
    // The canceller expected the echo 37 samples late; it came 2 samples later than that, louder, through another room.
    const output = through(far, 0.3).map((v, i, all) => v - 0.8 * (all[i - 2] ?? 0));
    expect(median(shares(output, through(far, 0.25)).slice(5))).toBeGreaterThan(0.9);
  });

  it('reads a voice unrelated to the far end as mostly not echo, and a voice over echo left by its part', () => {
    const far = babble(3, 1);
    const estimate = through(far, 0.25);
    const voice = babble(3, 2);
    expect(median(shares(voice, estimate).slice(5))).toBeLessThan(0.35);
    // The voice and echo left in equal measure: about half echo.
    const left = through(far, 0.05);
    const scale = Math.sqrt(left.reduce((s, v) => s + v * v, 0) / voice.reduce((s, v) => s + v * v, 0));
    const mixed = median(shares(left.map((v, i) => v + scale * voice[i]!), estimate).slice(5));
    expect(mixed).toBeGreaterThan(0.35);
    expect(mixed).toBeLessThan(0.8);
  });

  it('tells a tone voice from a tone echo at another pitch', () => {
    const tone = (hz: number, amplitude: number) => Float64Array.from({ length: RATE }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / RATE));
    expect(median(shares(tone(1010, 300), tone(1010, 1000).map((_, i, all) => all[i - 40] ?? 0)).slice(5))).toBeGreaterThan(0.95);
    expect(median(shares(tone(410, 300), tone(1010, 1000)).slice(5))).toBeLessThan(0.1);
  });

  it('reads nothing as echo without an estimate (silence expected), and starts afresh after reset', () => {
    const far = babble(1, 1);
    expect(Math.max(...shares(far, new Float64Array(far.length)))).toBe(0);
    const coherence = new EchoCoherence(N);
    const voice = babble(1, 2);
    for (let at = 0; at + N <= far.length; at += N) coherence.measure(far.subarray(at, at + N), far.subarray(at, at + N));
    coherence.reset();
    // After a reset the spectra measured against the old estimate are gone: a voice against silence reads no echo.
    expect(coherence.measure(voice.subarray(0, N), new Float64Array(N))).toBe(0);
  });
});
