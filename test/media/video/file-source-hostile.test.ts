/**
 * `--video file:PATH` with a seeded variety of plausible but awkward files made by the real ffmpeg: odd and extreme
 * sizes, rotation metadata, 10-bit, 4:4:4, grey and RGBA pictures, 1 and 120 fps, and a file whose every frame is
 * mangled. Each plays at the aspect of the picture as shown, or fails once, in words, with ffmpeg gone.
 */
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVideoSource } from '../../../src/media/video/create-source.js';
import type { CapturedFrame, VideoSource } from '../../../src/media/video/source.js';
import { rng } from '../../helpers/rng.js';

const SEED = Number(process.env['SRCFUZZ_SEED'] ?? 3);
const BOX = { width: 160, height: 120, fps: 15 };
const started: VideoSource[] = [];
let dir = '';

function ffmpeg(...args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  expect(made.status, made.stderr.toString()).toBe(0);
}

/** A file to make: its ffmpeg arguments (before the output name) and the picture's size as shown. */
interface Kind {
  name: string;
  ext: string;
  args: string[];
  shown: [number, number];
  /** Output options of a second pass copying the file (ffmpeg 5 writes rotation only when copying). */
  copyWith?: string[];
}

const lavfi = (src: string, seconds: number, ...rest: string[]): string[] => ['-f', 'lavfi', '-i', src, '-t', String(seconds), ...rest];
const KINDS: readonly Kind[] = [
  { name: '1×1', ext: 'mkv', args: lavfi('color=red:s=2x2:r=15', 1, '-vf', 'scale=1:1', '-c:v', 'ffv1'), shown: [1, 1] },
  { name: '7×3 RGB', ext: 'mkv', args: lavfi('testsrc=s=7x3:r=15', 1, '-c:v', 'ffv1', '-pix_fmt', 'bgr0'), shown: [7, 3] },
  { name: '4000×3000', ext: 'mkv', args: lavfi('testsrc2=s=4000x3000:r=5', 0.4, '-c:v', 'mjpeg'), shown: [4000, 3000] },
  { name: '321×239', ext: 'mkv', args: lavfi('testsrc2=s=321x239:r=15', 1, '-c:v', 'ffv1'), shown: [321, 239] },
  { name: '10-bit', ext: 'mp4', args: lavfi('testsrc2=s=320x180:r=15', 1, '-c:v', 'libx264', '-pix_fmt', 'yuv420p10le'), shown: [320, 180] },
  { name: '4:4:4', ext: 'mp4', args: lavfi('testsrc2=s=320x180:r=15', 1, '-c:v', 'libx264', '-pix_fmt', 'yuv444p'), shown: [320, 180] },
  { name: 'grey', ext: 'mkv', args: lavfi('testsrc2=s=320x240:r=15', 1, '-c:v', 'ffv1', '-pix_fmt', 'gray'), shown: [320, 240] },
  { name: 'RGBA', ext: 'mov', args: lavfi('testsrc2=s=320x180:r=15', 1, '-c:v', 'png', '-pix_fmt', 'rgba'), shown: [320, 180] },
  { name: '1 fps', ext: 'mp4', args: lavfi('testsrc2=s=320x180:r=1', 3, '-pix_fmt', 'yuv420p'), shown: [320, 180] },
  { name: '120 fps', ext: 'mp4', args: lavfi('testsrc2=s=320x180:r=120', 1, '-pix_fmt', 'yuv420p'), shown: [320, 180] },
  { name: 'rotated 90°', ext: 'mp4', args: lavfi('testsrc2=s=320x180:r=15', 1, '-pix_fmt', 'yuv420p'), copyWith: ['-metadata:s:v', 'rotate=90'], shown: [180, 320] },
];

/** The size the source should send: the shown picture fitted into BOX, aspect kept, sides even (at least 2). */
function fitted([w, h]: [number, number]): [number, number] {
  const scale = Math.min(BOX.width / w, BOX.height / h);
  return [w * scale, h * scale];
}

