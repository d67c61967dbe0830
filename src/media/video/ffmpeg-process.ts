/**
 * One long-lived ffmpeg process writing MJPEG to a pipe, split into frames and handed over newest-first.
 *
 * Why a long-lived process: spawning a program per frame costs ~70 ms (PEERS.md); ffmpeg streaming into a pipe holds
 * a steady 15 fps at ~3 % of a core. Frames that pile up in the pipe while the event loop was busy are dropped,
 * except the newest (SPEC §4: late video is dropped, never queued).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Clock } from '../../util/clock.js';
import { VideoDependencyMissingError, VideoSourceFailedError } from './errors.js';
import { readJpegInfo } from './jpeg.js';
import { MjpegSplitter } from './mjpeg-splitter.js';
import type { CapturedFrame } from './source.js';

/** Debian packages that provide the helper programs we run. */
export const DEBIAN_PACKAGE: Readonly<Record<string, string>> = { ffmpeg: 'ffmpeg', fswebcam: 'fswebcam' };

/** Finds `program` on `PATH` (an absolute path is checked as is); `undefined` when it is not installed. */
export function findExecutable(program: string, path: string = process.env['PATH'] ?? ''): string | undefined {
  const candidates = program.includes('/') ? [program] : path.split(delimiter).filter(Boolean).map((dir) => join(dir, program));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here, try the next directory
    }
  }
  return undefined;
}

/**
 * Throws when `program` is missing.
 * @throws VideoDependencyMissingError naming the Debian package to install.
 */
export function requireExecutable(program: string): string {
  const found = findExecutable(program);
  if (!found) throw new VideoDependencyMissingError(program, DEBIAN_PACKAGE[program] ?? program);
  return found;
}

/**
 * `path` as ffmpeg's input, always read as a local file: bare, ffmpeg takes what comes before a colon for a protocol
 * (`10:30 meeting.mp4` failed with "Protocol not found") — the path was checked to exist on disk.
 */
export function ffmpegFileInput(path: string): string {
  return `file:${path}`;
}

// Children still running when the process exits are killed, so no ffmpeg outlives us.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

/**
 * How many lines ffmpeg (at `-loglevel error`) may print before its first frame: a file or camera with a few bad frames
 * first says a few dozen; one that never decodes says thousands a second.
 */
const MAX_ERROR_LINES_WITHOUT_FRAME = 500;

/** One way to run ffmpeg; a source may have several, tried in order until one delivers a frame. */
export interface FfmpegAttempt {
  /** Short name for messages, e.g. "mjpeg input". */
  label: string;
  args: string[];
}

/** Options of {@link FfmpegMjpegStream}. */
export interface FfmpegMjpegStreamOptions {
  attempts: FfmpegAttempt[];
  clock: Clock;
  /** What the user reads when it fails, e.g. "camera /dev/video0". */
  what: string;
  /** How long to wait for SIGTERM to work before SIGKILL, in ms. Default 1000. */
  killTimeoutMs?: number;
}

/** Runs ffmpeg with the first attempt that delivers frames; see the module comment. */
export class FfmpegMjpegStream {
  private child: ChildProcess | undefined;
  private stopped = false;
  private readonly options: FfmpegMjpegStreamOptions;

  constructor(options: FfmpegMjpegStreamOptions) {
    this.options = options;
  }

