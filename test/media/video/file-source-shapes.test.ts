/**
 * `--video file:PATH` with pictures of awkward shapes and timing, made by the real ffmpeg: a side of one pixel (in a
 * still and in a video), non-square pixels (DVD, DV), and a slideshow whose pictures are 30 s apart.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVideoSource } from '../../../src/media/video/create-source.js';
import { ffmpegReason } from '../../../src/media/video/ffmpeg-process.js';
import { decodeJpeg } from '../../../src/media/video/jpeg.js';
import type { CapturedFrame, VideoSource } from '../../../src/media/video/source.js';

const BOX = { width: 160, height: 120, fps: 15 };
const started: VideoSource[] = [];
let dir = '';

function ffmpeg(...args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  expect(made.status, made.stderr.toString()).toBe(0);
}

/** Starts the source for `path` and resolves with its first `count` frames (rejects on its error). */
async function frames(path: string, count: number): Promise<CapturedFrame[]> {
  const { source } = await createVideoSource(`file:${path}`, BOX, { name: 'a' });
  started.push(source as VideoSource);
  return new Promise((resolve, reject) => {
    const got: CapturedFrame[] = [];
    source?.start((frame) => {
      got.push(frame);
      if (got.length === count) resolve(got);
    }, reject);
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-shapes-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a picture with a side of one pixel', () => {
  // Fitted with even sides, such a side became 0: "Picture size 160x0 is invalid", and the user read "Cannot read the
  // picture: Last message repeated 2 times".
  for (const [w, h] of [[1, 1], [1, 100], [1000, 1], [3, 1]] as const) {
    it(`a ${w}×${h} PNG is sent, at least 2 pixels a side, inside the send size`, async () => {
      const path = join(dir, `still-${w}x${h}.png`);
      ffmpeg('-f', 'lavfi', '-i', `testsrc=s=${w}x${h}`, '-frames:v', '1', path);
      const [frame] = await frames(path, 1);
      expect(frame!.width).toBeGreaterThanOrEqual(2);
      expect(frame!.height).toBeGreaterThanOrEqual(2);
      expect(frame!.width).toBeLessThanOrEqual(BOX.width);
      expect(frame!.height).toBeLessThanOrEqual(BOX.height);
    }, 15_000);
  }

  it('a 2000×2 video plays, as a strip the width of the send size', async () => {
    const path = join(dir, 'strip.mkv');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=s=2000x2:r=15', '-t', '1', '-c:v', 'ffv1', path);
    const [frame] = await frames(path, 1);
    expect([frame!.width, frame!.height]).toEqual([160, 2]);
  }, 15_000);

  it('ffmpeg\'s "Last message repeated" is not taken for the reason it failed', () => {
    const stderr = [
      "[swscaler @ 0x1] Value 0.000000 for parameter 'dsth' out of range [1 - 2.14748e+09]",
      '    Last message repeated 2 times',
      '[IMGUTILS @ 0x7ffc] Picture size 160x0 is invalid',
      'Error while filtering: Cannot allocate memory',
      'Failed to inject frame into filter network: Cannot allocate memory',
    ].join('\n');
    expect(ffmpegReason(stderr, ['-i', 'x.png'])).toBe('Failed to inject frame into filter network: Cannot allocate memory');
  });
});

describe('non-square pixels', () => {
  // 720×480 with a sample aspect ratio of 32:27 is a 16:9 picture (a DVD): sent as 3:2 it showed everyone squeezed.
  const isWide = (frame: CapturedFrame): void => {
    const image = frame.type === 'jpeg' ? decodeJpeg(frame.data) : frame;
    expect(image.width).toBe(160);
    expect(Math.abs(image.height - 90), `${image.width}×${image.height}`).toBeLessThanOrEqual(2);
  };

  it('a 16:9 DVD video is sent at 16:9', async () => {
    const path = join(dir, 'dvd.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=720x480:r=15', '-t', '1', '-vf', 'setsar=32/27', '-pix_fmt', 'yuv420p', path);
    isWide((await frames(path, 1))[0]!);
  }, 15_000);

  it('a 16:9 picture stored with wide pixels is sent at 16:9', async () => {
    const path = join(dir, 'dvd.png');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=720x480', '-vf', 'setsar=32/27', '-frames:v', '1', path);
    isWide((await frames(path, 1))[0]!);
  }, 15_000);
});

describe('a slideshow: one picture every 30 s', () => {
  it('its first picture comes at once, and is sent again while the next has not come', async () => {
    const path = join(dir, 'slides.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=1/30', '-t', '90', '-pix_fmt', 'yuv420p', path);
    // Before: nothing until ffmpeg had read the second picture, 30 s on (`preview --once` gave up after 10 s).
    const got = await frames(path, 5);
    expect(got.map((f) => [f.width, f.height])).toEqual(Array(5).fill([160, 120]));
    // Each one stamped when it was sent, as a still picture's are.
    for (let i = 1; i < got.length; i++) expect(got[i]!.captureTs).toBeGreaterThan(got[i - 1]!.captureTs);
  }, 15_000);
});

describe('a slideshow: one picture every 2 s', () => {
  it('shows each picture when its time comes, not pictures late', async () => {
    const path = join(dir, 'slides-2s.mp4');
    // No B-frames: with them ffmpeg's -re reads a picture a frame early, which is not what is tested here.
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=1/2', '-t', '8', '-c:v', 'libx264', '-bf', '0', '-pix_fmt', 'yuv420p', path);
    const { source } = await createVideoSource(`file:${path}`, BOX, { name: 'a' });
    started.push(source as VideoSource);
    // When each new picture came (the same one sent again does not count), from the first.
    const arrivals = await new Promise<number[]>((resolve, reject) => {
      const times: number[] = [];
      let last: Uint8Array | undefined;
      source?.start((frame) => {
        if (last && Buffer.compare(last, frame.data) === 0) return;
        last = frame.data;
        times.push(Date.now());
        if (times.length === 2) resolve(times);
      }, reject);
    });
    // Before: ffmpeg's decoder decoded a frame per core at once and handed each on only once the next ones were in,
    // so on 2 cores the second picture came 6 s after the first, not 2 s.
    expect(arrivals[1]! - arrivals[0]!).toBeLessThan(3500);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThan(1000);
  }, 15_000);
});

describe('an empty file', () => {
  it('is refused when --video is read, in words, as a missing one is', async () => {
    const path = join(dir, 'download.mp4');
    writeFileSync(path, '');
    // Before: accepted, then "ffmpeg could not read it (Invalid data found when processing input)" — in a call only
    // as a notice once the call had started without video.
    await expect(createVideoSource(`file:${path}`, BOX, { name: 'a' })).rejects.toMatchObject({
      code: 'LC_ERR_VIDEO_SOURCE_SPEC',
      message: `--video file:${path}: the file is empty.`,
    });
  });
});

describe('a path that cannot be followed', () => {
  it('says why, not "no such file" for every reason', async () => {
    const file = join(dir, 'clip.mp4');
    writeFileSync(file, 'x');
    // Also the answer for a file in a folder the user may not enter: "permission denied", not "no such file".
    await expect(createVideoSource(`file:${file}/x.mp4`, BOX, { name: 'a' })).rejects.toMatchObject({
      code: 'LC_ERR_VIDEO_SOURCE_SPEC',
      message: `--video file:${file}/x.mp4: part of the path is a file, not a folder.`,
    });
    await expect(createVideoSource(`file:${dir}/gone.mp4`, BOX, { name: 'a' })).rejects.toMatchObject({
      message: `--video file:${dir}/gone.mp4: no such file or folder.`,
    });
  });
});
