/**
 * Two recorders into one folder (`--record DIR` on two participants of a call, each its own process) that hear the
 * same person at the same moment: each checks the names free, then makes its files. Another process's files made
 * between the check and the making must not be written into. Simulated in one process: node:fs's readdirSync (the
 * check: which names the folder has) runs the other recorder's whole first frame right after this one's listing.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Recorder } from '../../src/client/recorder.js';

/** Runs once, right after the next listing of a folder (the other process, in between). */
let between: { run: () => void } | undefined;
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readdirSync = ((...args: Parameters<typeof fs.readdirSync>) => {
    const listing = fs.readdirSync(...args);
    const hook = between;
    if (hook) {
      between = undefined;
      hook.run();
    }
    return listing;
  }) as typeof fs.readdirSync;
  return { ...fs, readdirSync, default: { ...fs, readdirSync } };
});

const dirs: string[] = [];
afterEach(() => {
  between = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const jpegOf = (byte: number): Uint8Array => Uint8Array.of(0xff, 0xd8, byte, 0xff, 0xd9);
const frame = (value: number): Int16Array => new Int16Array(960).fill(value);
const indexOf = (dir: string, file: string): string[] =>
  readFileSync(join(dir, file), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { file: string }).file);

describe('two recorders in one folder hearing the same person at once', () => {
  it('never write into each other\'s files: each gets names of its own', () => {
    for (const [first, second] of [['video', 'video'], ['audio', 'video'], ['video', 'audio'], ['audio', 'audio']] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'lc-recorder-race-'));
      dirs.push(dir);
      const one = new Recorder({ dir });
      const two = new Recorder({ dir });
      const hear = (recorder: Recorder, kind: 'video' | 'audio', byte: number): void => {
        if (kind === 'video') recorder.videoFrame('alice', 1, 0, 1, jpegOf(byte));
        else recorder.audioFrame('alice', 0, frame(byte));
      };
      // Recorder two does its whole first frame between recorder one's check of the names and its making the files.
      between = { run: () => hear(two, second, 2) };
      hear(one, first, 1);
      expect(between, 'the other recorder ran in between').toBeUndefined();
      hear(one, 'video', 1);
      hear(two, 'video', 2);
      hear(one, 'audio', 1);
      hear(two, 'audio', 2);
      one.close();
      two.close();
      const mine = indexOf(dir, 'participants.jsonl');
      const theirs = indexOf(dir, 'participants-2.jsonl');
      const what = `${first} then ${second}: ${JSON.stringify({ mine, theirs })}`;
      expect(mine.filter((file) => theirs.includes(file)), what).toEqual([]);
      expect(mine, what).toHaveLength(3);
      expect(theirs, what).toHaveLength(3);
      // Every MJPEG holds one recorder's frames only.
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.mjpeg'))) {
        const bytes = [...readFileSync(join(dir, file))];
        const marks = new Set(bytes.filter((_, i) => bytes[i - 1] === 0xd8));
        expect(marks.size, `${what}: ${file}`).toBe(1);
      }
    }
  });
});
