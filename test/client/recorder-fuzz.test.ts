/**
 * Seeded random calls into the Recorder: several participants (two of whose names make the same file name) joining,
 * leaving, muting, talking over a jittery link, video frames of every size, the recorder's own link dropping and
 * coming back — to the same server or to one restarted with another clock — senders whose clocks are set mid-call,
 * frames that come twice. Checked on the files written: every WAV
 * valid, every loud frame in it whole and in order, and its length the real time its participant was there;
 * every .mjpeg holds exactly the frames its log lists.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
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

const NAMES = ['ann', 'bo b', 'bo_b'] as const;
const FRAME_MS = 20;
const CALL_MS = 30_000;

interface Scenario {
  /** The recorder's link drops now and then and it rejoins (everyone leaves and comes back for it). */
  reconnects?: boolean;
  /** On a rejoin the server may be another process whose clock is off by one of these (ms). */
  serverClockSteps?: number[];
  /** Participants leave and come back. */
  comings?: boolean;
  /** A sender's clock is set now and then by one of these (ms): its stamps jump, mid-spurt. */
  senderClockSteps?: number[];
  /** Now and then a frame comes twice, with the same stamp (a relay that sent it again). */
  duplicates?: boolean;
}

interface Event {
  at: number;
  seq: number;
  run: (recorder: Recorder) => void;
}

interface Truth {
  /** Loud frames sent, in capture order, with their value. */
  loud: Array<{ k: number; value: number }>;
  /** Real times they were heard, seen or heard, and left (or the recorder's link dropped while they were there). */
  heard: number[];
  seen: number[];
  left: number[];
}

/** Plays one random call into a Recorder at `dir`; returns what each participant sent and when they were there. */
function play(seed: number, s: Scenario, dir: string): { truth: Map<string, Truth>; errors: string[]; closedAt: number } {
  const r = rng(seed);
  const events: Event[] = [];
  let seq = 0;
  const push = (at: number, run: Event['run']): void => void events.push({ at, seq: seq++, run });
  // Who the recorder has heard or seen since they (or it) last joined: those a dropped link takes away.
  const present = new Set<string>();
  // The server clock (as everyone estimates it) is real time plus this; it changes only with a restarted server.
  const steps: Array<{ from: number; offset: number }> = [{ from: 0, offset: 1.8e12 }];
  // The recorder's outages: [from, to) in real time.
  const outages: Array<[number, number]> = [];
  if (s.reconnects) {
    for (let t = 3000 + r() * 5000; t < CALL_MS - 5000; t += 6000 + r() * 8000) {
      const back = t + 500 + r() * 4000;
      outages.push([t, back]);
      const stepsOf = s.serverClockSteps ?? [0];
      const step = stepsOf[Math.floor(r() * stepsOf.length)]!;
      steps.push({ from: back, offset: steps.at(-1)!.offset + step });
    }
  }
  const offsetAt = (t: number): number => steps.filter((x) => x.from <= t).at(-1)!.offset;
  const down = (t: number): boolean => outages.some(([a, b]) => t >= a && t < b);
  const truth = new Map<string, Truth>();
  const frameValue = (p: number, k: number): number => 1000 + p * 10_000 + (k % 9000);
  NAMES.forEach((name, p) => {
    const mine: Truth = { loud: [], heard: [], seen: [], left: [] };
    truth.set(name, mine);
    let talking = r() < 0.7;
    let stateLeft = 20 + Math.floor(r() * 200);
    let away = false;
    let prevArrival = 0;
    let wasHeardSinceJoin = false;
    const jitterMs = 5 + r() * 40;
    let senderSkew = 0;
    for (let k = 0; k * FRAME_MS < CALL_MS; k++) {
      const t = k * FRAME_MS + p * 3;
      if (s.comings && r() < 0.002) {
        away = !away;
        // The server relays the leave after their last frame, on the same stream.
        if (away && wasHeardSinceJoin && !down(t)) {
          const at = Math.max(t, prevArrival) + 1;
          push(at, (rec) => {
            rec.participantLeft(name);
            present.delete(name);
          });
          mine.left.push(at);
          wasHeardSinceJoin = false;
        }
      }
      if (--stateLeft <= 0) {
        talking = !talking;
        stateLeft = talking ? 20 + Math.floor(r() * 300) : 1 + Math.floor(r() * 150);
      }
      if (away) continue;
      // Video at ~15 fps, of every size a JPEG may have.
      if (k % 3 === 0) {
        const size = 4 + Math.floor(r() ** 3 * 20_000);
        const jpeg = new Uint8Array(size).fill(p + 1);
        jpeg.set([0xff, 0xd8], 0);
        jpeg.set([0xff, 0xd9], size - 2);
        const at = Math.max(t + 5 + r() * jitterMs, prevArrival);
        if (!down(at)) {
          push(at, (rec) => {
            rec.videoFrame(name, k, t + offsetAt(t), at + offsetAt(at), jpeg);
            present.add(name);
            mine.seen.push(at);
          });
        }
        prevArrival = at;
      }
      if (!talking) continue;
      const arrival = Math.max(t + 10 + -Math.log(1 - r()) * jitterMs * 0.4, prevArrival);
      prevArrival = arrival;
      // Lost while the recorder's link is down: never heard, so not in the file.
      if (down(arrival)) continue;
      const value = k % 150 === 149 || r() < 0.01 ? 0 : frameValue(p, k);
      if (value !== 0) mine.loud.push({ k, value });
      mine.heard.push(arrival);
      mine.seen.push(arrival);
      wasHeardSinceJoin = true;
      if (s.senderClockSteps && r() < 0.001) senderSkew += s.senderClockSteps[Math.floor(r() * s.senderClockSteps.length)]!;
      const stamp = t + offsetAt(t) + senderSkew;
      const copies = s.duplicates && r() < 0.01 ? 2 : 1;
      push(arrival, (rec) => {
        for (let c = 0; c < copies; c++) rec.audioFrame(name, stamp, new Int16Array(960).fill(value));
        present.add(name);
      });
    }
  });
  // The recorder's link drops: everyone leaves for it (Call clears its participants), their frames stop reaching it.
  for (const [from] of outages) {
    push(from, (rec) => {
      for (const name of present) {
        rec.participantLeft(name);
        truth.get(name)!.left.push(from);
      }
      present.clear();
    });
  }
  events.sort((a, b) => a.at - b.at || a.seq - b.seq);
  let now = 0;
  const errors: string[] = [];
  // Stamps on the server's clock as the participants estimate it; the files' timelines on one that only goes on.
  const recorder = new Recorder({ dir, now: () => now + offsetAt(now), elapsedMs: () => now, onError: (m) => errors.push(m) });
  for (const e of events) {
    now = e.at;
    e.run(recorder);
  }
  now = CALL_MS + 500;
  recorder.close();
  return { truth, errors, closedAt: now };
}

