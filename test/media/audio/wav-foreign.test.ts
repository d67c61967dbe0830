/**
 * `--audio wav:PATH` with files made by the real ffmpeg that a user may well pass: an RF64 WAV (what broadcast
 * recorders and `ffmpeg -rf64` write), sound in other formats named or renamed `.wav`, an empty file, a named pipe.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { AUDIO_ERROR_CODES } from '../../../src/media/audio/errors.js';
import { readWavFile } from '../../../src/media/audio/wav.js';
import { toneFraction } from './helpers.js';
import { until } from '../../helpers/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'lc-wav-foreign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HINT = 'convert it with: ffmpeg -i IN -ar 48000 -ac 1 OUT.wav';

/** One second of a 1 kHz tone at 48 kHz mono, through ffmpeg with `args` into `name`. */
function made(name: string, ...args: string[]): string {
  const path = join(dir, name);
  const run = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=1000:sample_rate=48000:duration=1', ...args, path]);
  expect(run.status, run.stderr.toString()).toBe(0);
  return path;
}

describe('RF64', () => {
  test('is read as the WAV it is, to the end of its data chunk and no further', async () => {
    const path = made('rf64.wav', '-rf64', 'always', '-c:a', 'pcm_s16le');
    // A chunk after the data (recorders put iXML there) is not sound: read as samples it would click at every loop.
    const after = Buffer.alloc(8 + 4000, 0x7f);
    after.write('iXML', 0, 'latin1');
    after.writeUInt32LE(4000, 4);
    appendFileSync(path, after);
    const mono = await readWavFile(path);
    expect(mono.length).toBe(48_000);
    expect(toneFraction(mono, 1000)).toBeGreaterThan(0.98);
  });
});

describe('not a WAV file', () => {
  test.each([
    { what: 'MP3', name: 'song.wav', args: ['-c:a', 'libmp3lame', '-f', 'mp3'] },
    { what: 'FLAC', name: 'take.wav', args: ['-c:a', 'flac', '-f', 'flac'] },
    { what: 'Ogg', name: 'voice.wav', args: ['-c:a', 'libopus', '-f', 'ogg'] },
    { what: 'MP4/M4A', name: 'memo.wav', args: ['-c:a', 'aac', '-f', 'mp4'] },
    { what: 'AIFF', name: 'mac.wav', args: ['-f', 'aiff'] },
    { what: 'Wave64', name: 'big.wav', args: ['-c:a', 'pcm_s16le', '-f', 'w64'] },
  ])('$what renamed .wav is named, with the conversion', async ({ what, name, args }) => {
    const path = made(name, ...args);
    // Before: "not a WAV file (no RIFF/WAVE header)", and nothing on what to do.
    await expect(readWavFile(path)).rejects.toMatchObject({
      code: AUDIO_ERROR_CODES.WAV_UNSUPPORTED,
      message: `not a WAV file but ${what} audio; ${HINT}`,
    });
  });
});

test('an empty file is said to be empty', async () => {
  const path = join(dir, 'empty.wav');
  writeFileSync(path, '');
  // Before: "not a WAV file (no RIFF/WAVE header)", as if it held something else.
  await expect(readWavFile(path)).rejects.toMatchObject({ code: AUDIO_ERROR_CODES.WAV_INVALID, message: `WAV file ${path} is empty (0 bytes)` });
});

test('a named pipe nothing writes into is given up on, in words, instead of waiting for ever', async () => {
  const fifo = join(dir, 'live.wav');
  execFileSync('mkfifo', [fifo]);
  // Before: opening it waited for a writer for ever; the call never started and said nothing.
  await expect(readWavFile(fifo, { openWithinMs: 300 })).rejects.toMatchObject({
    code: AUDIO_ERROR_CODES.WAV_INVALID,
    message: `cannot read WAV file ${fifo}: it did not open within 0.3 s (a named pipe with nothing writing into it?)`,
  });
  // The open left waiting is let through and closed, not left behind (Node cannot exit while it waits): a writer
  // then finds no reader there.
  await until(() => {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENXIO';
    }
  }, 'no reader left waiting on the pipe');
});

test('a named pipe whose writer opens it and sends nothing is given up on too, in words', async () => {
  const fifo = join(dir, 'silent-writer.wav');
  execFileSync('mkfifo', [fifo]);
  // The writer holds the pipe open and writes nothing (a script that opened it and then stalled).
  const writer = spawn('sh', ['-c', `exec 3>'${fifo}'; exec sleep 30`], { stdio: 'ignore' });
  try {
    // Before: only the open had a limit; the read of the header then waited for ever.
    await expect(readWavFile(fifo, { openWithinMs: 300 })).rejects.toMatchObject({
      code: AUDIO_ERROR_CODES.WAV_INVALID,
      message: `cannot read WAV file ${fifo}: nothing came through it within 0.3 s (a named pipe whose writer sends nothing?)`,
    });
  } finally {
    writer.kill();
  }
}, 5000);

test('a named pipe whose writer waits a while before it sends the file is read whole', async () => {
  const source = made('late-source.wav', '-c:a', 'pcm_s16le');
  const fifo = join(dir, 'late-fifo.wav');
  execFileSync('mkfifo', [fifo]);
  // Within the limit, the header's wait ends when it comes; no byte of the file is lost to the limit's machinery.
  const writer = spawn('sh', ['-c', `exec 3>'${fifo}'; sleep 0.2; exec cat '${source}' >&3`], { stdio: 'ignore' });
  try {
    expect((await readWavFile(fifo, { openWithinMs: 3000 })).length).toBe(48_000);
  } finally {
    writer.kill();
  }
});
