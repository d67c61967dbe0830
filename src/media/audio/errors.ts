/**
 * Errors of the audio side. Every error carries a stable `code` string (STYLE.md: one base class, coded errors,
 * causes wrapped with `{ cause }`), so callers and the headless `error` event can switch on it.
 */
import { CodedError } from '../../util/coded-error.js';

/** Stable codes of audio errors. */
export const AUDIO_ERROR_CODES = {
  WAV_INVALID: 'LC_ERR_AUDIO_WAV_INVALID',
  WAV_UNSUPPORTED: 'LC_ERR_AUDIO_WAV_UNSUPPORTED',
  CODEC_UNSUPPORTED: 'LC_ERR_AUDIO_CODEC_UNSUPPORTED',
  ENCODE: 'LC_ERR_AUDIO_ENCODE',
  DECODE: 'LC_ERR_AUDIO_DECODE',
  BACKEND_UNAVAILABLE: 'LC_ERR_AUDIO_BACKEND_UNAVAILABLE',
  DEVICE_NOT_FOUND: 'LC_ERR_AUDIO_DEVICE_NOT_FOUND',
  DEVICE_LOST: 'LC_ERR_AUDIO_DEVICE_LOST',
  SOURCE_SPEC: 'LC_ERR_AUDIO_SOURCE_SPEC',
} as const;

export type AudioErrorCode = (typeof AUDIO_ERROR_CODES)[keyof typeof AUDIO_ERROR_CODES];

/** Base class of every audio error; `code` is stable, `message` is one sentence for the user. */
export class AudioError extends CodedError<AudioErrorCode> {}

/** Thrown by the WAV reader when the file is not a well-formed RIFF/WAVE file (truncated, missing chunks). */
export class WavInvalidError extends AudioError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(AUDIO_ERROR_CODES.WAV_INVALID, message, options);
  }
}

/**
 * Thrown by the WAV reader for a valid WAV in a format it does not read (compressed, or float other than 32/64-bit),
 * and for a sound file of another kind (MP3, FLAC, …) given as a WAV.
 */
export class WavUnsupportedError extends AudioError {
  constructor(message: string) {
    super(AUDIO_ERROR_CODES.WAV_UNSUPPORTED, message);
  }
}

/** Thrown by `createAudioEncoder`/`createAudioDecoder` for a codec name not in `SUPPORTED_AUDIO_CODECS`. */
export class AudioCodecUnsupportedError extends AudioError {
  constructor(codec: string) {
    super(AUDIO_ERROR_CODES.CODEC_UNSUPPORTED, `audio codec "${codec}" is not supported`);
  }
}

/** Thrown by an encoder given a frame of the wrong size, or when the Opus encoder fails. */
export class AudioEncodeError extends AudioError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(AUDIO_ERROR_CODES.ENCODE, message, options);
  }
}

/** Thrown by a decoder on a payload it cannot decode (garbage, wrong size, too large). The decoder stays usable. */
export class AudioDecodeError extends AudioError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(AUDIO_ERROR_CODES.DECODE, message, options);
  }
}

/** Thrown (or reported) when naudiodon/PortAudio cannot be loaded: it is an optional dependency. */
export class AudioBackendUnavailableError extends AudioError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(AUDIO_ERROR_CODES.BACKEND_UNAVAILABLE, message, options);
  }
}

/** Reported when a named microphone or speaker does not exist, or there is no default device. */
export class AudioDeviceNotFoundError extends AudioError {
  constructor(message: string) {
    super(AUDIO_ERROR_CODES.DEVICE_NOT_FOUND, message);
  }
}

/**
 * Reported through `onError`/the `error` event when the device process dies or the device fails or goes silent
 * mid-call. The message says what happened to which device ("the speaker took no sound for 2 s …"); the caller says
 * what the call does without it.
 */
export class AudioDeviceLostError extends AudioError {
  constructor(message = 'the audio device was lost', options?: { cause?: unknown }) {
    super(AUDIO_ERROR_CODES.DEVICE_LOST, message, options);
  }
}

/** Thrown by `parseAudioSourceSpec` for an `--audio` value it does not understand. */
export class AudioSourceSpecError extends AudioError {
  constructor(message: string) {
    super(AUDIO_ERROR_CODES.SOURCE_SPEC, message);
  }
}
