/**
 * The `--video` factory: parses `auto|webcam[:DEV]|v4l2:DEV|pattern|file:PATH|none` into a source (SPEC §1 media
 * sources), with a one-line notice when it chose something the user did not name, or fell back from what they did.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { fsErrorText } from '../../util/fs-errors.js';
import { listCameras, type CameraScanOptions } from './cameras.js';
import { VideoSourceSpecError } from './errors.js';
import { findExecutable } from './ffmpeg-process.js';
import { createFileSource, isStillImagePath } from './file-source.js';
import { decoderThreading, probeVideo } from './decoder-threads.js';
import type { VideoSource, VideoSourceOptions } from './source.js';
import { createV4l2Source } from './v4l2-source.js';
import { createWebcamSource } from './webcam-source.js';

/** What `createVideoSource` returns: the source (`null` for `none`) and a notice for the user, if any. */
export interface CreatedVideoSource {
  source: VideoSource | null;
  notice?: string;
}

/** Injected for tests; production uses the defaults. */
export interface VideoSourceDeps {
  clock: Clock;
  cameras: Partial<CameraScanOptions>;
}

/** The accepted `--video` forms, for help texts and error messages. */
export const VIDEO_SOURCE_FORMS = 'auto, webcam[:DEVICE], v4l2:DEVICE, pattern, file:PATH or none';

/**
 * Creates the video source named by `spec`. `seed.name` makes the pattern distinct per participant.
 * `auto` picks the first camera (through ffmpeg, else fswebcam) and falls back to `pattern` with a notice.
 * A named camera that is not there, or whose tool (ffmpeg, fswebcam) is not installed, falls back the same way.
 * @throws VideoSourceSpecError for an unknown form, an empty device, a file that does not exist or is empty, or a folder.
 */
export async function createVideoSource(
  spec: string,
  options: VideoSourceOptions,
  seed: { name: string },
  deps: Partial<VideoSourceDeps> = {},
): Promise<CreatedVideoSource> {
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? undefined : spec.slice(colon + 1);
  // `pattern:x`, `none:x`: a typo rather than something to ignore.
  if (arg !== undefined && (kind === 'none' || kind === 'pattern' || kind === 'auto')) {
    throw new VideoSourceSpecError(`--video ${spec}: ${kind} takes nothing after it; use ${VIDEO_SOURCE_FORMS}.`);
  }
  switch (kind) {
    case 'none':
      return { source: null };
    case 'pattern':
      return { source: await patternSource(options, seed, clock) };
    case 'file': {
      if (!arg) throw new VideoSourceSpecError('--video file: needs a path, e.g. file:photo.jpg.');
      let file: Stats;
      try {
        file = await stat(arg);
      } catch (err) {
        // Not only "no such file": a folder on the way the user may not enter, a file where a folder should be.
        throw new VideoSourceSpecError(`--video file:${arg}: ${fsErrorText(err)}.`, { cause: err });
      }
      if (file.isDirectory()) throw new VideoSourceSpecError(`--video file:${arg}: a folder, not an image or video file.`);
      // A download or copy that never happened: as good as missing (a pipe or a device has no size to go by).
      if (file.isFile() && file.size === 0) throw new VideoSourceSpecError(`--video file:${arg}: the file is empty.`);
      // A regular file that is a video is probed for how its decoder may use threads; a pipe's bytes are ffmpeg's.
      const probed = file.isFile() && !isStillImagePath(arg) ? await probeVideo(arg) : undefined;
      const threading = decoderThreading(probed);
      return { source: createFileSource(arg, options, { regularFile: file.isFile(), threading }, clock) };
    }
    // A camera that is not there, or not usable without a tool, is a missing device like a missing microphone: the
    // call goes on with the test pattern and says so (a file that is not there is a typo, refused above).
    case 'v4l2': {
      if (!arg) throw new VideoSourceSpecError('--video v4l2: needs a device, e.g. v4l2:/dev/video0.');
      if (!findExecutable('ffmpeg')) {
        return patternInstead(`--video v4l2 needs ffmpeg, which is not installed (sudo apt install ffmpeg)`, options, seed, clock);
      }
      if (!(await exists(arg))) return patternInstead(`no camera at ${arg} (livecomm-tui devices lists the cameras)`, options, seed, clock);
      return { source: createV4l2Source(arg, options, clock) };
    }
    case 'webcam': {
      if (arg === '') throw new VideoSourceSpecError('--video webcam: needs a device after the colon, or no colon.');
      if (!findExecutable('fswebcam')) {
        return patternInstead(`--video webcam needs fswebcam, which is not installed (sudo apt install fswebcam)`, options, seed, clock);
      }
      // fswebcam's own default device when none is named.
      const device = arg ?? FSWEBCAM_DEFAULT_DEVICE;
      if (!(await exists(device))) return patternInstead(`no camera at ${device} (livecomm-tui devices lists the cameras)`, options, seed, clock);
      return { source: createWebcamSource(arg, options, clock) };
    }
    case 'auto':
      return autoSource(options, seed, deps);
    default:
      throw new VideoSourceSpecError(`--video ${spec}: unknown source; use ${VIDEO_SOURCE_FORMS}.`);
  }
}

async function autoSource(options: VideoSourceOptions, seed: { name: string }, deps: Partial<VideoSourceDeps>): Promise<CreatedVideoSource> {
  const clock = deps.clock ?? SYSTEM_CLOCK;
  const cameras = await listCameras(deps.cameras);
  const first = cameras[0];
  if (!first) {
    return { source: await patternSource(options, seed, clock), notice: 'no camera found — using a test pattern instead (--video to choose)' };
  }
  if (findExecutable('ffmpeg')) {
    return { source: createV4l2Source(first.device, options, clock), notice: `camera: ${first.name} (${first.device})` };
  }
  if (findExecutable('fswebcam')) {
    return { source: createWebcamSource(first.device, options, clock), notice: `camera: ${first.name} (${first.device}) through fswebcam` };
  }
  return {
    source: await patternSource(options, seed, clock),
    notice: `camera ${first.device} found but neither ffmpeg nor fswebcam is installed (sudo apt install ffmpeg) — using a test pattern`,
  };
}

const FSWEBCAM_DEFAULT_DEVICE = '/dev/video0';

/** Whether something is at `path` (a device node, a file). */
function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function patternInstead(why: string, options: VideoSourceOptions, seed: { name: string }, clock: Clock): Promise<CreatedVideoSource> {
  return { source: await patternSource(options, seed, clock), notice: `${why} — using a test pattern instead` };
}

async function patternSource(options: VideoSourceOptions, seed: { name: string }, clock: Clock): Promise<VideoSource> {
  // Loaded lazily: the pattern generator is only needed when chosen.
  const { createPatternSource } = await import('./pattern.js');
  return createPatternSource(options, seed, clock);
}
