import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AudioSource } from '../../../src/media/audio/format.js';
import { dbfs } from '../../../src/media/audio/level.js';
import { NoiseSuppressor, suppressNoise } from '../../../src/media/audio/noise-suppressor.js';
import { parseWav } from '../../../src/media/audio/wav.js';
import { correlationAt, fanNoise } from './helpers.js';

/** Runs `pcm` through `suppressor` in 20 ms frames. */
function denoise(suppressor: NoiseSuppressor, pcm: Int16Array): Int16Array {
  const out = new Int16Array(pcm.length);
  for (let at = 0; at + 960 <= pcm.length; at += 960) out.set(suppressor.process(pcm.subarray(at, at + 960)), at);
  return out;
}

describe('NoiseSuppressor (RNNoise, WebAssembly)', () => {
  it('takes a fan out of the microphone by tens of dB', async () => {
    const suppressor = await NoiseSuppressor.create();
    const fan = fanNoise(3 * 48_000, 7);
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
    expect(correlationAt(speech, out, 480)).toBeGreaterThan(0.95);
    expect(Math.abs(dbfs(out) - dbfs(speech))).toBeLessThan(1.5);
    suppressor.destroy();
  });

  it('leaves speech clear of the fan it was spoken over', async () => {
    const suppressor = await NoiseSuppressor.create();
    const speech = parseWav(readFileSync('fixtures/speech.wav')).samples;
    const fan = fanNoise(speech.length, 11);
    const noisy = speech.map((v, i) => Math.max(-32768, Math.min(32767, v + fan[i]!)));
    const out = denoise(suppressor, noisy);
    expect(correlationAt(speech, out, 480)).toBeGreaterThan(correlationAt(speech, noisy, 0));
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
    const fan = fanNoise(960, 3);
    push(fan, 0);
    expect(frames).toHaveLength(1);
    expect(frames[0]).not.toBe(fan);
    await cleaned.stop();
    expect(stopped).toBe(true);
    expect(suppressor.process(fan)).toBe(fan);
  });
});