const scenarios: Array<[string, Scenario]> = [
  ['talk, mute, video', {}],
  ['people come and go', { comings: true }],
  ['the recorder reconnects to the same server', { reconnects: true, comings: true }],
  ['the recorder reconnects to a server restarted with its clock set', { reconnects: true, serverClockSteps: [-3_600_000, -20_000, 15_000, 3_600_000] }],
  ["senders' clocks set mid-call, frames twice", { comings: true, senderClockSteps: [-3_600_000, -5000, 3000, 86_400_000], duplicates: true }],
];

describe('Recorder, random calls', () => {
  // Three seeds a scenario; SEEDS=30 for a longer hunt.
  test.each(scenarios.flatMap(([name, s]) => Array.from({ length: Number(process.env.SEEDS ?? 3) }, (_, k) => k + 1).map((seed) => [name, seed, s] as const)))(
    '%s, seed %i: valid files, every loud frame whole and in order, each WAV as long as its participant was there',
    (_name, seed, scenario) => {
      const dir = mkdtempSync(join(tmpdir(), 'lc-recorder-fuzz-'));
      dirs.push(dir);
      const { truth, errors, closedAt } = play(seed, scenario, dir);
      expect(errors).toEqual([]);
      const index = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; file: string });
      for (const [name, mine] of truth) {
        const files = index.filter((e) => e.name === name).map((e) => e.file);
        const wavFile = files.find((f) => f.endsWith('.wav'));
        const firstHeard = mine.heard[0];
        if (firstHeard === undefined) {
          expect(wavFile).toBeUndefined();
          continue;
        }
        const wav = readWav(join(dir, wavFile!));
        expect(wav.riffSizeOk).toBe(true);
        const samples = wav.samples;
        let pos = 0;
        for (const { k, value } of mine.loud) {
          const at = samples.indexOf(value, pos);
          expect(at, `${name} frame ${k}`).toBeGreaterThanOrEqual(0);
          expect(samples.subarray(at, at + 960).every((v) => v === value), `${name} frame ${k} whole`).toBe(true);
          pos = at + 960;
        }
        const lengthMs = samples.length / 48;
        // Their file ends when they last left (after they were last heard or seen), or with the recording.
        const lastSeen = Math.max(...mine.seen);
        const thereMs = Math.min(closedAt, ...mine.left.filter((t) => t > lastSeen)) - firstHeard;
        expect(lengthMs, `${name}'s WAV length`).toBeGreaterThanOrEqual(thereMs - 1000);
        expect(lengthMs, `${name}'s WAV length`).toBeLessThanOrEqual(thereMs + 1000);
        // Each JPEG whole, one per logged frame.
        const mjpeg = readFileSync(join(dir, files.find((f) => f.endsWith('.mjpeg'))!));
        const log = readFileSync(join(dir, files.find((f) => f.endsWith('.frames.jsonl'))!), 'utf8').trim().split('\n');
        let jpegs = 0;
        for (let i = 0; i + 1 < mjpeg.length; i++) if (mjpeg[i] === 0xff && mjpeg[i + 1] === 0xd8) jpegs++;
        expect(jpegs).toBe(log.length);
      }
      expect(readdirSync(dir).filter((f) => f.endsWith('.wav')).length).toBe([...truth.values()].filter((t) => t.heard.length > 0).length);
    },
  );
});
