/**
 * `--video webcam[:DEVICE]`: node-webcam, which runs `fswebcam` once per frame. Portable but slow (a process per
 * frame, ~70 ms: ≤ ~13 fps at a full core, PEERS.md), so a capture still running when the next tick comes makes
 * that tick skip: frames are never queued.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import NodeWebcam from 'node-webcam';
import { SYSTEM_CLOCK, type Clock } from '../../util/clock.js';
import { startPacer, type Pacer } from '../../util/pacer.js';
import { VideoSourceFailedError } from './errors.js';
import { requireExecutable } from './ffmpeg-process.js';
import { decodeJpeg, readJpegInfo } from './jpeg.js';
import { fitInside, scaleRgba } from './scale.js';
import type { CapturedFrame, VideoSource, VideoSourceOptions } from './source.js';

// Consecutive failed captures after which the camera counts as gone.
const MAX_CONSECUTIVE_FAILURES = 5;

/**
 * Creates the source for `webcam[:DEVICE]`.
 * @throws VideoDependencyMissingError when fswebcam is not installed.
 */
export function createWebcamSource(device: string | undefined, options: VideoSourceOptions, clock: Clock = SYSTEM_CLOCK): VideoSource {
  requireExecutable('fswebcam');
  return new WebcamSource(device, options, clock);
}

class WebcamSource implements VideoSource {
  readonly description: string;
  private pacer: Pacer | undefined;
  private dir: string | undefined;
  private stopped = false;

  constructor(
    private readonly device: string | undefined,
    private readonly options: VideoSourceOptions,
    private readonly clock: Clock,
  ) {
    this.description = `webcam ${device ?? '(default)'} (fswebcam) ${options.width}×${options.height} at ${options.fps} fps`;
  }

  start(onFrame: (frame: CapturedFrame) => void, onError: (err: Error) => void): void {
    const { width, height, fps } = this.options;
    this.stopped = false;
    this.dir = mkdtempSync(join(tmpdir(), 'livecomm-webcam-'));
    const location = join(this.dir, 'frame.jpg');
    const cam = NodeWebcam.create({
      width,
      height,
      quality: 80,
      delay: 0,
      saveShots: false,
      output: 'jpeg',
      device: this.device ?? false,
      callbackReturn: 'buffer',
      verbose: false,
    });
    let busy = false;
    let failures = 0;
    this.pacer = startPacer(1000 / fps, () => {
      if (busy || this.stopped) return;
      busy = true;
      const startedAt = this.clock.wallMs();
      cam.capture(location, (err, data) => {
        busy = false;
        if (this.stopped) return;
        const frame = err || typeof data === 'string' ? undefined : this.toFrame(data, startedAt);
        if (frame) {
          failures = 0;
          onFrame(frame);
          return;
        }
        if (++failures >= MAX_CONSECUTIVE_FAILURES) {
          void this.stop();
          const reason = err ? err.message.split('\n')[0] ?? '' : 'fswebcam wrote no picture';
          onError(new VideoSourceFailedError(`webcam ${this.device ?? '(default)'}: ${reason}`, { cause: err ?? undefined }));
        }
      });
    });
  }

  /** Passes a JPEG that fits the send size through; scales a larger one (fswebcam may pick a bigger mode). */
  private toFrame(data: Buffer, captureTs: number): CapturedFrame | undefined {
    const info = readJpegInfo(data);
    if (!info) return undefined;
    if (info.width <= this.options.width && info.height <= this.options.height) {
      return { type: 'jpeg', width: info.width, height: info.height, data: new Uint8Array(data), captureTs };
    }
    try {
      const image = decodeJpeg(data);
      const size = fitInside(image.width, image.height, this.options);
      return { type: 'rgba', ...scaleRgba(image, size.width, size.height), captureTs };
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pacer?.stop();
    this.pacer = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
