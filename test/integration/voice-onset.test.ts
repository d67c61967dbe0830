/**
 * Voice activity transmission keeps the soft start of a word (docs/protocol.md §4.3, voice-gate.ts): real processes,
 * speech from a WAV (espeak-ng's "thanks", "hello", "fine", 0.7 s apart: each its own talk spurt, at a microphone's
 * usual level) through the sender's noise suppression, voice gate and Opus, recorded by a receiver.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { readWav } from '../helpers/wav.js';

const workspace = useCliWorkspace('lc-onset-');

const RATE = 48_000;
const MS = RATE / 1000;

function dbfsOf(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return sum === 0 ? -100 : 10 * Math.log10(sum / samples.length / 32768 ** 2);
}

/**
 * Each talk spurt in a recording (where sound starts after at least 300 ms of the recorder's filled silence, exact
 * zeros): how long it sounds before its first loud 10 ms (≥ −40 dBFS, a vowel), in ms.
 */
function onsetsMs(samples: Int16Array): number[] {
  const onsets: number[] = [];
  let zeros = 0;
  for (let i = 0; i < samples.length; i++) {
    if (samples[i] === 0) {
      zeros++;
      continue;
    }
    if (zeros >= 300 * MS) {
      for (let j = i; j + 10 * MS <= samples.length; j += 10 * MS) {
        if (dbfsOf(samples.subarray(j, j + 10 * MS)) >= -40) {
          onsets.push((j - i) / MS);
          break;
        }
      }
    }
    zeros = 0;
  }
  return onsets;
}

describe('a word that starts softly (th, h, f) is heard from its start', () => {
  it('the frames before the first voiced one that rose above the room reach the others, in place', async () => {
    const { proc: server, port } = await workspace.serve();
    const rec = join(workspace.dir, 'rec');
    const bob = workspace.start(['connect', `127.0.0.1:${port}`, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none', '--record', rec, '--duration', '12']);
    await bob.waitForEvent((e) => e.type === 'joined');
    const alice = workspace.start(['connect', `127.0.0.1:${port}`, '--name', 'alice', '--headless', '--video', 'none', '--audio', 'wav:fixtures/onsets.wav', '--duration', '10']);
    expect(await alice.exited).toBe(0);
    expect(await bob.exited).toBe(0);
    server.signal('SIGTERM');

    const onsets = onsetsMs(readWav(join(rec, 'alice.wav')).samples);
    // The words of at least one pass through the file (5.6 s; 10 s leaves room for a slow start on a busy machine),
    // each a spurt of its own.
    expect(onsets.length).toBeGreaterThanOrEqual(3);
    // Sound before the vowel: the th of "thanks", the h of "hello", the f of "fine" (60–100 ms here). Cut at the first
    // frame loud enough to count as voice, each word would start 10–30 ms before its vowel.
    expect(Math.min(...onsets)).toBeGreaterThanOrEqual(40);
    expect(onsets.filter((ms) => ms >= 60).length).toBeGreaterThanOrEqual(2);
  }, 30_000);
});
