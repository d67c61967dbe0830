/**
 * Video sources with the real ffmpeg on real fixture files. The webcam test is the one exception: no camera exists
 * here, so a stand-in `fswebcam` script on PATH writes a fixture JPEG — the only test double in these tests.
 */
import { describe, it, expect, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVideoSource } from '../../../src/media/video/create-source.js';
import { listCameras } from '../../../src/media/video/cameras.js';
import { decodeJpeg, readJpegInfo } from '../../../src/media/video/jpeg.js';
import { VideoError } from '../../../src/media/video/errors.js';
import { ffmpegReason } from '../../../src/media/video/ffmpeg-process.js';
import { withExifOrientation } from './helpers.js';
import type { CapturedFrame, VideoSource } from '../../../src/media/video/source.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../../fixtures/${name}`, import.meta.url));
const seed = { name: 'alice' };
const started: VideoSource[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

/** Starts `source` and resolves with the first `count` frames and their arrival times (ms). */
function collect(source: VideoSource, count: number): Promise<{ frames: CapturedFrame[]; times: number[] }> {
  started.push(source);
  return new Promise((resolve, reject) => {
    const frames: CapturedFrame[] = [];
    const times: number[] = [];
    source.start(
      (frame) => {
        if (frames.length >= count) return;
        frames.push(frame);
        times.push(performance.now());
        if (frames.length === count) resolve({ frames, times });
      },
      reject,
    );
  });
}

function fpsOf(times: number[], skip: number): number {
  const t = times.slice(skip);
  return ((t.length - 1) * 1000) / ((t[t.length - 1] ?? 0) - (t[0] ?? 0));
}

function pixels(frame: CapturedFrame): { width: number; height: number } {
  if (frame.type === 'rgba') return { width: frame.width, height: frame.height };
  const img = decodeJpeg(frame.data);
  return { width: img.width, height: img.height };
}

describe('file source', () => {
  it('a video file streams through one ffmpeg at about the requested fps and size, as the JPEG frames ffmpeg wrote', async () => {
    const { source } = await createVideoSource(`file:${fixture('clip-chelsea-3s.mp4')}`, { width: 160, height: 120, fps: 15 }, seed);
    expect(source?.description).toContain('video');
    const { frames, times } = await collect(source as VideoSource, 25);
    // The clip is 240×160: fitted into 160×120 with even sides.
    for (const f of frames) {
      expect(f.type).toBe('jpeg');
      expect(readJpegInfo(f.data)).toMatchObject({ width: f.width, height: f.height });
      expect([f.width, f.height]).toEqual([160, 106]);
    }
    expect(pixels(frames[24] as CapturedFrame)).toEqual({ width: 160, height: 106 });
    const fps = fpsOf(times, 5);
    expect(fps).toBeGreaterThan(11);
    expect(fps).toBeLessThan(19);
    expect((frames[24]?.captureTs ?? 0) - (frames[5]?.captureTs ?? 0)).toBeGreaterThan(1000);
    await source?.stop();
    started.length = 0;
    // The ffmpeg child is gone once stop() resolves (this process's children only: other tests and programs on the
    // machine may be playing the same clip).
    expect(spawnSync('pgrep', ['-P', String(process.pid), '-f', 'clip-chelsea-3s.mp4']).stdout.toString().trim()).toBe('');
  });

  it('a consumer that stalls gets the newest frame afterwards, not a burst of stale ones', async () => {
    const { source } = await createVideoSource(`file:${fixture('clip-chelsea-3s.mp4')}`, { width: 160, height: 120, fps: 15 }, seed);
    started.push(source as VideoSource);
    const arrivals: number[] = [];
    let stallEnded = 0;
    await new Promise<void>((resolve, reject) => {
      (source as VideoSource).start(() => {
        arrivals.push(performance.now());
        if (arrivals.length === 3) {
          // A slow consumer: the event loop is blocked for 1 s while ffmpeg keeps producing ~15 frames.
          const until = performance.now() + 1000;
          while (performance.now() < until) {
            // busy: simulates rendering that fell behind
          }
          stallEnded = performance.now();
        }
        if (arrivals.length === 12) resolve();
      }, reject);
    });
    const burst = arrivals.filter((t) => t >= stallEnded && t < stallEnded + 100).length;
    expect(burst).toBeLessThanOrEqual(3);
  });

  it('loops the video: frames keep coming past the clip length', async () => {
    const { source } = await createVideoSource(`file:${fixture('clip-chelsea-3s.mp4')}`, { width: 80, height: 60, fps: 30 }, seed);
    // 45 frames of 15 fps = 3 s of clip; at 30 fps output 100 frames are 3.3 s, so the clip must have looped.
    const { frames } = await collect(source as VideoSource, 100);
    expect(frames.length).toBe(100);
    expect(frames[99]?.width).toBe(80);
  }, 20_000);

  it('a still JPEG larger than the send size is scaled once and re-sent at the fps with fresh timestamps', async () => {
    const { source } = await createVideoSource(`file:${fixture('astronaut-160.jpg')}`, { width: 160, height: 120, fps: 20 }, seed);
    expect(source?.description).toContain('still');
    const { frames, times } = await collect(source as VideoSource, 12);
    for (const f of frames) expect([f.type, f.width, f.height]).toEqual(['jpeg', 120, 120]);
    expect(frames[0]?.data).toBe(frames[11]?.data);
    expect(frames[11]?.captureTs).toBeGreaterThan(frames[0]?.captureTs ?? Infinity);
    const fps = fpsOf(times, 1);
    expect(fps).toBeGreaterThan(15);
    expect(fps).toBeLessThan(25);
  });

  it('a still PNG is decoded through ffmpeg', async () => {
    const { source } = await createVideoSource(`file:${fixture('coffee-120.png')}`, { width: 160, height: 120, fps: 15 }, seed);
    const { frames } = await collect(source as VideoSource, 2);
    expect(pixels(frames[0] as CapturedFrame)).toEqual({ width: 120, height: 80 });
    // The coffee photo is mostly warm browns and white: red outweighs blue on average.
    const img = decodeJpeg((frames[0] as CapturedFrame).data);
    let r = 0;
    let b = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      r += img.data[i] ?? 0;
      b += img.data[i + 2] ?? 0;
    }
    expect(r).toBeGreaterThan(b);
  });

  it('a phone photo tagged with an EXIF orientation is sent upright', async () => {
    // Stored 320×240, left half red and right half blue, tagged "rotate 90° clockwise to view" (6): upright it is
    // portrait, red on top.
    const dir = mkdtempSync(join(tmpdir(), 'lc-video-'));
    try {
      const stored = join(dir, 'stored.jpg');
      const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=red:s=320x240', '-vf', 'drawbox=x=160:y=0:w=160:h=240:color=blue:t=fill', '-frames:v', '1', '-y', stored]);
      expect(made.status).toBe(0);
      const photo = join(dir, 'photo.jpg');
      writeFileSync(photo, withExifOrientation(readFileSync(stored), 6));
      const { source } = await createVideoSource(`file:${photo}`, { width: 160, height: 120, fps: 15 }, seed);
      const { frames } = await collect(source as VideoSource, 1);
      const img = decodeJpeg((frames[0] as CapturedFrame).data);
      expect([img.width, img.height]).toEqual([90, 120]);
      const at = (x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
      expect(at(45, 20)[0]).toBeGreaterThan(200); // red on top
      expect(at(45, 100)[2]).toBeGreaterThan(200); // blue below
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a large photo is scaled by ffmpeg in its own process: the event loop is not held up while it is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-video-'));
    try {
      const photo = join(dir, 'photo.jpg');
      const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=4032x3024', '-frames:v', '1', '-q:v', '3', '-y', photo]);
      expect(made.status).toBe(0);
      const { source } = await createVideoSource(`file:${photo}`, { width: 160, height: 120, fps: 15 }, seed);
      // Decoding this 12 MP photo on the main thread held it up for 1.4 s here (and took 465 MB).
      let longestStall = 0;
      let last = performance.now();
      const watch = setInterval(() => {
        longestStall = Math.max(longestStall, performance.now() - last);
        last = performance.now();
      }, 10);
      const { frames } = await collect(source as VideoSource, 1).finally(() => clearInterval(watch));
      expect(pixels(frames[0] as CapturedFrame)).toEqual({ width: 160, height: 120 });
      expect(longestStall).toBeLessThan(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a FIFO is read as a stream through ffmpeg even when named like a picture (reading it to its end never returned)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-video-'));
    try {
      const fifo = join(dir, 'feed.png');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const { source } = await createVideoSource(`file:${fifo}`, { width: 160, height: 120, fps: 15 }, seed);
      expect(source?.description).toContain('video');
      expect(source?.description).not.toContain('still');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a picture ffmpeg cannot read is reported with ffmpeg's reason, not the line it ends every failure with", () => {
    const stderr = [
      '[mjpeg @ 0x55d8d6e060c0] unable to decode APP fields: Invalid data found when processing input',
      '[mjpeg @ 0x55d8d6e060c0] bits 224 is invalid',
      'Error while decoding stream #0:0: Invalid data found when processing input',
      'Cannot determine format of input stream 0:0 after EOF',
      'Error marking filters as finished',
    ].join('\n');
    expect(ffmpegReason(stderr, ['-i', 'x.jpg'])).toBe('Error while decoding stream #0:0: Invalid data found when processing input');
    expect(ffmpegReason('x.jpg: No such file or directory\n', ['-i', 'x.jpg'])).toBe('No such file or directory');
    expect(ffmpegReason('[png @ 0x1] only this\n', ['-i', 'x.png'])).toBe('[png @ 0x1] only this');
  });

  it('an unreadable picture is reported through onError with a coded error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-video-'));
    const bad = join(dir, 'broken.png');
    writeFileSync(bad, 'not a png');
    try {
      const { source } = await createVideoSource(`file:${bad}`, { width: 160, height: 120, fps: 15 }, seed);
      await expect(collect(source as VideoSource, 1)).rejects.toMatchObject({ code: 'LC_ERR_VIDEO_SOURCE_FAILED' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('v4l2 source', () => {
  it('a device that does not exist is a missing camera: the test pattern instead, and a notice saying so', async () => {
    const { source, notice } = await createVideoSource('v4l2:/dev/video-none-here', { width: 160, height: 120, fps: 15 }, seed);
    expect(notice).toBe('no camera at /dev/video-none-here (livecomm-tui devices lists the cameras) — using a test pattern instead');
    expect(source?.description).toMatch(/pattern/);
    const { frames } = await collect(source!, 1);
    expect(frames).toHaveLength(1);
  });

  it('a device that is not a camera fails through onError after trying mjpeg and raw input', async () => {
    const { source } = await createVideoSource('v4l2:/dev/null', { width: 160, height: 120, fps: 15 }, seed);
    const err = await collect(source as VideoSource, 1).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'LC_ERR_VIDEO_SOURCE_FAILED' });
    expect(String((err as Error).message)).toMatch(/\/dev\/null.*mjpeg input.*raw input/);
  });
});

describe('webcam source (stand-in fswebcam)', () => {
  it('captures through node-webcam and fswebcam, scaling a too-large picture to the send size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lc-fswebcam-'));
    const argsLog = join(dir, 'args.txt');
    // Stand-in for the real fswebcam (no camera here): copies a fixture photo to the output path, its last argument.
    writeFileSync(
      join(dir, 'fswebcam'),
      `#!/bin/sh\necho "$@" > '${argsLog}'\nfor last; do :; done\ncp '${fixture('chelsea-200.jpg')}' "$last"\n`,
    );
    chmodSync(join(dir, 'fswebcam'), 0o755);
    const oldPath = process.env['PATH'];
    process.env['PATH'] = `${dir}:${oldPath ?? ''}`;
    try {
      // Stand-in for the camera's device node, which must exist (a missing one is a missing camera).
      const device = join(dir, 'video7');
      writeFileSync(device, '');
      const { source } = await createVideoSource(`webcam:${device}`, { width: 160, height: 120, fps: 10 }, seed);
      const { frames } = await collect(source as VideoSource, 3);
      for (const f of frames) {
        expect(f.type).toBe('rgba');
        expect([f.width, f.height]).toEqual([160, 107]); // the 200×134 photo fitted into 160×120
        expect(f.data.length).toBe(160 * 107 * 4);
      }
      const args = readFileSync(argsLog, 'utf8');
      expect(args).toContain('-r 160x120');
      expect(args).toContain(`-d ${device}`);
    } finally {
      process.env['PATH'] = oldPath;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createVideoSource and listCameras', () => {
  it('none gives no source; pattern gives the generated one', async () => {
    expect((await createVideoSource('none', { width: 160, height: 120, fps: 15 }, seed)).source).toBeNull();
    const { source } = await createVideoSource('pattern', { width: 160, height: 120, fps: 15 }, seed);
    expect(source?.description).toMatch(/pattern/);
  });

  const bad: Array<[string, string]> = [
    ['camera', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['file:', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['file:/no/such/file.mp4', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['v4l2:', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['webcam:', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['pattern:x', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['none:x', 'LC_ERR_VIDEO_SOURCE_SPEC'],
    ['auto:1', 'LC_ERR_VIDEO_SOURCE_SPEC'],
  ];
  for (const [spec, code] of bad) {
    it(`rejects --video ${spec} with ${code}`, async () => {
      await expect(createVideoSource(spec, { width: 160, height: 120, fps: 15 }, seed)).rejects.toMatchObject({ code });
    });
  }

  it('falls back to the pattern when ffmpeg or fswebcam is missing, naming the Debian package', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'lc-nopath-'));
    const oldPath = process.env['PATH'];
    process.env['PATH'] = empty;
    try {
      // A camera the missing tool would read is a missing camera: the pattern, and the package to install.
      const v4l2 = await createVideoSource('v4l2:/dev/video0', { width: 160, height: 120, fps: 15 }, seed);
      expect(v4l2.notice).toBe('--video v4l2 needs ffmpeg, which is not installed (sudo apt install ffmpeg) — using a test pattern instead');
      expect(v4l2.source?.description).toMatch(/pattern/);
      const webcam = await createVideoSource('webcam', { width: 160, height: 120, fps: 15 }, seed);
      expect(webcam.notice).toContain('apt install fswebcam');
      expect(webcam.source?.description).toMatch(/pattern/);
    } finally {
      process.env['PATH'] = oldPath;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('auto without a camera falls back to the pattern with a notice; with one it picks the camera', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lc-cams-'));
    const dev = join(root, 'dev');
    const sys = join(root, 'sys');
    mkdirSync(dev);
    mkdirSync(join(sys, 'video2'), { recursive: true });
    try {
      const none = await createVideoSource('auto', { width: 160, height: 120, fps: 15 }, seed, { cameras: { devDir: dev, sysDir: sys } });
      expect(none.notice).toMatch(/^no camera found — /);
      expect(none.source?.description).toMatch(/pattern/);

      for (const n of ['video10', 'video2', 'null']) writeFileSync(join(dev, n), '');
      writeFileSync(join(sys, 'video2', 'name'), 'Integrated Camera: Integrated C\n');
      expect(await listCameras({ devDir: dev, sysDir: sys })).toEqual([
        { device: join(dev, 'video2'), name: 'Integrated Camera: Integrated C' },
        { device: join(dev, 'video10'), name: 'video10' },
      ]);
      const cam = await createVideoSource('auto', { width: 160, height: 120, fps: 15 }, seed, { cameras: { devDir: dev, sysDir: sys } });
      expect(cam.notice).toContain('Integrated Camera');
      expect(cam.source?.description).toContain(join(dev, 'video2'));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('listCameras on a machine without cameras is an empty list, not an error', async () => {
    expect(await listCameras({ devDir: '/nonexistent-dev' })).toEqual([]);
  });

  it('errors are VideoErrors', async () => {
    await expect(createVideoSource('bogus', { width: 1, height: 1, fps: 1 }, seed)).rejects.toBeInstanceOf(VideoError);
  });
});
