import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeJpeg } from '../../src/media/video/jpeg.js';
import { useCliWorkspace } from '../helpers/cli-process.js';
import { readWav } from '../helpers/wav.js';

/**
 * `--record` files are never truncated (SPEC §1): after SIGINT, after SIGTERM, and after the connection is lost
 * (server killed with SIGKILL, recorder stopped while it tries to reconnect), every WAV header states the size of
 * the data that is really there and every .mjpeg ends with a complete JPEG — real processes throughout.
 */
const workspace = useCliWorkspace('lc-rec-');

const start = workspace.start;

/** Asserts the recording of `name` in `recDir` is whole; returns its length in seconds and JPEG count. */
function checkRecording(recDir: string, name: string): { seconds: number; jpegs: number } {
  const wav = readWav(join(recDir, `${name}.wav`)); // throws unless the data chunk's size matches the file
  expect(wav).toMatchObject({ sampleRate: 48_000, channels: 1, riffSizeOk: true });
  const mjpeg = readFileSync(join(recDir, `${name}.mjpeg`));
  expect([mjpeg[0], mjpeg[1]]).toEqual([0xff, 0xd8]);
  expect([mjpeg.at(-2), mjpeg.at(-1)]).toEqual([0xff, 0xd9]);
  const log = readFileSync(join(recDir, `${name}.frames.jsonl`), 'utf8');
  expect(log.endsWith('\n')).toBe(true);
  const lines = log.trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
  // One JPEG per logged frame: split at each start marker that follows an end marker.
  let jpegs = 0;
  let at = 0;
  let last = 0;
  while ((at = mjpeg.indexOf(Buffer.from([0xff, 0xd9, 0xff, 0xd8]), at)) >= 0) {
    jpegs++;
    last = at + 2;
    at += 2;
  }
  jpegs++;
  expect(jpegs).toBe(lines.length);
  expect(decodeJpeg(mjpeg.subarray(last)).width).toBeGreaterThan(0);
  return { seconds: wav.samples.length / 48_000, jpegs };
}

describe('recordings survive every way a recorder can stop', () => {
  it('after SIGINT, SIGTERM, and a lost connection', async () => {
    const server = start(['serve', '--bind', '127.0.0.1', '--port', '0']);
    const port = Number((await server.waitForOutput(/listening on 127\.0\.0\.1:(\d+)/))[1]);
    const target = `127.0.0.1:${port}`;
    const alice = start(['connect', target, '--name', 'alice', '--headless', '--video', 'pattern', '--audio', 'tone:440']);
    await alice.waitForEvent((e) => e.type === 'joined');
    const recorders = ['bob', 'carol', 'dave'].map((name) => ({
      name,
      rec: join(workspace.dir, `rec-${name}`),
      proc: start(['connect', target, '--name', name, '--headless', '--video', 'none', '--audio', 'none', '--record', join(workspace.dir, `rec-${name}`)]),
    }));
    // Each has recorded alice for a while: a stats report shows her video and audio arriving.
    for (const r of recorders) {
      await r.proc.waitForEvent((e) => e.type === 'stats' && (e.streams as Array<{ name: string; video: { frames: number }; audio: { frames: number } }>)
        .some((s) => s.name === 'alice' && s.video.frames > 5 && s.audio.frames > 20), 8000);
    }
    const [bob, carol, dave] = recorders as [typeof recorders[0], typeof recorders[0], typeof recorders[0]];

    bob.proc.signal('SIGINT');
    carol.proc.signal('SIGTERM');
    expect(await bob.proc.exited).toBe(0);
    expect(await carol.proc.exited).toBe(0);

    // Dave loses the server mid-call (SIGKILL: no goodbye) and is stopped while it retries.
    server.kill();
    await dave.proc.waitForEvent((e) => e.type === 'status' && e.status === 'reconnecting');
    dave.proc.signal('SIGTERM');
    expect(await dave.proc.exited).toBe(0);
    alice.kill();

    for (const r of recorders) {
      const { seconds, jpegs } = checkRecording(r.rec, 'alice');
      expect(seconds).toBeGreaterThan(1);
      expect(jpegs).toBeGreaterThan(5);
    }
  });
});
