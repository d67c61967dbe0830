import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Recorder } from '../../src/client/recorder.js';
import { fileStemForName } from '../../src/client/recording-names.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function recordingDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lc-recorder-names-'));
  dirs.push(dir);
  return dir;
}

const frame = (value: number): Int16Array => new Int16Array(960).fill(value);
const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xd9);

const listed = (dir: string, index = 'participants.jsonl'): Array<[string, string]> =>
  readFileSync(join(dir, index), 'utf8').trim().split('\n').map((line) => {
    const { name, file } = JSON.parse(line) as { name: string; file: string };
    return [name, file];
  });

describe('fileStemForName: names that tools and other systems can take as file names', () => {
  it.each([
    // `ffmpeg -i -rf.wav`, `sox -x.wav …`: a file name that starts with "-" is taken for an option.
    ['-rf', '_rf'],
    ['--help', '_help'],
    ['-', '_'],
    ['.hidden', '_hidden'],
    ['..', '_'],
    ['-.x', '_x'],
    ['a-b', 'a-b'],
    // Combining marks are part of the letters of Devanagari, Thai, Arabic… names, not punctuation.
    ['प्रिया', 'प्रिया'],
    ['สมศักดิ์', 'สมศักดิ์'],
    ['Zoë', 'Zoë'],
    // Windows keeps these for devices, with any extension: CON.wav cannot be made or unpacked there.
    ['CON', 'CON_'],
    ['nul', 'nul_'],
    ['com1', 'com1_'],
    ['Lpt9', 'Lpt9_'],
    ['aux.x', 'aux_.x'],
    ['console', 'console'],
    ['com10', 'com10'],
  ])('%s → %s', (name, stem) => {
    expect(fileStemForName(name)).toBe(stem);
  });
});

describe('Recorder file names that differ only in case', () => {
  it('gives them files of their own: copied to a Mac or Windows disk, Alice.wav and alice.wav are one file', () => {
    const dir = recordingDir();
    const recorder = new Recorder({ dir });
    // The server keeps "Alice" and "alice" apart in time only: one leaves, the other comes. "a b" and "A_B" are
    // two names at once, and both make a stem that differs from the other's only in case.
    for (const [name, value] of [['Alice', 1], ['alice', 2], ['a b', 3], ['A_B', 4]] as const) {
      recorder.audioFrame(name, 0, frame(value));
      recorder.videoFrame(name, 1, 0, 1, jpeg);
    }
    recorder.close();
    const stems = new Set(readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => f.toLowerCase()));
    expect(stems.size).toBe(4);
    expect(listed(dir).filter(([, file]) => file.endsWith('.wav'))).toEqual([
      ['Alice', 'Alice.wav'], ['alice', 'alice-2.wav'], ['a b', 'a_b.wav'], ['A_B', 'A_B-2.wav'],
    ]);
  });

  it('never makes a name that an earlier recording in the folder has in another case', () => {
    const dir = recordingDir();
    writeFileSync(join(dir, 'ALICE.wav'), '');
    const recorder = new Recorder({ dir });
    recorder.audioFrame('alice', 0, frame(1));
    recorder.close();
    expect(listed(dir)).toEqual([['alice', 'alice-2.wav']]);
  });
});