function firstFrame(source: VideoSource): Promise<CapturedFrame> {
  started.push(source);
  return new Promise((resolve, reject) => source.start(resolve, reject));
}

function ffmpegChildren(): string[] {
  const ps = spawnSync('ps', ['-o', 'pid=,stat=,comm=', '--ppid', String(process.pid)]).stdout.toString();
  return ps.split('\n').filter((l) => l.includes('ffmpeg'));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lc-hostile-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe(`awkward video files (seed ${SEED})`, () => {
  const next = rng(SEED);
  const picked = new Set<Kind>();
  while (picked.size < 5) picked.add(KINDS[Math.floor(next() * KINDS.length)] as Kind);
  for (const kind of picked) {
    it(`${kind.name}: plays at the aspect it is shown with, inside the send size`, async () => {
      const path = join(dir, `${kind.name.replace(/\W/g, '_')}.${kind.ext}`);
      ffmpeg(...kind.args, path);
      if (kind.copyWith) {
        ffmpeg('-i', path, '-c', 'copy', ...kind.copyWith, `${path}.${kind.ext}`);
        renameSync(`${path}.${kind.ext}`, path);
      }
      const { source } = await createVideoSource(`file:${path}`, BOX, { name: 'a' });
      const frame = await firstFrame(source as VideoSource);
      const [w, h] = fitted(kind.shown);
      expect(frame.width).toBeLessThanOrEqual(BOX.width);
      expect(frame.height).toBeLessThanOrEqual(BOX.height);
      // Even sides round each by up to 2 pixels.
      expect(Math.abs(frame.width - w), `${frame.width}×${frame.height}`).toBeLessThanOrEqual(2);
      expect(Math.abs(frame.height - h), `${frame.width}×${frame.height}`).toBeLessThanOrEqual(2);
    }, 15_000);
  }
});

describe('a video none of whose frames decodes', () => {
  it('fails once, with ffmpeg\'s reason in whole words, and ffmpeg is not left rereading it', async () => {
    const good = join(dir, 'good.mp4');
    ffmpeg(...lavfi('testsrc2=s=320x180:r=15', 2, '-pix_fmt', 'yuv420p'), good);
    const bytes = readFileSync(good);
    const mdat = bytes.indexOf('mdat');
    const moov = bytes.indexOf('moov');
    expect(mdat).toBeGreaterThan(0);
    // The index stays, every frame's bytes are noise: ffmpeg with -stream_loop spun a core on it, never a frame.
    const next = rng(SEED);
    for (let i = mdat + 4; i < (moov > mdat ? moov - 4 : bytes.length); i++) bytes[i] = Math.floor(next() * 256);
    const mangled = join(dir, 'mangled.mp4');
    writeFileSync(mangled, bytes);
    const { source } = await createVideoSource(`file:${mangled}`, BOX, { name: 'a' });
    const errors: Error[] = [];
    await new Promise<void>((resolve) => {
      started.push(source as VideoSource);
      source?.start(() => {}, (err) => {
        errors.push(err);
        resolve();
      });
    });
    expect(errors).toHaveLength(1);
    // "video file …: ffmpeg could not read it (REASON)."; a reason cut mid-line began with a lower-case fragment.
    expect(errors[0]?.message).toMatch(/ffmpeg could not read it \([A-Z[]/);
    expect(ffmpegChildren()).toEqual([]);
  }, 15_000);
});

describe('a picture that cannot be read when the call starts', () => {
  it('says why in words, not as Node\'s "ENOENT: …, open \'…\'"', async () => {
    const path = join(dir, 'gone.png');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x180', '-frames:v', '1', path);
    const { source } = await createVideoSource(`file:${path}`, BOX, { name: 'a' });
    // Deleted between the check of --video and the start of the call.
    rmSync(path);
    await expect(firstFrame(source as VideoSource)).rejects.toMatchObject({
      code: 'LC_ERR_VIDEO_SOURCE_FAILED',
      message: `cannot read the picture ${path}: no such file or folder`,
    });
  });
});
