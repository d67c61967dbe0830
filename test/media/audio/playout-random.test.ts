/**
 * Randomized calls through the whole receive side (jitter buffers, concealment, speaking detection, mixer): people
 * talking at every level up to full-scale square waves, loss, spurt ends, volume and mute changes (garbage values
 * included), leaving and coming back under the same id. Checks what reaches the speaker. Deterministic seeds.
 */
import { describe, expect, test } from 'vitest';
import { SAMPLES_PER_FRAME } from '../../../src/media/audio/format.js';
import { AudioPlayout } from '../../../src/media/audio/playout.js';
import { rng } from '../../helpers/rng.js';

/** Frames of silence, a murmur, speech, a full-scale sine and a full-scale square wave (what clips first). */
function framePool(): Int16Array[] {
  const pool: Int16Array[] = [];
  for (const amplitude of [0, 300, 8000, 32767]) {
    for (const hz of [110, 220, 440]) {
      pool.push(Int16Array.from({ length: SAMPLES_PER_FRAME }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 48_000))));
    }
  }
  pool.push(Int16Array.from({ length: SAMPLES_PER_FRAME }, (_, i) => ((i >> 5) % 2 === 0 ? 32767 : -32768)));
  return pool;
}

const VOLUMES = [Number.NaN, Infinity, -1, 0, 0.5, 1, 2, 3];

describe('AudioPlayout, randomized calls', () => {
  const pool = framePool();

  test.each(Array.from({ length: 8 }, (_, k) => k + 1))('seed %i: never at the rails, stats finite, silent soon after the last frame', (seed) => {
    const r = rng(seed);
    let now = 0;
    const playout = new AudioPlayout({ now: () => now });
    const ids = ['ann', 'bo', 'cy', 'di'];
    const nextSeq = new Map<string, number>();
    const violations: string[] = [];
    const check = (ok: boolean, what: () => string): void => void (ok || violations.length >= 5 || violations.push(what()));
    for (let tick = 0; tick < 500; tick++, now += 20) {
      for (const id of ids) {
        const x = r();
        if (x < 0.005) {
          playout.remove(id);
          if (r() < 0.5) nextSeq.delete(id); // back with a new count
          continue;
        }
        if (x < 0.01) playout.mixer.setVolume(id, VOLUMES[Math.floor(r() * VOLUMES.length)]!);
        else if (x < 0.015) playout.mixer.setMuted(id, r() < 0.5);
        if (r() < 0.1) continue; // not sending this period
        const seq = nextSeq.get(id) ?? Math.floor(r() * 2 ** 32);
        nextSeq.set(id, (seq + 1) % 2 ** 32);
        if (r() < 0.05) continue; // lost
        playout.push(id, seq, pool[Math.floor(r() * pool.length)]!, { captureTs: now, spurtEnd: r() < 0.02 });
      }
      const mix = playout.tick();
      check(mix.length === SAMPLES_PER_FRAME, () => `tick ${tick}: ${mix.length} samples`);
      // The soft clipper tends to ±32766 and never reaches the rails.
      check(mix.every((v) => Math.abs(v) <= 32766), () => `tick ${tick}: at the rails`);
      const gain = playout.mixer.limiterGain;
      check(Number.isFinite(gain) && gain > 0 && gain <= 1, () => `tick ${tick}: limiter gain ${gain}`);
      for (const id of playout.participants()) {
        const state = playout.state(id)!;
        check(state.meter >= 0 && state.meter <= 1, () => `tick ${tick}: ${id}'s meter ${state.meter}`);
        for (const [name, value] of Object.entries(state.jitter)) check(Number.isFinite(value), () => `tick ${tick}: ${id}'s ${name} ${value}`);
      }
    }
    // Nothing arrives any more: concealment fades and stops, the buffers go idle, and the speaker gets silence.
    const concealed = (): number => playout.participants().reduce((sum, id) => sum + playout.state(id)!.jitter.concealed, 0);
    let lastSound = -1;
    let concealedAfterOneSecond = 0;
    for (let tick = 0; tick < 100; tick++, now += 20) {
      if (playout.tick().some((v) => v !== 0)) lastSound = tick;
      if (tick === 50) concealedAfterOneSecond = concealed();
    }
    check(lastSound < 20, () => `sound ${lastSound + 1} ticks after the last frame`);
    check(concealed() === concealedAfterOneSecond, () => `still concealing ${concealed() - concealedAfterOneSecond} frames later`);
    expect(violations).toEqual([]);
  });
});