  /** Starts the first attempt. Errors (missing ffmpeg, every attempt failed, ffmpeg died) go to `onError`, once. */
  start(onFrame: (frame: CapturedFrame) => void, onError: (err: Error) => void): void {
    let reported = false;
    const fail = (err: Error): void => {
      if (reported || this.stopped) return;
      reported = true;
      onError(err);
    };
    const ffmpeg = findExecutable('ffmpeg');
    if (!ffmpeg) {
      fail(new VideoDependencyMissingError('ffmpeg', 'ffmpeg'));
      return;
    }
    const failures: string[] = [];
    const run = (index: number): void => {
      const attempt = this.options.attempts[index];
      if (!attempt || this.stopped) return;
      const child = spawn(ffmpeg, attempt.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.child = child;
      track(child);
      const splitter = new MjpegSplitter();
      let delivered = 0;
      let stderrTail = '';
      child.stderr?.setEncoding('utf8');
      let linesWithoutFrame = 0;
      child.stderr?.on('data', (text: string) => {
        stderrTail = lastLines(stderrTail + text, 2000);
        if (delivered > 0) return;
        linesWithoutFrame += text.split('\n').length - 1;
        // A file none of whose frames decodes: with -stream_loop ffmpeg rereads it as fast as it can, a core busy for
        // the whole call and never a frame (a mangled mp4 printed 10,000 errors a second). Its last words say why.
        if (linesWithoutFrame > MAX_ERROR_LINES_WITHOUT_FRAME) child.kill('SIGKILL');
      });
      child.stdout?.on('data', (chunk: Buffer) => {
        let frames: Uint8Array[];
        try {
          frames = splitter.push(chunk);
        } catch (err) {
          fail(new VideoSourceFailedError(`${this.options.what}: ffmpeg sent a corrupt stream.`, { cause: err }));
          child.kill('SIGKILL');
          return;
        }
        // Only the newest complete frame of a burst is worth showing.
        const newest = frames[frames.length - 1];
        if (!newest || this.stopped) return;
        const info = readJpegInfo(newest);
        if (!info) return;
        delivered++;
        onFrame({ type: 'jpeg', width: info.width, height: info.height, data: newest, captureTs: this.options.clock.wallMs() });
      });
      child.once('error', (err) => {
        fail(new VideoSourceFailedError(`${this.options.what}: could not run ffmpeg (${err.message}).`, { cause: err }));
      });
      child.once('close', (code, signal) => {
        if (this.stopped) return;
        const detail = ffmpegReason(stderrTail, attempt.args) || (signal ? `killed by ${signal}` : `exit code ${String(code)}`);
        // With one way to try there is nothing to tell apart: the label would only repeat the file's name.
        failures.push(this.options.attempts.length > 1 ? `${attempt.label}: ${detail}` : detail);
        if (delivered === 0 && index + 1 < this.options.attempts.length) {
          run(index + 1);
          return;
        }
        const how = delivered === 0 ? 'ffmpeg could not read it' : 'ffmpeg stopped';
        fail(new VideoSourceFailedError(`${this.options.what}: ${how} (${failures.join('; ')}).`));
      });
    };
    run(0);
  }

  /** Stops ffmpeg: SIGTERM, then SIGKILL if it has not exited in time. Resolves when it is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), this.options.killTimeoutMs ?? 1000);
      child.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}

/**
 * The whole lines at the end of `text` within `max` characters, to keep what ffmpeg said last: a line cut in half read
 * as "r splitting the input".
 */
export function lastLines(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.indexOf('\n', text.length - max);
  return cut < 0 ? text.slice(-max) : text.slice(cut + 1);
}

/** ffmpeg's last words, without the input's name it starts them with (`/tmp/x.mp4: Invalid data found …`). */
export function ffmpegReason(stderr: string, args: readonly string[]): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const inputAt = args.indexOf('-i');
  const input = inputAt >= 0 ? args[inputAt + 1] : undefined;
  // "PATH: reason" is ffmpeg's own sentence about the input.
  const aboutInput = input === undefined ? undefined : lines.find((l) => l.startsWith(`${input}: `));
  if (aboutInput) return aboutInput.slice(input!.length + 2);
  // Else the first line that is neither a decoder's internal detail ("[mjpeg @ 0x…] bits 224 is invalid"), nor its
  // count of repeats of one ("Last message repeated 2 times"), nor one of the lines ffmpeg ends every failure with
  // ("Error marking filters as finished", "Conversion failed!").
  const said = lines.find((l) => !l.startsWith('[') && !/^Last message repeated/.test(l) && !TRAILING_FFMPEG_LINES.some((trailer) => trailer.test(l)));
  const reason = said ?? lines[lines.length - 1] ?? '';
  // With `-an` a file with only sound leaves ffmpeg nothing to write; its words for that name ffmpeg's output.
  return /^Output file #\d+ does not contain any stream/.test(reason) ? 'it has no video stream' : reason;
}

const TRAILING_FFMPEG_LINES = [/^Error marking filters as finished/, /^Conversion failed!/, /^Cannot determine format of input stream/, /^Error while filtering/];

/**
 * How a source's frames are timed: `steady`, every 1/fps s (a camera: ffmpeg's fps filter); `as-made`, each when the
 * file has it, at most fps a second. The fps filter hands a picture on only once it has the next one: a slideshow (a
 * picture every 15 s) showed nothing for 15 s, and `preview --once` gave up.
 */
export type FramePacing = 'steady' | 'as-made';

/**
 * ffmpeg output options shared by every MJPEG source: fps, scale to fit the send size ({@link fitFilter}), MJPEG
 * pipe. The frames are near-lossless (`-q:v 3`): the sender decodes them and encodes again at the quality its
 * bitrate allows (VideoRateControl), so what ffmpeg gives is the picture, not what goes on the wire.
 */
export function mjpegOutputArgs(width: number, height: number, fps: number, pacing: FramePacing = 'steady'): string[] {
  const fit = fitFilter({ width, height }, { enlarge: true });
  // `-r` alone: a frame goes out as it comes, or is dropped when it comes too soon for the rate. (It fills a gap with
  // copies too, but only once the next picture has come; `-vsync vfr` would not, but ffmpeg 9 has no `-vsync` and
  // ffmpeg 4 no `-fps_mode`.)
  const timing = pacing === 'steady' ? ['-vf', `fps=${fps},${fit}`] : ['-r', String(fps), '-vf', fit];
  // One encoder thread: with several, ffmpeg's MJPEG encoder keeps a frame it has not finished the moment it gets it
  // until the next comes in (from a camera, often a frame late; a slideshow's first picture came only when ffmpeg
  // was stopped). A frame of the send size takes one thread well under a millisecond.
  return ['-an', ...timing, '-pix_fmt', 'yuvj420p', '-c:v', 'mjpeg', '-threads', '1', '-q:v', '3', '-f', 'image2pipe', '-'];
}

/**
 * The filter that fits a picture as shown into `box`, aspect kept, sides even and at least 2, pixels square (the
 * receivers draw every pixel square). As shown: its pixels stretched by its sample aspect ratio, as a DVD or DV
 * camera stores 16:9 in 720×480 — ffmpeg's force_original_aspect_ratio goes by the stored size, and everyone looked
 * squeezed. Sides of at least 2: rounded down to even, the 1 of a 1×1 picture, or the height of 2000×2 fitted into
 * 160 wide, became 0 ("Picture size 160x0 is invalid"). `enlarge: false` keeps a smaller picture its size.
 */
export function fitFilter(box: { width: number; height: number }, opts: { enlarge: boolean }): string {
  const shownWidth = '(iw*sar)';
  let w = `min(${box.width}\\,${shownWidth}*${box.height}/ih)`;
  let h = `min(${box.height}\\,ih*${box.width}/${shownWidth})`;
  if (!opts.enlarge) {
    w = `min(${shownWidth}\\,${w})`;
    h = `min(ih\\,${h})`;
  }
  // A hair over, so that 119.99999 (120 in floating point) stays 120, not 118.
  const even = (side: string): string => `max(2\\,2*trunc(${side}/2+0.00001))`;
  return `scale=w=${even(w)}:h=${even(h)},setsar=1`;
}
