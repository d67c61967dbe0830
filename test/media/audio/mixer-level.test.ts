import { describe, expect, test } from 'vitest';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import { AudioMixer, softClip } from '../../../src/media/audio/mixer.js';
import { SILENCE_DBFS, SpeakingDetector, dbfs, rmsLevel } from '../../../src/media/audio/level.js';
import { ToneGenerator } from '../../../src/media/audio/tone.js';
import { readWavFile } from '../../../src/media/audio/wav.js';
import { peak } from './helpers.js';

const constant = (v: number): Int16Array => new Int16Array(SAMPLES_PER_FRAME).fill(v);

describe('AudioMixer', () => {
  test('one talker passes through bit-exact; quiet talkers sum exactly', () => {
    const m = new AudioMixer();
    const tone = new ToneGenerator(440, 0.5).next();
    expect(Array.from(m.mix([['a', tone]]))).toEqual(Array.from(tone));
    const out = m.mix([['a', constant(1000)], ['b', constant(-300)], ['c', constant(50)]]);
    expect(new Set(out)).toEqual(new Set([750]));
    expect(m.mix([]).every((v) => v === 0)).toBe(true);
  });

  test('three loud talkers never clip, and the mix still carries all three', () => {
    const m = new AudioMixer();
    const gens = [new ToneGenerator(300, 0.9), new ToneGenerator(440, 0.9), new ToneGenerator(650, 0.9)];
    const mixed: number[] = [];
    const summed: number[] = [];
    for (let f = 0; f < 100; f++) {
      const frames = gens.map((g, i) => [`p${i}`, g.next()] as const);
      const out = m.mix(frames);
      expect(peak(out)).toBeLessThan(32767); // never at the rails
      mixed.push(...out);
      for (let i = 0; i < SAMPLES_PER_FRAME; i++) summed.push(frames.reduce((s, [, pcm]) => s + pcm[i]!, 0));
    }
    expect(m.limiterGain).toBeLessThan(0.5);
    // The limited mix is a scaled copy of the true sum, not a distorted one (skip the first frame's attack).
    const a = Int16Array.from(mixed.slice(SAMPLES_PER_FRAME));
    const b = Int32Array.from(summed.slice(SAMPLES_PER_FRAME));
    let ab = 0, aa = 0, bb = 0;
    for (let i = 0; i < a.length; i++) (ab += a[i]! * b[i]!), (aa += a[i]! ** 2), (bb += b[i]! ** 2);
    expect(ab / Math.sqrt(aa * bb)).toBeGreaterThan(0.99);
  });

  test('three copies of loud speech: no clipped samples', async () => {
    const speech = await readWavFile('fixtures/speech.wav');
    const m = new AudioMixer();
    let clipped = 0;
    for (let f = 0; f + 3 < speech.length / SAMPLES_PER_FRAME; f++) {
      const at = (k: number) => speech.subarray((f + k) * SAMPLES_PER_FRAME, (f + k + 1) * SAMPLES_PER_FRAME);
      const out = m.mix([['a', at(0)], ['b', at(1)], ['c', at(3)]]);
      for (const v of out) if (v >= 32767 || v <= -32768) clipped += 1;
    }
    expect(clipped).toBe(0);
  });

  test('the limiter releases after the loud part', () => {
    const m = new AudioMixer();
    const g = new ToneGenerator(440, 0.9);
    for (let f = 0; f < 10; f++) m.mix([['a', g.next()], ['b', g.next()]]);
    expect(m.limiterGain).toBeLessThan(0.7);
    for (let f = 0; f < 25; f++) m.mix([['a', constant(100)]]);
    expect(m.limiterGain).toBe(1);
  });

  test('per-person volume (clamped to 0–2) and mute', () => {
    const m = new AudioMixer();
    m.setVolume('a', 2);
    m.setVolume('b', 0.5);
    m.setVolume('c', 7);
    expect(m.state('c').volume).toBe(2);
    expect(m.mix([['a', constant(1000)]])[0]).toBe(2000);
    expect(m.mix([['b', constant(1000)]])[0]).toBe(500);
    m.setMuted('a', true);
    // Muting fades a out across the next frame (a step would click), then a is silent.
    const fading = m.mix([['a', constant(1000)], ['b', constant(1000)]]);
    expect(fading[0]).toBeGreaterThan(2400);
    expect(fading[SAMPLES_PER_FRAME - 1]).toBe(500);
    for (let i = 1; i < SAMPLES_PER_FRAME; i++) expect(Math.abs(fading[i]! - fading[i - 1]!)).toBeLessThanOrEqual(3);
    expect(m.mix([['a', constant(1000)], ['b', constant(1000)]])[0]).toBe(500);
    expect(m.state('a')).toEqual({ volume: 2, muted: true });
    m.remove('a');
    expect(m.state('a')).toEqual({ volume: 1, muted: false });
    m.setVolume('x', Number.NaN);
    expect(m.state('x').volume).toBe(1);
  });

  test('softClip is linear below the knee, monotonic and bounded above it', () => {
    expect(softClip(1234.4, 29_000)).toBe(1234);
    let prev = 29_000;
    for (let x = 29_001; x < 200_000; x += 997) {
      const y = softClip(x, 29_000);
      expect(y).toBeGreaterThanOrEqual(prev);
      expect(y).toBeLessThan(32767);
      expect(softClip(-x, 29_000)).toBe(-y);
      prev = y;
    }
  });
});

