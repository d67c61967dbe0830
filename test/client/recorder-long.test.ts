import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/client/recorder.js';
import { readWav } from '../helpers/wav.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const frame = (value: number): Int16Array => new Int16Array(960).fill(value);

/** The RIFF and data sizes a WAV's header states (its first 44 bytes only: the file may be gigabytes of holes). */
function headerSizes(path: string): { riff: number; data: number } {
  const header = Buffer.alloc(44);
  const fd = openSync(path, 'r');
  readSync(fd, header, 0, 44, 0);
  closeSync(fd);
  return { riff: header.readUInt32LE(4), data: header.readUInt32LE(40) };
}

describe('Recorder over the WAV format\'s 4 GiB (12 h 25 min at 48 kHz mono 16-bit)', () => {
  it('goes on in a new file, listed with when it begins: a recorder left in a room lost everyone after 12 hours', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-recorder-long-'));
    dirs.push(dir);
    let now = 1e12;
    const errors: string[] = [];
    const recorder = new Recorder({ dir, now: () => now, elapsedMs: () => now, onError: (message) => errors.push(message) });
    recorder.audioFrame('ann', now, frame(100));
    // Ann says a word, then stays in the room, quiet, for 13 hours (a room bot that records all day), and speaks again.
    now += 13 * 3_600_000;
    recorder.audioFrame('ann', now, frame(200));
    recorder.audioFrame('ann', now + 20, frame(300));
    recorder.close();
    expect(errors).toEqual([]);
    // The first file stays valid: its header states what it holds.
    const { riff, data } = headerSizes(join(dir, 'ann.wav'));
    expect(data).toBe(statSync(join(dir, 'ann.wav')).size - 44);
    expect(riff).toBe(data + 36);
    const index = readFileSync(join(dir, 'participants.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; file: string; firstTs: number });
    expect(index).toEqual([{ name: 'ann', file: 'ann.wav', firstTs: 1e12 }, { name: 'ann', file: 'ann-2.wav', firstTs: now }]);
    expect([...readWav(join(dir, 'ann-2.wav')).samples.filter((_, i) => i % 960 === 0)]).toEqual([200, 300]);
  });
});
