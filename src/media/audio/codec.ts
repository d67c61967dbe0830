/**
 * Audio codecs (SPEC §4): Opus by default, raw PCM as a LAN fallback. Both take and give 20 ms frames of 48 kHz mono
 * 16-bit samples (`format.ts`). Decoders never let a bad payload escape as anything but an `AudioDecodeError`, and
 * stay usable after one.
 */
import OpusScript from 'opusscript';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from './format.js';
import { AudioCodecUnsupportedError, AudioDecodeError, AudioEncodeError } from './errors.js';

/** Codec names as negotiated in the handshake, preferred first. */
export const SUPPORTED_AUDIO_CODECS = ['opus', 'pcm'] as const;
export type AudioCodecName = (typeof SUPPORTED_AUDIO_CODECS)[number];

/** Opus bitrate for voice: ~60 bytes per 20 ms frame (PEERS.md), well inside the uplink budget of SPEC §5. */
export const OPUS_BITRATE = 24_000;
/** Bytes of one PCM frame on the wire: 960 little-endian 16-bit samples. */
export const PCM_FRAME_BYTES = SAMPLES_PER_FRAME * 2;
// libopus' own bound for a packet of up to three frames; anything longer is not Opus.
const OPUS_MAX_PACKET_BYTES = 1276 * 3;

/** Encodes 20 ms frames. Not thread-safe, keep one per outgoing stream. */
export interface AudioEncoder {
  readonly codec: AudioCodecName;
  /**
   * Encodes one frame of exactly `SAMPLES_PER_FRAME` samples into a payload the caller owns.
   * @throws AudioEncodeError on a wrong-sized frame or an encoder failure.
   */
  encode(pcm: Int16Array): Uint8Array;
  /** Frees the encoder (Opus holds WASM memory). */
  close(): void;
}

/** Decodes 20 ms frames of one remote stream; keep one per remote participant (Opus is stateful). */
export interface AudioDecoder {
  readonly codec: AudioCodecName;
  /**
   * Decodes one payload into `SAMPLES_PER_FRAME` samples.
   * @throws AudioDecodeError on an empty, oversized, malformed or wrong-duration payload; the decoder stays usable.
   */
  decode(payload: Uint8Array): Int16Array;
  close(): void;
}

/** True when `name` is a codec this build can encode and decode. */
export function isSupportedAudioCodec(name: string): name is AudioCodecName {
  return (SUPPORTED_AUDIO_CODECS as readonly string[]).includes(name);
}

function checkFrame(pcm: Int16Array): void {
  if (pcm.length !== SAMPLES_PER_FRAME) {
    throw new AudioEncodeError(`audio frame has ${pcm.length} samples, expected ${SAMPLES_PER_FRAME}`);
  }
}

// Copies little-endian 16-bit bytes into a fresh, aligned Int16Array (Node's Buffer pool gives arbitrary offsets).
function bytesToSamples(bytes: Uint8Array, count: number): Int16Array {
  const out = new Int16Array(count);
  new Uint8Array(out.buffer).set(bytes.subarray(0, count * 2));
  return out;
}

/**
 * Creates an encoder for `codec`.
 * @throws AudioCodecUnsupportedError for an unknown name.
 */
export function createAudioEncoder(codec: AudioCodecName): AudioEncoder {
  if (codec === 'pcm') {
    return {
      codec,
      encode(pcm) {
        checkFrame(pcm);
        return new Uint8Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
      },
      close() {},
    };
  }
  if (codec !== 'opus') throw new AudioCodecUnsupportedError(codec);
  const opus = new OpusHandle((instance) => instance.setBitrate(OPUS_BITRATE));
  let closed = false;
  return {
    codec,
    encode(pcm) {
      checkFrame(pcm);
      if (closed) throw new AudioEncodeError('Opus encoder is closed');
      try {
        // opusscript takes the PCM as little-endian bytes and returns a Buffer it has copied out of WASM memory.
        return opus.run((instance) => instance.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), SAMPLES_PER_FRAME));
      } catch (err) {
        throw new AudioEncodeError('Opus encoding failed', { cause: err });
      }
    },
    close() {
      if (closed) return;
      closed = true;
      opus.delete();
    },
  };
}

/**
 * Creates a decoder for `codec`.
 * @throws AudioCodecUnsupportedError for an unknown name.
 */
export function createAudioDecoder(codec: AudioCodecName): AudioDecoder {
  if (codec === 'pcm') return createPcmDecoder();
  if (codec !== 'opus') throw new AudioCodecUnsupportedError(codec);
  return createOpusDecoder();
}

// Loss is concealed on decoded audio, in playout order (concealment.ts): frames are decoded as they arrive.
function createPcmDecoder(): AudioDecoder {
  return {
    codec: 'pcm',
    decode(payload) {
      if (payload.byteLength !== PCM_FRAME_BYTES) {
        throw new AudioDecodeError(`PCM audio payload is ${payload.byteLength} bytes, expected ${PCM_FRAME_BYTES}`);
      }
      return bytesToSamples(payload, SAMPLES_PER_FRAME);
    },
    close() {},
  };
}

function createOpusDecoder(): AudioDecoder {
  const opus = new OpusHandle();
  let closed = false;
  const requireOpen = (): void => {
    if (closed) throw new AudioDecodeError('Opus decoder is closed');
  };
  return {
    codec: 'opus',
    decode(payload) {
      requireOpen();
      if (payload.byteLength === 0 || payload.byteLength > OPUS_MAX_PACKET_BYTES) {
        throw new AudioDecodeError(`Opus payload of ${payload.byteLength} bytes is not a packet`);
      }
      let bytes: Buffer;
      try {
        bytes = opus.run((instance) => instance.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)));
      } catch (err) {
        throw new AudioDecodeError('malformed Opus packet', { cause: err });
      }
      const samples = bytes.length / 2;
      if (samples !== SAMPLES_PER_FRAME) {
        // A packet of another duration is either garbage that happens to parse or a peer not following SPEC §4.
        throw new AudioDecodeError(`Opus packet holds ${samples} samples, expected ${SAMPLES_PER_FRAME}`);
      }
      return bytesToSamples(bytes, samples);
    },
    close() {
      if (closed) return;
      closed = true;
      opus.delete();
    },
  };
}

/**
 * One opusscript encoder or decoder. All of them share one WASM heap, and opusscript keeps views of it made when
 * the instance was: once enough instances (~160: a large room) have grown the heap, the older views are detached
 * and every call on them fails. Such an instance is made anew (its codec state starts over) and the call tried again.
 */
class OpusHandle {
  private instance: OpusScript;

  constructor(private readonly setUp: (instance: OpusScript) => void = () => {}) {
    this.instance = this.make();
  }

  run<T>(use: (instance: OpusScript) => T): T {
    try {
      return use(this.instance);
    } catch (err) {
      if (!(err instanceof TypeError && /detached/i.test(err.message))) throw err;
      try {
        this.instance.delete();
      } catch {
        // Its memory is the heap's problem now; nothing more to free here.
      }
      this.instance = this.make();
      return use(this.instance);
    }
  }

  delete(): void {
    this.instance.delete();
  }

  private make(): OpusScript {
    const instance = new OpusScript(SAMPLE_RATE, 1, OpusScript.Application.VOIP);
    this.setUp(instance);
    return instance;
  }
}
