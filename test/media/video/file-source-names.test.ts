/**
 * `--video file:PATH` with the names people's files really have, made with the real ffmpeg: a seeded mix of colons
 * (clock times, `name:tag`), `%d`, spaces, non-Latin letters and a leading dash, for videos and for stills. Named
 * as a user types them, relative to the current folder: only there is `10:30 x.mp4` a URL to ffmpeg (in
 * `/home/me/10:30 x.mp4` the slash comes before the colon).
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVideoSource } from '../../../src/media/video/create-source.js';
import { decodeJpeg } from '../../../src/media/video/jpeg.js';
import type { CapturedFrame, VideoSource } from '../../../src/media/video/source.js';
import { rng } from '../../helpers/rng.js';

const SEED = Number(process.env['SRCNAMES_SEED'] ?? 7);
const started: VideoSource[] = [];
let dir = '';
let cwd = '';

function ffmpeg(...args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  expect(made.status, made.stderr.toString()).toBe(0);
}

/** File names as people have them: each has a part ffmpeg would read as a protocol or a frame number. */
function hostileNames(seed: number, extension: string): string[] {
  const next = rng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const stems = ['meeting', 'clip', 'Zoom', 'vidéo', '会議', 'photo'];
  const names = [
    `${10 + Math.floor(next() * 13)}:${String(Math.floor(next() * 60)).padStart(2, '0')} ${pick(stems)}`,
    `${pick(stems)}:${Math.floor(next() * 100)}`,
    `2024-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 10)}T10:30:00`,
    `${pick(stems)}%${Math.floor(next() * 9)}d`,
    `-${pick(stems)} %20day`,
  ];
  return names.map((n) => `${n}${extension}`);
}

function firstFrame(source: VideoSource): Promise<CapturedFrame> {
  started.push(source);
  return new Promise((resolve, reject) => source.start(resolve, reject));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-names-'));
  // The pool is `forks`: each test file has a process of its own to change the folder of.
  cwd = process.cwd();
  process.chdir(dir);
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=15', '-t', '1', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x180', '-frames:v', '1', join(dir, 'still.png'));
  ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x180', '-frames:v', '1', join(dir, 'still.tif'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

afterAll(() => {
  process.chdir(cwd);
  rmSync(dir, { recursive: true, force: true });
});

describe(`file names ffmpeg must not interpret (seed ${SEED})`, () => {
  it('a video whose name has a colon, %d or a leading dash plays, at the aspect of the file', async () => {
    for (const name of hostileNames(SEED, '.mp4')) {
      copyFileSync('clip.mp4', name);
      const { source } = await createVideoSource(`file:${name}`, { width: 160, height: 120, fps: 15 }, { name: 'a' });
      const frame = await firstFrame(source as VideoSource).catch((err: Error) => err.message);
      expect(typeof frame === 'string' ? `${name}: ${frame}` : [frame.width, frame.height]).toEqual([160, 90]);
      await source?.stop();
    }
  }, 25_000);

  it('a still picture whose name has a colon, %d or a leading dash is shown', async () => {
    // A TIFF too: ffmpeg reads it only from the file, not from a pipe.
    for (const name of [...hostileNames(SEED + 1, '.png'), ...hostileNames(SEED + 2, '.tif')]) {
      copyFileSync(name.endsWith('.tif') ? 'still.tif' : 'still.png', name);
      const { source } = await createVideoSource(`file:${name}`, { width: 160, height: 120, fps: 15 }, { name: 'a' });
      const frame = await firstFrame(source as VideoSource).catch((err: Error) => err.message);
      expect(typeof frame === 'string' ? `${name}: ${frame}` : [frame.width, frame.height]).toEqual([160, 90]);
      if (typeof frame !== 'string') expect(decodeJpeg(frame.data).width).toBe(160);
    }
  }, 15_000);

  it('a file with sound and no picture is refused in words a user knows, not ffmpeg\'s about its output', async () => {
    const path = join(dir, 'voice memo.m4a');
    ffmpeg('-f', 'lavfi', '-i', 'sine=f=440:d=1', path);
    const { source } = await createVideoSource(`file:${path}`, { width: 160, height: 120, fps: 15 }, { name: 'a' });
    await expect(firstFrame(source as VideoSource)).rejects.toMatchObject({
      code: 'LC_ERR_VIDEO_SOURCE_FAILED',
      message: expect.stringContaining('it has no video stream') as unknown,
    });
  }, 10_000);
});
