/**
 * `--video file:PATH`: a still picture (decoded once, re-sent at the target fps) or a video file (one ffmpeg process,
 * looped and paced in real time, scaled to the send size, its MJPEG frames handed over as ffmpeg wrote them).
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { startPacer, type Pacer } from '../../util/pacer.js';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { fsErrorText } from '../../util/fs-errors.js';
import { VideoDependencyMissingError, VideoSourceFailedError } from './errors.js';
import { jpegOrientation } from './exif-orientation.js';
import { decoderThreadingArgs, type DecoderThreading } from './decoder-threads.js';
import { FfmpegMjpegStream, ffmpegFileInput, ffmpegReason, fitFilter, lastLines, mjpegOutputArgs, requireExecutable } from './ffmpeg-process.js';
import { readJpegInfo } from './jpeg.js';
import type { CapturedFrame, VideoSource, VideoSourceOptions } from './source.js';

const STILL_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.bmp', '.webp', '.tif', '.tiff', '.ppm', '.pgm']);

/** True when `path` names a still picture rather than a video (by extension; GIFs count as video: they may move). */
export function isStillImagePath(path: string): boolean {
  return STILL_EXTENSIONS.has(extname(path).toLowerCase());
}

/**
 * Creates the source for `file:PATH`; a still picture or a video by extension. Only a regular file is read as a
 * still: a pipe or a device is a stream, for ffmpeg (reading a FIFO named `x.png` to its end never returned).
 * `kind.threading`: how a video's decoder may use threads (`decoder-threads.ts`); default `slice`.
 */
export function createFileSource(
  path: string,
  options: VideoSourceOptions,
  kind: { regularFile: boolean; threading?: DecoderThreading },
  clock: Clock = SYSTEM_CLOCK,
): VideoSource {
  const still = kind.regularFile && isStillImagePath(path);
  if (still) return new StillImageSource(path, options, clock);
  return createVideoFileSource(path, options, clock, kind.threading);
}

/**
 * A video file through ffmpeg: `-re` paces it in real time, `-stream_loop -1` loops it. Each frame goes on as ffmpeg
 * has it; while ffmpeg has none (a slideshow between pictures, a screen recording that holds still), the last one is
 * sent again ({@link FrameRepeater}).
 */
export function createVideoFileSource(
  path: string,
  options: VideoSourceOptions,
  clock: Clock = SYSTEM_CLOCK,
  threading: DecoderThreading = 'slice',
): VideoSource {
  const { width, height, fps } = options;
  // Slice threading unless the file is too much for one thread: frame threading held each picture of a slideshow
  // back until the next ones were in (decoder-threads.ts).
  const input = [...decoderThreadingArgs(threading), '-i', ffmpegFileInput(path)];
  const stream = new FfmpegMjpegStream({
    what: `video file ${path}`,
    clock,
    attempts: [
      {
        label: 'file',
        args: [
          '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', ...input,
          ...mjpegOutputArgs(width, height, fps, 'as-made'),
        ],
      },
    ],
  });
  let repeater: FrameRepeater | undefined;
  return {
    description: `file ${path} (video, looped) ${width}×${height} at ${fps} fps`,
    start: (onFrame, onError) => {
      const current = new FrameRepeater(fps, onFrame, clock);
      repeater = current;
      stream.start(
        (frame) => current.frame(frame),
        (err) => {
          current.stop();
          onError(err);
        },
      );
    },
    stop: () => {
      repeater?.stop();
      return stream.stop();
    },
  };
}

/** How many frame times without a new frame pass before the last one is sent again: ffmpeg's own jitter is less. */
const QUIET_FRAMES = 3;

/**
 * Hands each frame on and, when no new one has come for {@link QUIET_FRAMES} frame times, sends the last one again at
 * `fps`, stamped anew, as a still picture is: someone who joins meanwhile sees it, and the others' stats do not show a
 * source that stopped. (ffmpeg's `-r` fills such a gap only once the next picture has come: all the copies at once, a
 * slideshow's 45 of a 3 s gap within a few ms. A frame that comes within half a frame time of the last one sent waits
 * for its turn, a frame time after it, and only the newest that came meanwhile goes.)
 */
export class FrameRepeater {
  private last: CapturedFrame | undefined;
  private timer: NodeJS.Timeout | undefined;
  private pacer: Pacer | undefined;
  private stopped = false;
  private readonly periodMs: number;
  /** When a frame was last handed on (monotonic ms). */
  private sentAt = -Infinity;

  constructor(
    fps: number,
    private readonly onFrame: (frame: CapturedFrame) => void,
    private readonly clock: Clock,
  ) {
    this.periodMs = 1000 / fps;
  }

  /** A new frame from the source. */
  frame(frame: CapturedFrame): void {
    if (this.stopped) return;
    this.quiet();
    this.last = frame;
    const since = performance.now() - this.sentAt;
    if (since >= this.periodMs / 2) {
      this.send(frame);
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const waited = this.lastStampedNow();
      if (waited) this.send(waited);
    }, this.periodMs - since);
  }

  private send(frame: CapturedFrame): void {
    this.sentAt = performance.now();
    this.onFrame(frame);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pacer = startPacer(this.periodMs, () => {
        const again = this.lastStampedNow();
        if (!again) return;
        this.sentAt = performance.now();
        this.onFrame(again);
      });
    }, QUIET_FRAMES * this.periodMs);
  }

  /** The last frame, stamped as captured now: it goes later than it came (its turn, or as a still picture's copy). */
  private lastStampedNow(): CapturedFrame | undefined {
    return this.last && { ...this.last, captureTs: this.clock.wallMs() };
  }

  stop(): void {
    this.stopped = true;
    this.quiet();
  }

  /** Stops waiting and repeating. */
  private quiet(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pacer?.stop();
    this.pacer = undefined;
  }
}

