/**
 * Randomized recordings: a seeded sender (its sound card drifting ±200 ppm, talk spurts, pauses) over a jittery TCP
 * link with stalls, heard first late or coming back from another machine, checked for what a listener of the WAV
 * relies on: every frame in it whole and in order, no silence cut into a word, and the length the wall clock says.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { Recorder } from '../../src/client/recorder.js';
import { readWav } from '../helpers/wav.js';
import { rng } from '../helpers/rng.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Scenario {
  voiceActivity?: boolean;
  stalls?: boolean;
  /** The first frame reaches us this late (the process was busy as the call began), those behind it with it. */
  firstLateMs?: number;
  /** Leaves and comes back now and then, from a machine whose clock is off by this much. */
  rejoinClockMs?: number;
}

interface Sent {
  k: number;
  value: number;
}

/** Records 30 s of a sender; returns the frames sent in capture order, the samples, and the wall time covered. */
function record(seed: number, s: Scenario): { sent: Sent[]; samples: Int16Array; wallMs: number; present: boolean } {
  const r = rng(seed);
  const step = 20 * (1 + (r() * 400 - 200) * 1e-6);
  const jitterMs = [5, 30, 60][seed % 3]!;
  const dir = mkdtempSync(join(tmpdir(), 'lc-recorder-random-'));
  dirs.push(dir);
  const events: Array<{ at: number; frame?: { stamp: number; value: number } }> = [];
  const sent: Sent[] = [];
  let offset = 1e12;
  let talking = true;
  let stateLeft = 100;
  let away = false;
  let stallUntil = -1;
  let prevArrival = 0;
  for (let k = 0; k < 1500; k++) {
    const captured = 1000 + k * step;
    if (s.stalls && r() < 0.002) stallUntil = captured + [200, 1000, 3000][Math.floor(r() * 3)]!;
    if (s.rejoinClockMs !== undefined && r() < 0.003) {
      away = !away;
      // The server relays the leave after their last frame, on the same stream.
      if (away) events.push({ at: Math.max(captured, prevArrival) + 1 });
      else offset += s.rejoinClockMs * (r() < 0.5 ? 1 : -1);
    }
    if (s.voiceActivity && --stateLeft <= 0) {
      talking = !talking;
      stateLeft = talking ? 20 + Math.floor(r() * 300) : 1 + Math.floor(r() * 100);
    }
    if (!talking || away) continue;
    let arrival = captured + 10 + -Math.log(1 - r()) * jitterMs * 0.4 + (k === 0 ? (s.firstLateMs ?? 0) : 0);
    arrival = Math.max(arrival, stallUntil, prevArrival); // one TCP stream: in order
    prevArrival = arrival;
    // A loud voice, each frame its own value; a pause (quiet frame) every few seconds.
    const value = k % 150 === 149 || r() < 0.01 ? 0 : 1000 + k;
    sent.push({ k, value });
    events.push({ at: arrival, frame: { stamp: Math.round(captured + offset), value } });
  }
  events.sort((a, b) => a.at - b.at);
  let now = 0;
  const recorder = new Recorder({ dir, now: () => now });
  for (const e of events) {
    now = e.at;
    if (e.frame) recorder.audioFrame('pat', e.frame.stamp, new Int16Array(960).fill(e.frame.value));
    else recorder.participantLeft('pat');
  }
  now += 500;
  recorder.close();
  const firstHeard = events.find((e) => e.frame)!.at;
  return { sent, samples: readWav(join(dir, 'pat.wav')).samples, wallMs: now - firstHeard, present: !away };
}

const scenarios: Array<[string, Scenario]> = [
  ['steady talk', {}],
  ['talk spurts', { voiceActivity: true }],
  ['stalls then bursts', { stalls: true }],
  ['first frame heard 1.2 s late', { firstLateMs: 1200 }],
  ['back from machines 1.5 s off', { rejoinClockMs: 1500, voiceActivity: true }],
  ['back from a machine a minute off', { rejoinClockMs: 60_000 }],
];

describe('Recorder, randomized senders and links', () => {
  // Three seeds a scenario; SEEDS=30 for a longer hunt.
  test.each(scenarios.flatMap(([name, s]) => Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, k) => k + 1).map((seed) => [name, seed, s] as const)))(
    '%s, seed %i: every loud frame whole and in order, no silence cut into a word, the length of the wall clock',
    (_name, seed, scenario) => {
      const { sent, samples, wallMs, present } = record(seed, scenario);
      let pos = 0;
      let previous: { k: number; end: number } | undefined;
      const holes: number[] = [];
      for (const { k, value } of sent) {
        if (value === 0) {
          previous = undefined;
          continue;
        }
        const at = samples.indexOf(value, pos);
        expect(at, `frame ${k}`).toBeGreaterThanOrEqual(0);
        expect(samples.subarray(at, at + 960).every((v) => v === value)).toBe(true);
        // Two loud frames captured one after the other: nothing between them in the file.
        if (previous?.k === k - 1 && at !== previous.end) holes.push(k);
        previous = { k, end: at + 960 };
        pos = at + 960;
      }
      expect(holes).toEqual([]);
      // Padded to the wall clock while there, and never more than a second past it (docs: recorder.ts).
      const lengthMs = samples.length / 48;
      if (present) expect(lengthMs).toBeGreaterThanOrEqual(wallMs - 1);
      expect(lengthMs).toBeLessThanOrEqual(wallMs + 1000);
    },
  );
});
