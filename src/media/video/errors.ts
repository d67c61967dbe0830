/**
 * Errors of the video side. Every error carries a stable `code` string (STYLE.md: one base class, coded errors,
 * causes wrapped with `{ cause }`), so the CLI and the headless `error` event can switch on it.
 */
import { CodedError } from '../../util/coded-error.js';

/** Stable codes of video errors. */
export const VIDEO_ERROR_CODES = {
  JPEG_INVALID: 'LC_ERR_VIDEO_JPEG_INVALID',
  JPEG_TOO_LARGE: 'LC_ERR_VIDEO_JPEG_TOO_LARGE',
  IMAGE_INVALID: 'LC_ERR_VIDEO_IMAGE_INVALID',
  SOURCE_SPEC: 'LC_ERR_VIDEO_SOURCE_SPEC',
  DEPENDENCY_MISSING: 'LC_ERR_VIDEO_DEPENDENCY_MISSING',
  SOURCE_FAILED: 'LC_ERR_VIDEO_SOURCE_FAILED',
} as const;

export type VideoErrorCode = (typeof VIDEO_ERROR_CODES)[keyof typeof VIDEO_ERROR_CODES];

/** Base class of every video error; `code` is stable, `message` is one sentence for the user. */
export class VideoError extends CodedError<VideoErrorCode> {}

/** Thrown by `decodeJpeg` (and the MJPEG splitter) for bytes that are not a decodable baseline/progressive JPEG. */
export class JpegInvalidError extends VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(VIDEO_ERROR_CODES.JPEG_INVALID, message, options);
  }
}

/** Thrown by `decodeJpeg` when the declared picture exceeds the resolution or memory limits (checked before decoding). */
export class JpegTooLargeError extends VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(VIDEO_ERROR_CODES.JPEG_TOO_LARGE, message, options);
  }
}

/** Thrown by the encoder, scaler and renderer for an RGBA image whose buffer does not match its width and height. */
export class ImageInvalidError extends VideoError {
  constructor(message: string) {
    super(VIDEO_ERROR_CODES.IMAGE_INVALID, message);
  }
}

/** Thrown by `createVideoSource` for a `--video` value it cannot parse, or a file that does not exist. */
export class VideoSourceSpecError extends VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(VIDEO_ERROR_CODES.SOURCE_SPEC, message, options);
  }
}

/** Reported when a helper program (ffmpeg, fswebcam) is not installed; the message names the Debian package. */
export class VideoDependencyMissingError extends VideoError {
  readonly program: string;
  constructor(program: string, debianPackage: string) {
    super(
      VIDEO_ERROR_CODES.DEPENDENCY_MISSING,
      `${program} is not installed: install the Debian package "${debianPackage}" (sudo apt install ${debianPackage}).`,
    );
    this.program = program;
  }
}

/** Reported through a source's `onError` when capture failed for good (device gone, ffmpeg exited, file unreadable). */
export class VideoSourceFailedError extends VideoError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(VIDEO_ERROR_CODES.SOURCE_FAILED, message, options);
  }
}
