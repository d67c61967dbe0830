/**
 * How ffmpeg's decoder may use threads for `--video file:` (a video). By default it decodes several frames at once
 * (frame threading), and so hands each one on only once the next ones are in: with 2 cores, 2 frames late. In a
 * slideshow that is every picture after the first shown 2 pictures late (a picture every 2 s: 4 s late), and in a
 * screen recording that holds still, the last change shown only once the screen changes again. Slice threading (or
 * one thread) has no such hold. It costs no CPU — measured on 720p and 1080p h264 it took 4–6 % less — but a lone
 * thread is all most files get: it decodes 1080p30 h264 in a third of a core, 2160p30 in a whole one, which a busy
 * machine may not have. So frame threading stays only for that much picture a second, where frames come often and
 * the hold is a few hundredths of a second.
 */
import { spawn } from 'node:child_process';
import { ffmpegFileInput, findExecutable } from './ffmpeg-process.js';

/** `frame`: ffmpeg's default (several frames at once, each held until the next are in); `slice`: no hold. */
export type DecoderThreading = 'frame' | 'slice';

/** What {@link probeVideo} learns of a file's first video stream. */
export interface VideoStreamInfo {
  width: number;
  height: number;
  /** Frames a second on average; 0 when the file does not say. */
  fps: number;
}

/** Most pixels a second given slice threading: 1080p at 30 fps, about a third of a core for h264. */
export const MAX_SLICE_THREADED_PIXEL_RATE = 1920 * 1080 * 30;

/** The threading for a stream (see the module comment); without what the probe says, `slice`: no picture held. */
export function decoderThreading(stream: VideoStreamInfo | undefined): DecoderThreading {
  if (!stream) return 'slice';
  return stream.width * stream.height * stream.fps > MAX_SLICE_THREADED_PIXEL_RATE ? 'frame' : 'slice';
}

/** ffmpeg input options for `threading` (they go before its `-i`). */
export function decoderThreadingArgs(threading: DecoderThreading): string[] {
  return threading === 'slice' ? ['-thread_type', 'slice'] : [];
}

/** "30000/1001" → 29.97; "0/0", or anything else, → 0. */
export function parseFrameRate(text: string | undefined): number {
  const match = /^(\d+)\/(\d+)$/.exec(text ?? '');
  if (!match || Number(match[2]) === 0) return 0;
  return Number(match[1]) / Number(match[2]);
}

/** Reads ffprobe's JSON for the first video stream; `undefined` when it names none. */
export function parseProbeOutput(json: string): VideoStreamInfo | undefined {
  let parsed: { streams?: Array<{ width?: number; height?: number; avg_frame_rate?: string; r_frame_rate?: string }> };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return undefined;
  }
  const stream = parsed.streams?.[0];
  if (!stream || !stream.width || !stream.height) return undefined;
  // The average over the file; a file that does not know it (0/0) may still give its base rate.
  const fps = parseFrameRate(stream.avg_frame_rate) || parseFrameRate(stream.r_frame_rate);
  return { width: stream.width, height: stream.height, fps };
}

/** How long the probe may take before the file is played without what it would have said. */
const PROBE_TIMEOUT_MS = 3000;

/**
 * The size and frame rate of a regular file's first video stream, by ffprobe; `undefined` when ffprobe is missing,
 * fails, or takes longer than 3 s. (Only for regular files: probing a pipe would take what ffmpeg is to read.)
 */
export async function probeVideo(path: string): Promise<VideoStreamInfo | undefined> {
  const ffprobe = findExecutable('ffprobe');
  if (!ffprobe) return undefined;
  const entries = 'stream=width,height,avg_frame_rate,r_frame_rate';
  const args = ['-v', 'error', '-select_streams', 'v:0', '-show_entries', entries, '-of', 'json', '-i', ffmpegFileInput(path)];
  return new Promise((resolve) => {
    const child = spawn(ffprobe, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      out += text;
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? parseProbeOutput(out) : undefined);
    });
  });
}
