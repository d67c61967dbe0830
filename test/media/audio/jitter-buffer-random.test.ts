/**
 * Randomized scenarios for the jitter buffer: a seeded hostile sender and network (jitter-sim.ts) against a playout
 * loop pulling every 20 ms, checking what a listener relies on whatever arrives. Deterministic: the same seeds every run.
 */
import { describe, expect, test } from 'vitest';
import { JitterBuffer, type JitterPull } from '../../../src/media/audio/jitter-buffer.js';
import { rng } from '../../helpers/rng.js';
import { simulateSender, type SimFrame, type SimOptions } from './jitter-sim.js';

const MAX_DELAY_MS = 200;
const MAX_CONCEAL_FRAMES = 5;

interface Run {
  pulls: Array<{ at: number; pull: JitterPull<SimFrame>; held: number; delayMs: number }>;
  frames: SimFrame[];
  jb: JitterBuffer<SimFrame>;
}

/** Pushes each frame at its arrival and pulls every 20 ms (at an offset from the seed), to a second after the last. */
function playOut(o: SimOptions, blockedThreads = false): Run {
  const frames = simulateSender(o);
  let now = 0;
  const jb = new JitterBuffer<SimFrame>({ now: () => now });
  // What it holds, for the memory bound (not part of its interface).
  const held = jb as unknown as { frames: Map<number, SimFrame> };
  const r = rng(o.seed * 7919);
  const pulls: Run['pulls'] = [];
  let i = 0;
  let blockedUntil = -1;
  const end = (frames.at(-1)?.arrival ?? 0) + 1000;
  for (let t = 0.5 + (o.seed % 20); t < end; t += 20) {
    // The playout thread blocked now and then: the pacer plays up to 3 missed ticks at once and skips the rest.
    let pullsNow = 1;
    if (blockedThreads && t < end - 3000 && r() < 0.003) blockedUntil = t + r() * 1500;
    if (t < blockedUntil) continue;
    if (blockedUntil > 0) [pullsNow, blockedUntil] = [4, -1];
    for (; i < frames.length && frames[i]!.arrival <= t; i++) {
      const f = frames[i]!;
      now = f.arrival;
      jb.push(f.seq, f, f.arrival, f.timing);
    }
    now = t;
    for (let k = 0; k < pullsNow; k++) {
      const pull = jb.pull();
      pulls.push({ at: t, pull, held: held.frames.size, delayMs: jb.stats().delayMs });
    }
  }
  for (let k = 0; k < 10; k++, now += 20) pulls.push({ at: now, pull: jb.pull(), held: held.frames.size, delayMs: jb.stats().delayMs });
  return { pulls, frames, jb };
}

describe('JitterBuffer, randomized hostile senders and networks', () => {
  // Loss bursts, duplicates, reordering, stalls then bursts, NTP steps of the capture clock, restarts of the count,
  // sequence numbers about to wrap, talk spurts with preroll onsets, ±200 ppm drift: 30 s each. SEEDS=1000 for a
  // longer hunt.
  const seeds = Array.from({ length: Number(process.env.SEEDS ?? 30) }, (_, k) => k + 1);

  test.each(seeds)('seed %i: frames play in send order, once, with the delay, memory and concealment bounded', (seed) => {
    const { pulls, jb } = playOut({ seed, durationMs: 30_000 }, seed % 2 === 0);
    // Checked without expect() per pull (thousands of pulls); the first few violations are reported together.
    const violations: string[] = [];
    const check = (ok: boolean, what: () => string): void => void (ok || violations.length >= 5 || violations.push(what()));
    let last: SimFrame | undefined;
    const played = new Set<number>();
    let concealedWithNothingHeld = 0;
    for (const { at, pull, held, delayMs } of pulls) {
      check(delayMs <= MAX_DELAY_MS, () => `${at} ms: delay ${delayMs} ms`);
      // The catch-up leaves at most the maximum delay held (and a stall's burst is cut at the next pull).
      check(held <= MAX_DELAY_MS / 20 + 1, () => `${at} ms: ${held} frames held`);
      if (pull.type === 'frame') {
        const f = pull.payload;
        check(pull.seq === f.seq, () => `${at} ms: frame ${f.seq} played as ${pull.seq}`);
        check(!played.has(f.id), () => `${at} ms: frame ${f.seq} played twice`);
        played.add(f.id);
        // Within a run of counting, never a frame sent before one already played; a restart only moves on.
        if (last) check(f.epoch > last.epoch || (f.epoch === last.epoch && f.index > last.index), () => `${at} ms: ${f.seq} after ${last!.seq}`);
        last = f;
      }
      concealedWithNothingHeld = pull.type === 'conceal' && held === 0 ? concealedWithNothingHeld + 1 : 0;
      check(concealedWithNothingHeld <= MAX_CONCEAL_FRAMES, () => `${at} ms: ${concealedWithNothingHeld} concealments with nothing held`);
    }
    expect(violations).toEqual([]);
    // A second after the last arrival: idle, not concealing forever.
    expect(pulls.slice(-10).every(({ pull }) => pull.type === 'idle')).toBe(true);
    for (const [name, value] of Object.entries(jb.stats())) expect(Number.isFinite(value), name).toBe(true);
    const s = jb.stats();
    expect(s.played + s.dropped).toBeLessThanOrEqual(s.received);
  });

  // (Not across a restart: a count that starts again less than `restartFrames` behind is late by design.)
  test.each(seeds.slice(0, Number(process.env.SEEDS ?? 10)))('seed %i: the same stream numbered across the 2³² wrap plays the same', (seed) => {
    const heard = (seqStart: number): string[] =>
      playOut({ seed, durationMs: 20_000, seqStart, restarts: false }).pulls.map(({ pull }) => (pull.type === 'frame' ? `${pull.payload.epoch}.${pull.payload.index}` : pull.type));
    expect(heard(2 ** 32 - 300)).toEqual(heard(1));
  });

  test('pulls with nothing ever arriving stay idle, with a zero delay and finite stats', () => {
    let now = 0;
    const jb = new JitterBuffer<number>({ now: () => now });
    for (let k = 0; k < 1000; k++, now += 20) expect(jb.pull()).toEqual({ type: 'idle' });
    expect(jb.stats()).toMatchObject({ delayMs: 0, played: 0, concealed: 0 });
  });

  test.each([-200, 200])('%i ppm of drift over 5 minutes of speech: a frame made up or shed per drifted frame, the delay kept', (ppm) => {
    const durationMs = 300_000;
    const { pulls, jb } = playOut({ seed: 3, durationMs, driftPpm: ppm, voiceActivity: false, hostile: false, jitterMs: 2, tcpOrder: true });
    const drifted = Math.abs((durationMs * ppm) / 1e6 / 20); // 3 frames
    const s = jb.stats();
    // The slow sender's frames are stretched by concealment, the fast one's shed; the end of the stream adds 5.
    const corrections = ppm > 0 ? s.concealed - MAX_CONCEAL_FRAMES : s.dropped;
    expect(corrections).toBeGreaterThanOrEqual(drifted - 1);
    expect(corrections).toBeLessThanOrEqual(drifted + 1);
    expect(s.lost + s.late).toBe(0);
    expect(Math.max(...pulls.slice(500).map((p) => p.delayMs))).toBeLessThanOrEqual(60);
  });
});
