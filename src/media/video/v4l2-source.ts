/**
 * `--video v4l2:DEVICE`: a Video4Linux camera through one long-lived ffmpeg. Many USB cameras deliver MJPEG
 * natively, which costs them less USB bandwidth and us no colour conversion, so that is asked for first; a camera
 * that refuses it (or the send size) falls back to its default raw format.
 */
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { FfmpegMjpegStream, mjpegOutputArgs, type FfmpegAttempt } from './ffmpeg-process.js';
import type { VideoSource, VideoSourceOptions } from './source.js';

/** The ffmpeg invocations tried in order for a camera: MJPEG at the send size, MJPEG at its default size, raw. */
export function v4l2Attempts(device: string, options: VideoSourceOptions): FfmpegAttempt[] {
  const { width, height, fps } = options;
  const head = ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'v4l2', '-framerate', String(fps)];
  const out = mjpegOutputArgs(width, height, fps);
  return [
    { label: 'mjpeg input', args: [...head, '-input_format', 'mjpeg', '-video_size', `${width}x${height}`, '-i', device, ...out] },
    { label: 'mjpeg input, camera size', args: [...head, '-input_format', 'mjpeg', '-i', device, ...out] },
    { label: 'raw input', args: [...head, '-i', device, ...out] },
  ];
}

/** Creates the source for `v4l2:DEVICE`. Frames arrive as JPEG at most the send size. */
export function createV4l2Source(device: string, options: VideoSourceOptions, clock: Clock = SYSTEM_CLOCK): VideoSource {
  const stream = new FfmpegMjpegStream({ what: `camera ${device}`, clock, attempts: v4l2Attempts(device, options) });
  return {
    description: `camera ${device} (v4l2 via ffmpeg) ${options.width}×${options.height} at ${options.fps} fps`,
    start: (onFrame, onError) => stream.start(onFrame, onError),
    stop: () => stream.stop(),
  };
}