/**
 * Reads a still picture and returns it as a JPEG no larger than the send size. A JPEG every receiver decodes as it
 * is (baseline, within the send size, upright) is taken as it is; anything else goes through ffmpeg once, in its own
 * process: scaled (decoding a 12 MP photo here took 1.4 s of the event loop and 465 MB), turned upright by its EXIF
 * orientation, re-encoded.
 * @throws VideoSourceFailedError when the file cannot be read or decoded.
 * @throws VideoDependencyMissingError when the picture needs ffmpeg and it is missing.
 */
export async function loadStillAsJpeg(path: string, box: { width: number; height: number }): Promise<CapturedFrame & { type: 'jpeg' }> {
  try {
    const bytes = await readFile(path);
    const info = readJpegInfo(bytes);
    const asItIs = info && info.baseline && (info.components === 1 || info.components === 3) && jpegOrientation(bytes) === 1;
    if (asItIs && info.width >= 1 && info.height >= 1 && info.width <= box.width && info.height <= box.height) {
      return { type: 'jpeg', width: info.width, height: info.height, data: bytes, captureTs: 0 };
    }
    const jpeg = await stillThroughFfmpeg(path, bytes, box);
    const out = readJpegInfo(jpeg)!;
    return { type: 'jpeg', width: out.width, height: out.height, data: jpeg, captureTs: 0 };
  } catch (err) {
    if (err instanceof VideoDependencyMissingError) throw err;
    // fsErrorText turns Node's "EACCES: permission denied, open 'x.png'" into words; ffmpeg's reasons pass as they are.
    const reason = err instanceof Error ? fsErrorText(err) : String(err);
    throw new VideoSourceFailedError(`cannot read the picture ${path}: ${reason}`, { cause: err });
  }
}

/**
 * Any picture ffmpeg reads, as one JPEG that fits `box` (even sides); ffmpeg turns it upright by its EXIF. The bytes
 * already read go in on stdin: given a file name, ffmpeg's image reader takes `%d` in it for a frame number
 * (`x%d.jpg`: "No such file or directory"). A TIFF, whose index may sit anywhere in the file, ffmpeg reads only from
 * the file itself, so its name goes as it is (`-pattern_type none`).
 */
async function stillThroughFfmpeg(path: string, bytes: Uint8Array, box: { width: number; height: number }): Promise<Uint8Array> {
  const ffmpeg = requireExecutable('ffmpeg');
  // Fitted into the box, never enlarged (the receivers scale it to their panes).
  const scale = fitFilter(box, { enlarge: false });
  const fromFile = isTiff(bytes);
  // The image reader told to take the name as it is, and the bytes for TIFF whatever the name's extension says.
  const input = fromFile
    ? ['-nostdin', '-f', 'image2', '-pattern_type', 'none', '-c:v', 'tiff', '-i', ffmpegFileInput(path)]
    : ['-i', 'pipe:0'];
  const args = ['-hide_banner', '-loglevel', 'error', ...input, '-frames:v', '1', '-vf', scale, '-pix_fmt', 'yuvj420p', '-c:v', 'mjpeg', '-q:v', '2', '-f', 'image2pipe', '-'];
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: [fromFile ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    // ffmpeg may stop reading once it has a frame, or on bad data: its exit code says how it went, not EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(bytes);
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => {
      err = lastLines(err + c.toString(), 2000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const bytes = Buffer.concat(out);
      if (code === 0 && readJpegInfo(bytes)) resolve(bytes);
      else reject(new Error(ffmpegReason(err, args) || `ffmpeg exit code ${String(code)}`));
    });
  });
}

/** TIFF's byte-order mark and magic number, "II*\0" or "MM\0*". */
function isTiff(bytes: Uint8Array): boolean {
  const head = String.fromCharCode(...bytes.subarray(0, 4));
  return head === 'II*\0' || head === 'MM\0*';
}

/** A still picture re-sent at the target fps, each time with a fresh capture timestamp. */
class StillImageSource implements VideoSource {
  readonly description: string;
  private pacer: Pacer | undefined;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly options: VideoSourceOptions,
    private readonly clock: Clock,
  ) {
    this.description = `file ${path} (still) at ${options.fps} fps`;
  }

  start(onFrame: (frame: CapturedFrame) => void, onError: (err: Error) => void): void {
    this.stopped = false;
    loadStillAsJpeg(this.path, this.options).then(
      (frame) => {
        if (this.stopped) return;
        this.pacer = startPacer(1000 / this.options.fps, () => onFrame({ ...frame, captureTs: this.clock.wallMs() }));
      },
      (err: unknown) => {
        if (!this.stopped) onError(err instanceof Error ? err : new VideoSourceFailedError(String(err)));
      },
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pacer?.stop();
    this.pacer = undefined;
  }
}
