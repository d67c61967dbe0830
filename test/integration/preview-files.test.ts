/** `preview --once` on files a user may well have: a slideshow, a picture one pixel high. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli-process.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lc-preview-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function ffmpeg(...args: string[]): void {
  const made = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  expect(made.status, made.stderr.toString()).toBe(0);
}

describe('preview --once', () => {
  it('prints the first picture of a slideshow (a picture every 30 s) at once, as an image viewer would', async () => {
    const path = join(dir, 'slides.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=1/30', '-t', '90', '-pix_fmt', 'yuv420p', path);
    // Before: "no frame from file slides.mp4 … within 10 s", exit 2.
    const result = await runCli(['preview', '--once', '--video', `file:${path}`, '--size', '20x6', '--color', 'mono']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(6);
  }, 30_000);

  it('prints a picture 1 pixel high', async () => {
    const path = join(dir, 'line.png');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=s=1000x1', '-frames:v', '1', path);
    // Before: "cannot read the picture …: Last message repeated 2 times", exit 2.
    const result = await runCli(['preview', '--once', '--video', `file:${path}`, '--size', '20x6', '--color', 'mono']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).not.toBe('');
  }, 30_000);
});
