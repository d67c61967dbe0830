/**
 * What every video source delivers. Sources that get frames already JPEG-encoded (a camera giving MJPEG, ffmpeg
 * with `-c:v mjpeg`) hand them over as `jpeg`, undecoded until someone needs the picture (the sender decodes once and
 * encodes again for its bitrate; a self view decodes only what it shows); generated pictures come as `rgba`.
 */
export type CapturedFrame =
  | { type: 'rgba'; width: number; height: number; /** width*height*4 bytes, RGBA */ data: Uint8Array; captureTs: number }
  | { type: 'jpeg'; width: number; height: number; data: Uint8Array; captureTs: number };

export interface VideoSourceOptions {
  /** Send size; sources scale to fit inside it, aspect kept. Default 160×120. */
  width: number;
  height: number;
  /** Target frames per second. Default 15. */
  fps: number;
}

export const DEFAULT_VIDEO_OPTIONS: VideoSourceOptions = { width: 160, height: 120, fps: 15 };

export interface VideoSource {
  /** One line for the user, e.g. "pattern 160×120 at 15 fps". */
  readonly description: string;
  /** Starts delivering frames. `onError` reports a source that failed for good (the call goes on without video). */
  start(onFrame: (frame: CapturedFrame) => void, onError: (err: Error) => void): void;
  stop(): Promise<void>;
}
