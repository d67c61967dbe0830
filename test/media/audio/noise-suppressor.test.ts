import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AudioSource } from '../../../src/media/audio/format.js';
import { dbfs } from '../../../src/media/audio/level.js';
import { NoiseSuppressor, suppressNoise } from '../../../src/media/audio/noise-suppressor.js';
import { parseWav } from '../../../src/media/audio/wav.js';
import { rng } from '../../helpers/rng.js';

/** Low-passed noise, as a fan or a hum of traffic sounds, at about −34 dBFS. */
function fanNoise(samples: number, seed = 7): Int16Array {
  const random = rng(seed);
  let y = 0;
  return new Int16Array(samples).map(() => Math.round((y = 0.97 * y + 0.03 * (random() * 2 - 1) * 32768 * 0.3)));
}

/** Runs `pcm` through `suppressor` in 20 ms frames. */
function denoise(suppressor: NoiseSuppressor, pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let at = 0; at + 960 <= pcm.length; at += 960) out.set(suppressor.process(pcm.subarray(at, at + 960)), at);
  return out;
}

function correlation(a: Int16Array, b: Int16Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('NoiseSuppressor (RNNoise, WebAssembly)', () => {
  it('takes a fan out of the microphone by tens of dB', async () => {
    const suppressor = await NoiseSuppressor.create();
    const fan = fanNoise(3 * 48_000);
    const out = denoise(suppressor, fan);
    // After its first second (RNNoise settles on the noise), compare levels.
    const before = dbfs(fan.subarray(48_000));
    const after = dbfs(out.subarray(48_000));
    expect(before).toBeGreaterThan(-40);
    expect(before - after).toBeGreaterThan(20);
    expect(suppressor.voiceProbability).toBeLessThan(0.2);
    suppressor.destroy();
  });

  it('passes speech almost untouched, 10 ms later, and knows it for a voice', async () => {
    const suppressor = await NoiseSuppressor.create();
    const speech = parseWav(readFileSync('fixtures/speech.wav')).samples;
    const out = denoise(suppressor, speech);
    expect(correlation(speech, out.subarray(480))).toBeGreaterThan(0.95);
    expect(Math.abs(dbfs(out) - dbfs(speech))).toBeLessThan(1.5);
    suppressor.destroy();
  });

  it('leaves speech clear of the fan it was spoken over', async () => {
    const suppressor = await NoiseSuppressor.create();
    const speech = parseWav(readFileSync('fixtures/speech.wav')).samples;
    const fan = fanNoise(speech.length, 11);
    const noisy = speech.map((v, i) => Math.max(-32768, Math.min(32767, v + fan[i]!)));
    const out = denoise(suppressor, noisy);
    expect(correlation(speech, out.subarray(480))).toBeGreaterThan(correlation(speech, noisy));
  });

  it('after destroy, passes frames through; the source wrapper frees it when stopped', async () => {
    const suppressor = await NoiseSuppressor.create();
    let push: (pcm: Int16Array, ts: number) => void = () => {};
    let stopped = false;
    // A stand-in for a microphone (none on these machines; the PortAudio path is tested in audio-e2e).
    const mic: AudioSource = { description: 'test mic', start: (onFrame) => void (push = onFrame), stop: async () => void (stopped = true) };
    const cleaned = suppressNoise(mic, suppressor);
    expect(cleaned.description).toBe('test mic, noise suppression');
    const frames: Int16Array[] = [];
    cleaned.start((pcm) => frames.push(pcm), () => {});
    const fan = fanNoise(960);
    push(fan, 0);
    expect(frames).toHaveLength(1);
    expect(frames[0]).not.toBe(fan);
    await cleaned.stop();
    expect(stopped).toBe(true);
    expect(suppressor.process(fan)).toBe(fan);
  });
});
