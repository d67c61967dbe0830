/**
 * A camera for the call benchmark: the fixture clip (a detailed photo in motion) as a v4l2 camera or a video file
 * reaches a participant — JPEG frames out of ffmpeg at the send size and 15 fps (mjpegOutputArgs), which the
 * sender decodes and encodes again at its rate control's quality. The frames are extracted once, before the
 * measurement, so no ffmpeg process runs beside the measured ones; decoding and encoding them is the participant's
 * work, as with a real camera. The generated pattern takes a third fewer bytes than this clip at the same quality,
 * and needs no decoding: it would flatter bandwidth and CPU.
 */
import { spawnSync } from 'node:child_process';
import { mjpegOutputArgs, requireExecutable } from '../src/media/video/ffmpeg-process.js';
import { readJpegInfo } from '../src/media/video/jpeg.js';
import { MjpegSplitter } from '../src/media/video/mjpeg-splitter.js';
import { DEFAULT_VIDEO_OPTIONS, type VideoSource } from '../src/media/video/source.js';
import { startPacer, type Pacer } from '../src/util/pacer.js';
import { fixturePath } from './paths.js';

export const CAMERA_CLIP = fixturePath('clip-chelsea-3s.mp4');

/** The clip's frames as ffmpeg gives them to a file or v4l2 source. */
export function loadCameraClip(path = CAMERA_CLIP): Uint8Array[] {
  const { width, height, fps } = DEFAULT_VIDEO_OPTIONS;
  const run = spawnSync(requireExecutable('ffmpeg'), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', path, ...mjpegOutputArgs(width, height, fps)], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`ffmpeg could not read ${path}: ${run.stderr.toString().trim()}`);
  const frames = new MjpegSplitter().push(run.stdout);
  if (frames.length === 0) throw new Error(`ffmpeg gave no frames for ${path}`);
  return frames;
}

/** Loops the frames at 15 fps, starting `offset` frames in (so the participants do not show the same picture). */
export function createCameraClipSource(frames: Uint8Array[], offset: number): VideoSource {
  const { fps } = DEFAULT_VIDEO_OPTIONS;
  const info = readJpegInfo(frames[0]!)!;
  let pacer: Pacer | undefined;
  return {
    description: `camera clip ${info.width}×${info.height} at ${fps} fps`,
    start(onFrame) {
      pacer = startPacer(1000 / fps, (tick) => {
        const data = frames[(tick + offset) % frames.length]!;
        onFrame({ type: 'jpeg', width: info.width, height: info.height, data, captureTs: Date.now() });
      });
    },
    async stop() {
      pacer?.stop();
    },
  };
}
