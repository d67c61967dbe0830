import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
    const { proc: server, port } = await workspace.serve();
    const target = `127.0.0.1:${port}`;
    const alice = await workspace.joinHeadless(port, 'alice', { video: 'pattern', audio: 'tone:440' });
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

  it('on a full disk: says so once per file, keeps every file whole, and the call goes on', async () => {
    // A real 160 KiB tmpfs: alice's video fills it within a few seconds.
    const small = join(workspace.dir, 'small-disk');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', small]);
    try {
      const { port } = await workspace.serve();
      const target = `127.0.0.1:${port}`;
      const alice = await workspace.joinHeadless(port, 'alice', { video: 'pattern', audio: 'tone:440' });
      const rec = join(small, 'rec');
      const bob = start(['connect', target, '--name', 'bob', '--headless', '--video', 'none', '--audio', 'none', '--record', rec, '--duration', '8']);
      await bob.waitForEvent((e) => e.type === 'notice' && /disk is full/.test(String(e.message)), 8000);
      expect(await bob.exited).toBe(0);
      alice.kill();

      const full = bob.events().filter((e) => e.type === 'notice' && /disk is full/.test(String(e.message)));
      // One sentence per file that stopped, never repeated per frame.
      expect(new Set(full.map((e) => e.message)).size).toBe(full.length);
      expect(full.some((e) => /alice\.mjpeg stopped: the disk is full; the call goes on/.test(String(e.message)))).toBe(true);
      // The call went on after the disk filled: stats kept coming with alice's frames.
      const lastStats = bob.events().filter((e) => e.type === 'stats').at(-1) as unknown as { streams: Array<{ name: string; video: { frames: number } }> };
      expect(lastStats.streams.find((s) => s.name === 'alice')!.video.frames).toBeGreaterThan(5);
      // What was recorded is whole: WAV header matches its data, one log line per complete JPEG, last JPEG decodes.
      const { jpegs } = checkRecording(rec, 'alice');
      expect(jpegs).toBeGreaterThan(3);
    } finally {
      // Processes first: a recorder still holding files open would keep the mount busy.
      workspace.killAll();
      await new Promise((r) => setTimeout(r, 300));
      execFileSync('umount', ['--lazy', small]);
    }
  });
});