describe('levels', () => {
  test('rms and dBFS of known signals', () => {
    expect(rmsLevel(constant(16384))).toBeCloseTo(0.5, 6);
    expect(dbfs(constant(16384))).toBeCloseTo(-6.02, 1);
    expect(dbfs(new ToneGenerator(1000, 1).next())).toBeCloseTo(-3.01, 1);
    expect(dbfs(constant(0))).toBe(SILENCE_DBFS);
  });

  test('speaking detector: attack, hangover across word gaps, hysteresis', () => {
    const d = new SpeakingDetector();
    const loud = new ToneGenerator(300, 0.1); // ≈ −23 dBFS
    const quiet = constant(3); // ≈ −80 dBFS
    const mid = constant(100); // ≈ −50 dBFS: between off (−55) and on (−45)
    for (let i = 0; i < 10; i++) expect(d.update(quiet).speaking).toBe(false);
    expect(d.update(loud.next()).speaking).toBe(false); // one click is not speech
    const second = d.update(loud.next());
    expect(second).toMatchObject({ speaking: true, changed: true });
    // a 200 ms pause between words keeps the state
    for (let i = 0; i < 10; i++) expect(d.update(quiet).speaking).toBe(true);
    d.update(loud.next());
    // a level in the hysteresis band neither starts nor ends speech
    for (let i = 0; i < 30; i++) expect(d.update(mid).speaking).toBe(true);
    let changedAt = -1;
    for (let i = 0; i < 30; i++) if (d.update(quiet).changed) changedAt = i;
    expect(changedAt).toBe(19); // 400 ms hangover
    expect(d.isSpeaking).toBe(false);
    for (let i = 0; i < 30; i++) expect(d.update(mid).speaking).toBe(false);
  });

  test('a steady hum raises the noise floor but a tone stays speech, and speech is detected on the fixture', async () => {
    const d = new SpeakingDetector();
    const hum = new ToneGenerator(50, 0.004); // ≈ −51 dBFS, above −55 but below −45: never speech
    for (let i = 0; i < 500; i++) expect(d.update(hum.next()).speaking).toBe(false);
    const tone = new ToneGenerator(440, 0.25);
    for (let i = 0; i < 3000; i++) d.update(tone.next()); // a minute of tone
    expect(d.isSpeaking).toBe(true);
    const speech = await readWavFile('fixtures/speech.wav');
    const s = new SpeakingDetector();
    let speakingFrames = 0;
    const frames = Math.floor(speech.length / SAMPLES_PER_FRAME);
    for (let f = 0; f < frames; f++) if (s.update(speech.subarray(f * SAMPLES_PER_FRAME, (f + 1) * SAMPLES_PER_FRAME)).speaking) speakingFrames++;
    expect(speakingFrames / frames).toBeGreaterThan(0.6);
    expect(s.update(constant(0)).meter).toBeGreaterThan(0.3); // the meter falls gradually
  });

  test('tells a quiet frame (a pause, the room) from voice by its own measure, without hearing it', () => {
    const d = new SpeakingDetector();
    const hum = new ToneGenerator(50, 0.004); // ≈ −51 dBFS: the room, learnt as its noise floor (it rises 3 dB/s)
    for (let i = 0; i < 1000; i++) d.update(hum.next());
    const voice = new ToneGenerator(300, 0.3);
    const murmur = (): Int16Array => new ToneGenerator(200, 0.0055).next(); // ≈ −48 dBFS
    expect(d.isQuiet(hum.next())).toBe(true);
    expect(d.isQuiet(voice.next())).toBe(false);
    expect(d.isQuiet(constant(0))).toBe(true);
    // Relative to the room: a murmur just above this room's hum is quiet here, not in a silent room.
    expect(d.isQuiet(murmur())).toBe(true);
    expect(new SpeakingDetector().isQuiet(murmur())).toBe(false);
    // Asking changes nothing: voice still has to be heard to count as speaking.
    for (let i = 0; i < 10; i++) d.isQuiet(voice.next());
    expect(d.isSpeaking).toBe(false);
  });
});
